//! The exhaustive search on the built-in models: it finds the planted
//! bugs with a shortest counterexample that replays to the same trace, and
//! proves a bound on the correct models.

use models::register::{self, RegisterBug};
use sim::scenario::exhaustive::{Behaviour, Bounds, Outcome, Stopped};
use sim::scenario::Scenario;
use sim::Explorable;

fn bounds(depth: u32) -> Bounds {
    Bounds {
        depth,
        states: 2_000_000,
        faults: 1,
        clients: 2,
        ops: 1,
        seed: 0,
    }
}

/// The violation `scenario` has within `bounds`, checked to replay to the
/// same failure and trace hash twice.
fn violation<N: Explorable + 'static>(scenario: &Scenario<N>, bounds: Bounds) -> Outcome {
    let outcome = scenario.explore_exhaustive(bounds, &mut |_| true);
    assert_eq!(outcome.stopped, Stopped::Violation, "{outcome:?}");
    let violation = outcome.violation.as_ref().expect("a violation");
    let behaviour = Behaviour {
        bounds,
        steps: violation.steps.clone(),
    };
    let replayed = scenario.replay_steps(&behaviour, true).unwrap();
    assert_eq!(replayed.failure.as_ref(), Some(&violation.failure));
    let again = scenario.replay_steps(&behaviour, false).unwrap();
    assert_eq!(again.trace_hash, replayed.trace_hash);
    outcome
}

#[test]
fn register_proves_its_bound_and_counts_the_same_states_twice() {
    let first = register::scenario(None).explore_exhaustive(bounds(9), &mut |_| true);
    assert!(first.proved(), "{first:?}");
    assert_eq!((first.stopped, first.covered), (Stopped::Depth, 9));
    assert!(first.random_in_state && !first.clock_in_state, "{first:?}");
    let second = register::scenario(None).explore_exhaustive(bounds(9), &mut |_| true);
    assert_eq!(first, second);
}

#[test]
fn register_ack_before_replication_is_found_at_its_shortest() {
    let scenario = register::scenario(Some(RegisterBug::AckBeforeReplication));
    let outcome = violation(&scenario, bounds(14));
    let steps = &outcome.violation.as_ref().unwrap().steps;
    // Every behaviour shorter than the one found was judged, and passed.
    assert_eq!(outcome.covered as usize, steps.len() - 1);
    let shorter = scenario.explore_exhaustive(bounds(steps.len() as u32 - 1), &mut |_| true);
    assert!(shorter.proved(), "{shorter:?}");
}

#[test]
fn a_step_that_cannot_be_taken_is_an_error_that_names_it() {
    let scenario = register::scenario(None);
    let behaviour = Behaviour {
        bounds: bounds(5),
        steps: vec![sim::scenario::exhaustive::Step::Run { seq: 999 }],
    };
    let e = scenario.replay_steps(&behaviour, false).unwrap_err();
    assert!(e.starts_with("step 1 (Run { seq: 999 })"), "{e}");
}

#[test]
fn a_caller_can_stop_the_search() {
    let mut calls = 0;
    let outcome = register::scenario(None).explore_exhaustive(bounds(30), &mut |p| {
        calls += 1;
        p.depth < 3
    });
    assert_eq!(outcome.stopped, Stopped::Interrupted);
    assert_eq!(outcome.covered, 3);
    assert!(!outcome.proved() && calls > 0);
}
