//! The chain's bug switch is held to the budget its description declares
//! (`skip-sync`: caught by the `crashes` mix within 60 seeds), as the
//! built-in catalog's are.

#[test]
fn every_bug_switch_is_caught_within_its_budget() {
    let found = faultline::testing::assert_bug_budgets(&chain::ChainModel);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].1.is_some(), "skip-sync is caught: {found:?}");
}
