//! openraft's runtime on madsim, for each release: openraft's own
//! conformance suite for runtimes passes, the random source replays from
//! the seed, and the watch channel wakes its waiters in order.
#![cfg(madsim)]

use faultline_targets::openraft::{v0_10_alpha_24, v0_10_alpha_29, v0_10_alpha_37};

#[test]
fn openraft_s_runtime_conformance_suite_passes_on_madsim_for_each_release() {
    openraft_rt::testing::Suite::<v0_10_alpha_37::runtime::MadsimRt>::test_all();
    openraft_rt_0_10_alpha_24::testing::Suite::<v0_10_alpha_24::runtime::MadsimRt>::test_all();
    openraft_rt_0_10_alpha_29::testing::Suite::<v0_10_alpha_29::runtime::MadsimRt>::test_all();
}

mod newest {
    use faultline_targets::openraft::v0_10_alpha_37::runtime::{MadsimRt, SimRng};
    use openraft_rt::{AsyncRuntime, Instant as _};
    use rand_core_0_10::Rng;

    /// Five draws and the virtual time a sleep took, under `seed`.
    fn draws(seed: u64) -> (Vec<u64>, std::time::Duration) {
        MadsimRt::with_seed(seed).block_on(async {
            let start = <MadsimRt as AsyncRuntime>::Instant::now();
            let mut rng: SimRng = MadsimRt::thread_rng();
            let values = (0..5).map(|_| rng.next_u64()).collect();
            MadsimRt::sleep(std::time::Duration::from_millis(150)).await;
            (values, <MadsimRt as AsyncRuntime>::Instant::now() - start)
        })
    }

    #[test]
    fn the_random_source_replays_from_the_seed_and_time_is_virtual() {
        let (a, slept) = draws(7);
        assert_eq!(draws(7).0, a);
        assert_ne!(draws(8).0, a);
        assert!(slept >= std::time::Duration::from_millis(150), "{slept:?}");
    }
}
