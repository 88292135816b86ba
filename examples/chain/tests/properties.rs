//! The chain's property test, as a user would write one: under any plan of
//! crashes, pauses and partitions, the chain keeps its order, its history
//! is linearizable, and after healing every client is served again. A
//! failure shrinks to fewer, earlier, shorter faults.

use chain::scenario;
use faultline::sim::strategy::fault_plans;
use faultline::sim::{FaultKind, LinkConfig, SimDuration};
use proptest::prelude::*;

fn plans() -> impl Strategy<Value = faultline::sim::FaultPlan> {
    let kinds = vec![FaultKind::Crash, FaultKind::Pause, FaultKind::Partition];
    let horizon = SimDuration::from_secs(2);
    let longest = SimDuration::from_millis(500);
    fault_plans(
        chain::NODES,
        kinds,
        6,
        horizon,
        longest,
        LinkConfig::default(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_chain_survives_any_plan_of_crashes_pauses_and_partitions(plan in plans(), seed in 0u64..1000) {
        let report = scenario(None).plan(plan).run_for(SimDuration::from_secs(2)).run_seed(seed);
        prop_assert!(report.failure.is_none(), "{}", report.failure.unwrap());
    }
}
