//! What the model tests share.

use sim::scenario::{Failure, Scenario};

/// The first failing seed in `0..limit` of a scenario (a model with a bug
/// switch on), with its failure; panics naming `what` if none fails.
pub(crate) fn first_failure<N: sim::Node + 'static>(
    scenario: &Scenario<N>,
    what: &str,
    limit: u64,
) -> (u64, Failure)
where
    N::Op: Clone,
    N::Reply: Clone,
{
    (0..limit)
        .find_map(|seed| scenario.run_seed(seed).failure.map(|f| (seed, f)))
        .unwrap_or_else(|| panic!("{what} is not caught in seeds 0..{limit}"))
}

/// Fault plans for the example property tests: up to 4 episodes of `kinds`
/// in a cluster of `nodes`, starting in the first 2 s, each up to 1 s long.
pub(crate) fn plans(
    nodes: usize,
    kinds: Vec<sim::FaultKind>,
) -> impl proptest::strategy::Strategy<Value = sim::FaultPlan> {
    sim::strategy::fault_plans(
        nodes,
        kinds,
        4,
        sim::SimDuration::from_secs(2),
        sim::SimDuration::from_secs(1),
        sim::LinkConfig::default(),
    )
}

/// A recorded run's trace as text, one event a line, for `insta` (not
/// every test file pins a trace).
#[allow(dead_code)]
pub(crate) fn trace_text<O, R>(report: &sim::scenario::RunReport<O, R>) -> String {
    let trace = report.trace.as_ref().expect("the run recorded its trace");
    trace.iter().map(|r| format!("{r}\n")).collect()
}
