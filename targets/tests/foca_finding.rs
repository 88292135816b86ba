//! The finding in foca 2.0.0 (`targets/FINDINGS.md`): after seed 332's
//! faults heal, the members never all see each other alive again. It is
//! not slow convergence: given ten minutes of healed time rather than the
//! stated 150 s, seed 332 still fails the same way. When a foca release
//! fixes it, this test fails and the finding is updated.

use faultline::sim::SimDuration;
use faultline_targets::foca::scenario;

#[test]
fn foca_2_0_0_does_not_converge_in_ten_minutes_after_seed_332_heals() {
    let report = scenario(None)
        .liveness_for(SimDuration::from_secs(600))
        .run_seed(332);
    let failure = report.failure.expect("seed 332 still fails");
    assert!(
        failure.message.contains("does not see"),
        "{}",
        failure.message
    );
}
