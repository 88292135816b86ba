//! `explore` and the regression file (see [`sim::regression`]): the kept
//! failures of the model and bug switch are re-run before the sweep, and
//! the sweep's new failures are kept, shrunk: the lowest failing seed of
//! each failure kind.

use sim::model::{Model, RunRequest, RunSummary};
use sim::regression::{self, Regression};
use sim::scenario::Budget;
use sim::FaultPlan;
use std::collections::BTreeSet;
use std::path::Path;

/// Reruns spent shrinking a failure before keeping it.
pub(crate) const SHRINK_TRIALS: usize = 200;

/// What re-running the kept failures found.
#[derive(Debug, Default)]
pub(crate) struct Rerun {
    /// Entries that failed again.
    pub still_failing: usize,
    /// Entries that passed.
    pub fixed: usize,
}

/// Re-runs the kept failures of `model` with `bug` under `budget` (the
/// sweep's: a storm stops where its limit says), printing each verdict.
pub(crate) fn rerun(
    path: &Path,
    model: &dyn Model,
    bug: Option<&str>,
    budget: Budget,
) -> Result<Rerun, String> {
    let file = regression::load(path)?;
    let mine = file.entries.iter().filter(|e| {
        e.test.is_none() && e.model.as_deref() == Some(model.name()) && e.bug.as_deref() == bug
    });
    let mut found = Rerun::default();
    for entry in mine {
        let run = match &entry.exhaustive {
            Some(behaviour) => model
                .replay_behaviour(entry.bug.as_deref(), behaviour, false)
                .map_err(|e| format!("kept failure, seed {}: {e}", entry.seed)),
            None => run(model, entry, entry.rerun_plan(), budget),
        }
        .map_err(|e| format!("{}: {e}", path.display()))?;
        match &run.failure {
            Some(f) => {
                found.still_failing += 1;
                let first = f.to_string().lines().next().unwrap_or_default().to_string();
                eprintln!(
                    "{me} explore: kept failure, seed {} ({}): fails again: {first}",
                    entry.seed,
                    path.display(),
                    me = crate::arg::program()
                );
            }
            None => {
                found.fixed += 1;
                eprintln!(
                    "{me} explore: kept failure, seed {} ({}): fixed, it no longer fails (kept until you remove it)",
                    entry.seed,
                    path.display(), me = crate::arg::program());
            }
        }
    }
    Ok(found)
}

fn run(
    model: &dyn Model,
    entry: &Regression,
    plan: &FaultPlan,
    budget: Budget,
) -> Result<RunSummary, String> {
    // An unknown mix is bad input, not `all`: the entry would replay
    // under faults it was not found with.
    let nemesis = entry
        .faults
        .parse()
        .map_err(|e| format!("kept failure, seed {}: faults: {e}", entry.seed))?;
    let request = RunRequest {
        seed: entry.seed,
        bug: entry.bug.clone(),
        nemesis,
        plan: Some(plan.clone()),
        buggify: Some(entry.buggify_sites()),
        trim: entry.trim,
        budget: Some(budget),
        ..RunRequest::default()
    };
    model
        .run(&request)
        .map_err(|e| format!("kept failure, seed {}: {e}", entry.seed))
}

/// Keeps the lowest failing seed of each failure kind among `failed`
/// (seed, kind), shrunk under `budget`; returns how many were added.
pub(crate) fn keep(
    path: &Path,
    model: &dyn Model,
    (bug, faults): (Option<&str>, sim::Mix),
    failed: &[(u64, String)],
    budget: Budget,
) -> Result<usize, String> {
    let mut kinds = BTreeSet::new();
    let mut added = 0;
    for (seed, kind) in failed {
        if !kinds.insert(kind.clone()) {
            continue;
        }
        let request = RunRequest {
            seed: *seed,
            bug: bug.map(str::to_string),
            nemesis: faults.nemesis(),
            budget: Some(budget),
            ..RunRequest::default()
        };
        let first = model.run(&request).map_err(|e| e.to_string())?;
        let Some(failure) = first.failure.clone() else {
            continue;
        };
        let fired = Some(sim::marks::Buggify::Sites(
            first.buggified.iter().cloned().collect(),
        ));
        let same = |plan: &FaultPlan| {
            let run = model
                .run(&RunRequest {
                    plan: Some(plan.clone()),
                    buggify: fired.clone(),
                    ..request.clone()
                })
                .ok()?;
            run.failure
                .as_ref()
                .is_some_and(|f| f.kind == failure.kind)
                .then_some(run)
        };
        let shrunk =
            sim::essence::essence(&first.plan, first.clone(), failure.at, SHRINK_TRIALS, same);
        let entry = Regression {
            model: Some(model.name().to_string()),
            test: None,
            bug: bug.map(str::to_string),
            faults: faults.name().to_string(),
            seed: *seed,
            plan: first.plan.clone(),
            trace_hash: sim::trace::hash_hex(first.trace_hash),
            shrunk_plan: (shrunk.plan.len() < first.plan.len()).then_some(shrunk.plan),
            failure: failure
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
            buggify: first.buggified.clone(),
            trim: sim::scenario::Trim::default(),
            exhaustive: None,
        };
        if regression::record(path, entry)? {
            added += 1;
        }
    }
    Ok(added)
}

/// The error for a report that would land on the regression file (which
/// may not exist yet, so [`sim::files::check_new`] cannot tell).
pub(crate) fn one_file_twice(report: Option<&Path>, regressions: Option<&Path>) -> Option<String> {
    let at = |p: &Path| std::path::absolute(sim::files::target_of(p)).ok();
    let (report, regressions) = (report?, regressions?);
    (at(report) == at(regressions)).then(|| {
        format!(
            "--report {}: is the regression file; give the report another name",
            report.display()
        )
    })
}

/// Keeps a sweep's new failures (`failed`) in the regression file at
/// `path`, and says how many (or why none could be kept).
pub(crate) fn keep_found(
    path: &Path,
    model: &dyn Model,
    switch: (Option<&str>, sim::Mix),
    budget: Budget,
    failed: &[crate::summary::FailedSeed],
) {
    let failed: Vec<(u64, String)> = failed
        .iter()
        .map(|f| (f.seed, f.kind.name().to_string()))
        .collect();
    let me = crate::arg::program();
    match keep(path, model, switch, &failed, budget) {
        Ok(0) => {}
        Ok(n) => eprintln!(
            "{me} explore: kept {n} new failure(s) in {}",
            path.display()
        ),
        Err(e) => eprintln!("{me} explore: failures not kept: {e}"),
    }
}
