//! One run of a model with any panic that escapes it caught: such a panic
//! is a failure of the run (kind `panic`), not the end of a sweep or search.

use sim::model::{Model, ModelError, RunRequest, RunSummary};
use sim::scenario::{Failure, FailureKind};
use sim::SimTime;
use std::cell::Cell;

thread_local! {
    /// Inside a caught run on this thread.
    static IN_RUN: Cell<bool> = const { Cell::new(false) };
}

/// In a sweep, a model's panic is a failure of its run, told in the
/// summary and replayable from its artifact; the default hook's message on
/// every failing seed (a library's panic, hundreds of times) is noise.
/// Installs, once, a hook that stays quiet inside caught runs and speaks as
/// the default hook does everywhere else.
pub(crate) fn quiet_panics_in_runs() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_RUN.with(Cell::get) {
                default(info);
            }
        }));
    });
}

/// Runs `request`; a panic that escapes the model is a failure of the run.
pub(crate) fn run_caught(
    model: &dyn Model,
    request: &RunRequest,
) -> Result<RunSummary, ModelError> {
    let outer = IN_RUN.with(|r| r.replace(true));
    let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| model.run(request)));
    IN_RUN.with(|r| r.set(outer));
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
        busiest_second: 0,
        buggified: Vec::new(),
        probes: Vec::new(),
        hot: Vec::new(),
        detail: None,
    }
}
