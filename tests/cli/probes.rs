//! Every coverage probe a built-in model declares is reached within the
//! seeds its declaration states, under the model's default scenario (the
//! `all` mix, fault points on): a sweep of the default exploration reaches
//! what the model says makes it meaningful. The probes and budgets are
//! read from the models' descriptions, as `faultline list` shows them.

use sim::model::{Model, RunRequest};
use std::collections::BTreeMap;

/// Per probe name, the first seed in `0..within` whose run reached it.
fn first_reached(model: &dyn Model, within: u64) -> BTreeMap<String, u64> {
    let mut first = BTreeMap::new();
    for seed in 0..within {
        let request = RunRequest {
            seed,
            ..RunRequest::default()
        };
        let run = model.run(&request).expect("the default scenario runs");
        for (name, _) in run.probes {
            first.entry(name.to_string()).or_insert(seed);
        }
    }
    first
}

#[test]
fn every_declared_probe_is_reached_within_its_stated_seeds() {
    let mut checked = 0;
    for model in faultline::catalog::built_in() {
        let description = model.describe();
        let probes = &description.checks.probes;
        let Some(within) = probes.iter().map(|p| p.within_seeds).max() else {
            continue;
        };
        let first = first_reached(model, within);
        for probe in probes {
            let found = first.get(&probe.name).copied();
            eprintln!(
                "{}: {:?} first reached at {found:?}",
                description.name, probe.name
            );
            assert!(
                found.is_some_and(|s| s < probe.within_seeds),
                "{}: probe {:?} is not reached within {} seeds, as declared",
                description.name,
                probe.name,
                probe.within_seeds
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 8,
        "only {checked} probes declared in the catalog"
    );
}
