//! The chain under the exhaustive search: the skip-sync bug at its
//! shortest, and a bound proved on the correct chain.

use chain::{scenario, ChainBug};
use faultline::sim::scenario::exhaustive::{Behaviour, Bounds, Step, Stopped};

fn bounds(depth: u32) -> Bounds {
    Bounds {
        depth,
        states: 1_000_000,
        faults: 1,
        clients: 2,
        ops: 1,
        seed: 0,
    }
}

#[test]
fn skip_sync_is_found_in_four_steps_and_replays() {
    let chain = scenario(Some(ChainBug::SkipSync));
    let outcome = chain.explore_exhaustive(bounds(10), &mut |_| true);
    let violation = outcome.violation.expect("skip-sync breaks chain order");
    // A write the head never synced reaches its successor; the head
    // crashes and restarts without it.
    assert_eq!(violation.steps.len(), 4, "{:?}", violation.steps);
    assert!(matches!(violation.steps[0], Step::Issue { .. }));
    assert!(matches!(violation.steps[2], Step::Crash { .. }));
    assert!(
        violation.failure.message.starts_with("chain order"),
        "{}",
        violation.failure
    );
    let behaviour = Behaviour {
        bounds: bounds(10),
        steps: violation.steps,
    };
    let replayed = chain.replay_steps(&behaviour, false).unwrap();
    assert_eq!(replayed.failure, Some(violation.failure));
}

#[test]
fn the_correct_chain_has_no_violation_to_a_depth() {
    let outcome = scenario(None).explore_exhaustive(bounds(9), &mut |_| true);
    assert!(outcome.proved(), "{outcome:?}");
    assert_eq!((outcome.stopped, outcome.covered), (Stopped::Depth, 9));
}
