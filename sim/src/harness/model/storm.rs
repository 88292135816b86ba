//! Storm limits from a model's own baseline (see [`crate::scenario::budget`]).
//!
//! Before a sweep, `explore` (and [`super::hunt`], before a switch's hunt) runs the model's correct form (no bug switch)
//! on seeds 0 to [`BASELINE_SEEDS`] − 1, under the sweep's mix and fault
//! points, and takes the most messages any of them sent in one second of
//! virtual time as the model's baseline. A run of the sweep that sends
//! more than `--storm-factor` times that in one second fails as `storm`
//! at that message, where the event budget would have let it run on for
//! a second or more of wall time. The limit goes into the description the
//! sweep writes artifacts from, so a replay or a shrink stops where the
//! run did.

use super::describe::{Model, ModelError, RunRequest};
use crate::marks::Buggify;
use crate::mix::Mix;
use crate::scenario::budget::{Budget, StormLimit};

/// The seeds of the correct model a baseline is taken from.
pub const BASELINE_SEEDS: u64 = 16;

/// How many times its baseline a run may send in one second, unless told.
pub const DEFAULT_FACTOR: u64 = 20;

/// The storm limit for sweeps of `model` under `mix`: `factor` times the
/// most messages its correct form sent in one second of its first seeds;
/// none for a factor of 0, or a host that counts no messages (madsim).
pub fn learn(
    model: &dyn Model,
    mix: Mix,
    buggify: Option<&Buggify>,
    factor: u64,
) -> Result<Option<StormLimit>, ModelError> {
    if factor == 0 {
        return Ok(None);
    }
    let mut baseline = 0;
    for seed in 0..BASELINE_SEEDS {
        let request = RunRequest {
            seed,
            nemesis: mix.nemesis(),
            buggify: buggify.cloned(),
            ..RunRequest::default()
        };
        let run = model.run(&request)?;
        baseline = baseline.max(run.busiest_second);
    }
    Ok((baseline > 0).then_some(StormLimit { baseline, factor }))
}

/// The model's budget with the storm limit of [`DEFAULT_FACTOR`] learned
/// under `mix`: what a sweep of it runs under.
pub fn limited_budget(model: &dyn Model, mix: Mix) -> Result<Budget, ModelError> {
    let storm = learn(model, mix, None, DEFAULT_FACTOR)?;
    Ok(Budget {
        storm,
        ..model.describe().config.budget
    })
}
