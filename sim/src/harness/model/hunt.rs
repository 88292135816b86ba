//! Holding a model's bug switches to the hunts they declare: a sweep from
//! seed 0 under the switch's mix must fail within its seed budget (or, for
//! a switch declared harmless, must not). The built-in catalog's test and
//! any user's crate (the real libraries of `targets/`, say) share it, so a
//! model's budgets are checked the same way wherever it lives.

use super::describe::{Model, ModelError, RunRequest};
use crate::core::Liveness;
use crate::mix::Mix;
use crate::scenario::Budget;

/// One seed of `model` under `mix`, with `bug` on (`None`: as it is):
/// true when the run fails.
pub fn fails(
    model: &dyn Model,
    bug: Option<&str>,
    mix: Mix,
    seed: u64,
) -> Result<bool, ModelError> {
    fails_under(model, bug, (mix, Liveness::HealAll), seed, None)
}

/// One seed, as [`fails`], under a mix and liveness phase, and `budget`
/// (the model's own for `None`).
fn fails_under(
    model: &dyn Model,
    bug: Option<&str>,
    (mix, liveness): (Mix, Liveness),
    seed: u64,
    budget: Option<Budget>,
) -> Result<bool, ModelError> {
    let request = RunRequest {
        seed,
        bug: bug.map(str::to_string),
        nemesis: mix.nemesis_in(liveness),
        plan: None,
        record: false,
        budget,
        buggify: None,
        trim: Default::default(),
    };
    Ok(model.run(&request)?.failure.is_some())
}

/// The first seed in `0..within` at which `model` fails with `bug` under
/// `mix`, if any, under the storm limit `explore` would set (see
/// [`super::storm`]): a storm is caught as `explore` catches it.
pub fn first_failure(
    model: &dyn Model,
    bug: Option<&str>,
    mix: Mix,
    within: u64,
) -> Result<Option<u64>, ModelError> {
    let budget = super::storm::limited_budget(model, mix)?;
    first_failure_under(model, bug, (mix, Liveness::HealAll), within, budget)
}

/// [`first_failure`] under `budget`.
fn first_failure_under(
    model: &dyn Model,
    bug: Option<&str>,
    setting: (Mix, Liveness),
    within: u64,
    budget: Budget,
) -> Result<Option<u64>, ModelError> {
    for seed in 0..within {
        if fails_under(model, bug, setting, seed, Some(budget))? {
            return Ok(Some(seed));
        }
    }
    Ok(None)
}

/// Every bug switch of `model` against its declared hunt: for each, its
/// name and the first failing seed. An error names the first switch that
/// breaks its declaration: a caught switch not caught within its budget,
/// or a harmless one that fails.
pub fn check_hunts(model: &dyn Model) -> Result<Vec<(String, Option<u64>)>, String> {
    let description = model.describe();
    let mut found = Vec::new();
    // The storm limit of each mix, learned once for all its switches.
    let mut budgets = std::collections::BTreeMap::new();
    for bug in &description.bugs {
        let failed =
            |e: &dyn std::fmt::Display| format!("{} --bug {}: {e}", description.name, bug.name);
        let mix: Mix = bug.mix.parse().map_err(|e| failed(&e))?;
        let budget = match budgets.get(&bug.mix) {
            Some(&budget) => budget,
            None => {
                let learned = super::storm::limited_budget(model, mix).map_err(|e| failed(&e))?;
                *budgets.entry(bug.mix.clone()).or_insert(learned)
            }
        };
        let setting = (mix, bug.liveness);
        let first = first_failure_under(model, Some(&bug.name), setting, bug.within_seeds, budget)
            .map_err(|e| failed(&e))?;
        let (name, within) = (&description.name, bug.within_seeds);
        match (bug.harmless, first) {
            (true, Some(seed)) => {
                return Err(format!(
                    "{name} --bug {} is declared harmless under `{}`, but seed {seed} fails",
                    bug.name,
                    bug.faults()
                ))
            }
            (false, None) => {
                return Err(format!(
                    "{name} --bug {} is not caught under `{}` within {within} seeds, as its description says",
                    bug.name,
                    bug.faults()
                ))
            }
            _ => found.push((bug.name.clone(), first)),
        }
    }
    Ok(found)
}
