//! One run of a model with any panic that escapes it caught: such a panic
//! is a failure of the run (kind `panic`), not the end of a sweep or search.

use sim::model::{Model, ModelError, RunRequest, RunSummary};
use sim::scenario::{Failure, FailureKind};
use sim::SimTime;

/// Runs `request`; a panic that escapes the model is a failure of the run.
pub fn run_caught(model: &dyn Model, request: &RunRequest) -> Result<RunSummary, ModelError> {
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| model.run(request)));
    caught.unwrap_or_else(|payload| {
        let text = sim::scenario::report::panic_text(payload.as_ref());
        Ok(panicked(request.seed, request, text))
    })
}

/// A run whose model panicked past its own harness (a host without one).
fn panicked(seed: u64, request: &RunRequest, text: String) -> RunSummary {
    RunSummary {
        seed,
        plan: request.plan.clone().unwrap_or_default(),
        trace_hash: 0,
        failure: Some(Failure {
            kind: FailureKind::Panic,
            message: format!("the model panicked: {text}"),
            at: SimTime::ZERO,
        }),
        ops: Vec::new(),
        trace: None,
        timings: Vec::new(),
        history: None,
        skipped_faults: 0,
        buggified: Vec::new(),
        probes: Vec::new(),
        detail: None,
    }
}
