//! The exhaustive search on the built-in models: it finds the planted
//! bugs with a shortest counterexample that replays, and proves bounds on
//! the correct models.

use models::register::{self, RegisterBug};
use sim::scenario::exhaustive::{Bounds, Stopped};

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

#[test]
fn register_proves_its_bound() {
    let outcome = register::scenario(None).explore_exhaustive(bounds(14), &mut |_| true);
    eprintln!("{outcome:?}");
    assert!(outcome.proved(), "{outcome:?}");
}

#[test]
fn register_ack_before_replication_is_found_and_replays() {
    let scenario = register::scenario(Some(RegisterBug::AckBeforeReplication));
    let outcome = scenario.explore_exhaustive(bounds(14), &mut |_| true);
    eprintln!("{outcome:?}");
    assert_eq!(outcome.stopped, Stopped::Violation);
    let violation = outcome.violation.expect("a violation");
    let replayed = scenario
        .replay_steps(outcome.bounds, &violation.steps)
        .unwrap();
    assert_eq!(replayed.failure.as_ref(), Some(&violation.failure));
    assert_eq!(replayed.taken, violation.steps.len());
    let again = scenario
        .replay_steps(outcome.bounds, &violation.steps)
        .unwrap();
    assert_eq!(again.trace_hash, replayed.trace_hash);
}
