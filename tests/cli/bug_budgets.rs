//! Every bug switch of every model in the built-in catalog is caught within
//! the seed budget its description states, under the fault mix it names:
//! a sweep from seed 0 fails before the budget runs out. The budgets are
//! what `faultline list` and the table in docs/bug-finding.md print, so the docs cannot
//! drift from the code. (`scripts/bug-table.py` measures the medians.)

use sim::model::hunt;
use sim::Mix;

#[test]
fn every_bug_switch_is_caught_within_its_stated_budget() {
    let mut checked = 0;
    for model in faultline::catalog::built_in() {
        let found = hunt::check_hunts(model).unwrap_or_else(|e| panic!("{e}"));
        for (bug, first) in &found {
            eprintln!("{} --bug {bug}: first failure at {first:?}", model.name());
        }
        checked += found.len();
    }
    assert!(
        checked >= 9,
        "the catalog's bug switches were checked: {checked}"
    );
}

#[test]
fn the_correct_models_pass_the_seeds_their_bugs_fail_in() {
    // The other half of the claim: what fails is the bug, not the model.
    for model in faultline::catalog::built_in() {
        let description = model.describe();
        for seed in 0..3 {
            let failed = hunt::fails(model, None, Mix::All, seed).expect("runs");
            assert!(!failed, "{} seed {seed} fails", description.name);
        }
    }
}
