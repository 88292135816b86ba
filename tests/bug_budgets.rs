//! Every bug switch of every model in the built-in catalog is caught within
//! the seed budget its description states, under the fault mix it names:
//! a sweep from seed 0 fails before the budget runs out. The budgets are
//! what `faultline list` and the README's table print, so the docs cannot
//! drift from the code. (`scripts/bug-table.py` measures the medians.)

use sim::model::{Model, RunRequest};
use sim::Mix;

/// The first seed in `0..within` at which `model` fails with `bug` on
/// under `mix`, if any.
fn first_failure(model: &dyn Model, bug: &str, mix: Mix, within: u64) -> Option<u64> {
    (0..within).find(|&seed| {
        let request = RunRequest {
            seed,
            bug: Some(bug.to_string()),
            nemesis: mix.nemesis(),
            plan: None,
            record: false,
            budget: None,
            buggify: None,
            trim: Default::default(),
        };
        let run = model.run(&request).expect("a listed bug switch runs");
        run.failure.is_some()
    })
}

#[test]
fn every_bug_switch_is_caught_within_its_stated_budget() {
    let mut checked = 0;
    for model in faultline::catalog::built_in() {
        let description = model.describe();
        for bug in &description.bugs {
            let mix: Mix = bug.mix.parse().expect("a listed mix");
            let found = first_failure(model, &bug.name, mix, bug.within_seeds);
            eprintln!(
                "{} --bug {}: first failure at {found:?}",
                description.name, bug.name
            );
            if bug.harmless {
                // Harmless alone by design: the budget is seeds that pass.
                assert_eq!(
                    found, None,
                    "{} --bug {} is declared harmless",
                    description.name, bug.name
                );
                checked += 1;
                continue;
            }
            assert!(
                found.is_some(),
                "{} --bug {} is not caught under `{}` within {} seeds, as its description says",
                description.name,
                bug.name,
                bug.mix,
                bug.within_seeds
            );
            checked += 1;
        }
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
            let request = RunRequest {
                seed,
                bug: None,
                nemesis: Mix::All.nemesis(),
                plan: None,
                record: false,
                budget: None,
                buggify: None,
                trim: Default::default(),
            };
            let run = model.run(&request).expect("runs");
            assert!(
                run.failure.is_none(),
                "{} seed {seed}: {:?}",
                description.name,
                run.failure
            );
        }
    }
}
