//! `faultline shrink FILE`: minimise an artifact's failure (the pipeline of
//! [`sim::smallest`]: the plan, the fault points, the run) and write the
//! result beside it as a new artifact; the original is never touched.

use crate::catalog::Catalog;
use crate::exit;
use crate::replay::{load, Loaded};
use sim::artifact::Artifact;
use sim::marks::Buggify;
use sim::model::RunSummary;
use sim::smallest::{smallest, Scope, Smallest};
use sim::trace::hash_hex;
use std::path::PathBuf;

/// Reruns `shrink` may spend on the plan. A figure-8 Raft failure, the
/// hardest built-in one, takes 19,000 to 36,000 (20 to 50 seconds) to reach
/// four or five faults; most other built-in failures settle within a few
/// thousand. A smaller budget gives a larger plan sooner (5,000 left
/// figure 8 at six to eight faults).
pub(crate) const MAX_TRIALS: usize = 40_000;

/// An exhaustive search's violation is the shortest there is: it is not
/// shrunk, only checked to fail again. Exit 0 when it does.
fn already_shortest(loaded: &Loaded<'_>, steps: usize, file: &std::path::Path) -> i32 {
    let me = crate::arg::program();
    match loaded.rerun(&loaded.artifact.plan, false) {
        Ok(run) if run.failure.is_some() => {
            println!(
                "{}: found by the exhaustive search, whose violations are the shortest there are \
                 ({steps} steps, and no shorter behaviour fails): nothing to shrink",
                file.display()
            );
            exit::OK
        }
        Ok(_) => {
            eprintln!(
                "{me} shrink: {}: the failure does not reproduce, nothing to shrink",
                file.display()
            );
            exit::BAD_INPUT
        }
        Err(e) => {
            eprintln!("{me} shrink: {e}");
            exit::BAD_INPUT
        }
    }
}

/// `faultline shrink`.
#[derive(Debug, clap::Args)]
pub struct ShrinkArgs {
    /// The artifact.
    pub file: PathBuf,
    /// The most reruns to spend (the best plan so far is kept when they run out).
    #[arg(long, default_value_t = MAX_TRIALS)]
    pub max_trials: usize,
}

impl ShrinkArgs {
    /// Shrinks the artifact's plan and writes the shrunk artifact.
    pub fn run(self, catalog: &Catalog<'_>) -> i32 {
        let bad = |e: &dyn std::fmt::Display| {
            eprintln!("{me} shrink: {e}", me = crate::arg::program());
            exit::BAD_INPUT
        };
        let loaded = match load(catalog, &self.file) {
            Ok(l) => l,
            Err(e) => return bad(&e),
        };
        let original = &loaded.artifact;
        if let Some(behaviour) = &original.exhaustive {
            return already_shortest(&loaded, behaviour.steps.len(), &self.file);
        }
        let kind = original.failure.kind;
        let same_failure = |plan: &sim::FaultPlan| {
            let run = loaded.rerun(plan, false).ok()?;
            run.failure
                .as_ref()
                .is_some_and(|f| f.kind == kind)
                .then_some(run)
        };
        let Some(first) = same_failure(&original.plan) else {
            let shown = self.file.display();
            return bad(&format!(
                "{shown}: the failure does not reproduce, nothing to shrink"
            ));
        };
        let shrunk = shrink_with_progress(&loaded, first, self.max_trials);
        let hits = focus_hits_of(&loaded, &shrunk);
        let (run, trim) = (shrunk.run, shrunk.trim);
        let failure = run.failure.clone().expect("a shrunk plan still fails");
        let small = Artifact {
            plan: shrunk.plan.clone(),
            trace_hash: hash_hex(run.trace_hash),
            failure,
            buggify: run.buggified.clone(),
            trim,
            faultline_version: env!("CARGO_PKG_VERSION").to_string(),
            ..original.clone()
        };
        let path = match small.write_beside(&self.file) {
            Ok(p) => p,
            Err(e) => return bad(&e),
        };
        print_shrunk(
            &small,
            &run,
            (shrunk.trials, shrunk.budget_exhausted),
            &path,
            &hits,
        );
        exit::OK
    }
}

/// Shrinks `first`, the artifact's failing run, to the smallest plan that
/// fails the same way, within `max_trials` reruns, with a spinner.
fn shrink_with_progress(
    loaded: &Loaded<'_>,
    first: RunSummary,
    max_trials: usize,
) -> Smallest<RunSummary> {
    let original = &loaded.artifact;
    let kind = original.failure.kind;
    let config = &original.config;
    let scope = Scope {
        nodes: config.nodes,
        clients: config.clients,
        safety_for: config.safety_for,
        trim: original.trim,
    };
    let progress = progress_spinner();
    let mut fewest = original.plan.len();
    let shrunk = smallest(
        &original.plan,
        first,
        scope,
        max_trials,
        |plan, sites, trim| {
            progress.inc(1);
            let run = loaded.rerun_with(plan, sites, trim, false).ok()?;
            let same = run.failure.as_ref().is_some_and(|f| f.kind == kind);
            if same && plan.len() < fewest {
                fewest = plan.len();
                progress.set_message(format!(
                    "the smallest failing plan so far has {fewest} faults"
                ));
            }
            same.then_some(run)
        },
    );
    progress.finish_and_clear();
    shrunk
}

/// The node each focused fault of the shrunk plan hit, read off one
/// recorded rerun (none known if it does not rerun).
fn focus_hits_of(loaded: &Loaded<'_>, shrunk: &Smallest<RunSummary>) -> Vec<Option<sim::NodeId>> {
    let sites = Buggify::Sites(shrunk.sites.iter().cloned().collect());
    let run = loaded
        .rerun_with(&shrunk.plan, &sites, shrunk.trim, true)
        .ok();
    let trace = run.and_then(|r| r.trace).unwrap_or_default();
    sim::story::focus_hits(&shrunk.plan, &trace, loaded.artifact.config.nodes)
}

/// A spinner on stderr, drawn only when it is a terminal: reruns so far,
/// and the smallest failing plan yet (a shrink may take thousands).
fn progress_spinner() -> indicatif::ProgressBar {
    let progress = indicatif::ProgressBar::new_spinner();
    let style = "{spinner} {pos} reruns, {elapsed}; {msg}";
    progress.set_style(indicatif::ProgressStyle::with_template(style).expect("a valid template"));
    progress
}

/// What `shrink` prints: the plan, the failure's line, the story, and
/// where the shrunk artifact is.
fn print_shrunk(
    small: &Artifact,
    run: &sim::model::RunSummary,
    (trials, spent): (usize, bool),
    path: &std::path::Path,
    hits: &[Option<sim::NodeId>],
) {
    let plan = serde_json::to_string(&small.plan).expect("serialises");
    let budget = if spent { ", budget spent" } else { "" };
    println!(
        "shrunk to {} faults in {trials} reruns{budget}: {plan}",
        small.plan.len()
    );
    println!(
        "{}",
        small.failure.to_string().lines().next().unwrap_or_default()
    );
    let ok = run.ops.iter().filter(|o| o.ok).count();
    let told = sim::story::Told {
        failure: &small.failure,
        buggified: &small.buggify,
        ops: (run.ops.len(), ok),
        hits,
    };
    print!("{}", sim::story::render(&small.plan, told));
    let program = crate::arg::program();
    let path = path.display();
    println!("wrote {path}\n  replay: {program} replay {path}");
}
