//! Seed sweeps inside `cargo test`, with the whole toolkit: a failing seed
//! writes the same JSON artifact as `faultline explore` (never overwriting
//! one), its fault plan is shrunk within a bounded number of reruns, and
//! the failure names two ways to replay it:
//!
//! - `FAULTLINE_SEED=S cargo test NAME -- --exact --include-ignored`
//!   reruns the seed as drawn (with `--release` when the test was built so);
//! - `FAULTLINE_REPLAY=path/to/artifact.json cargo test NAME -- --exact --include-ignored`
//!   reruns the artifact's (shrunk) plan, checks that the trace hash is the
//!   artifact's, and prints the trace.
//!
//! Artifacts go to `$FAULTLINE_ARTIFACTS`, or else `faultline/` in the cargo
//! target directory (see [`crate::artifact::default_dir`]). Shrinking makes at
//! most `$FAULTLINE_SHRINK_TRIALS` reruns (default [`SHRINK_TRIALS`]).

use super::report::{Failure, RunReport};
use super::{Scenario, Trim};
use crate::artifact::{self, Artifact};
use crate::node::Node;
use crate::seed::{self, parse_seed};
use crate::smallest::{smallest, Scope, Smallest};
use crate::trace::hash_hex;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Reruns the artifact at this path instead of sweeping.
pub const REPLAY_VAR: &str = "FAULTLINE_REPLAY";
/// Bounds the reruns spent shrinking a failing seed's plan.
pub const SHRINK_TRIALS_VAR: &str = "FAULTLINE_SHRINK_TRIALS";
/// Reruns spent shrinking when `FAULTLINE_SHRINK_TRIALS` is not set.
pub const SHRINK_TRIALS: usize = 100;

/// The replay route through an artifact.
pub fn replay_artifact_command(test: &str, artifact: &Path) -> String {
    let assign = format!("{REPLAY_VAR}={}", artifact.display());
    crate::seed::cargo_test_command(&assign, test)
}

fn shrink_trials() -> usize {
    let value = std::env::var(SHRINK_TRIALS_VAR).ok();
    let parsed = value.as_deref().and_then(parse_seed);
    parsed.map_or(SHRINK_TRIALS, |n| n.min(1_000_000) as usize)
}

impl<N: Node + 'static> Scenario<N>
where
    N::Op: Clone,
    N::Reply: Clone,
{
    /// Runs every seed of the sweep (see [`crate::seed::seeds_from_env`]), or
    /// with `FAULTLINE_REPLAY` set, the artifact it names. A failing seed
    /// writes an artifact, shrinks its plan, and panics with the failure,
    /// the plan, the trace hash, the artifacts and both replay commands.
    pub fn run_seeds(&self, default: Range<u64>) {
        let test = seed::current_test_name();
        if let Some(path) = std::env::var_os(REPLAY_VAR).filter(|p| !p.is_empty()) {
            return self.replay_artifact(&test, Path::new(&path));
        }
        self.rerun_regressions(&test);
        seed::run_seeds(default, |seed| {
            let report = self.run_seed(seed);
            if let Some(failure) = &report.failure {
                panic!("{}", self.keep_failure(&test, &report, failure));
            }
        });
    }

    /// Shrinks a failing run (see [`crate::smallest`]).
    fn smallest(
        &self,
        report: &RunReport<N::Op, N::Reply>,
        failure: &Failure,
    ) -> Smallest<RunReport<N::Op, N::Reply>> {
        let scope = Scope {
            nodes: self.config.nodes,
            clients: self.clients,
            safety_for: self.safety_for,
            trim: Trim::default(),
        };
        smallest(
            &report.plan,
            report.clone(),
            scope,
            shrink_trials(),
            |plan, sites, trim| {
                let run = self.run_with(report.seed, plan.clone(), sites, trim);
                run.failure
                    .as_ref()
                    .is_some_and(|f| f.kind == failure.kind)
                    .then_some(run)
            },
        )
    }

    /// The artifact a failing run leaves.
    fn artifact_of(&self, test: &str, run: &RunReport<N::Op, N::Reply>) -> Artifact {
        Artifact {
            faultline_version: env!("CARGO_PKG_VERSION").to_string(),
            model: self.label.model.clone().unwrap_or_else(|| test.to_string()),
            test: Some(test.to_string()),
            bug: self.label.bug.clone(),
            config: self.describe(),
            faults: self
                .label
                .faults
                .clone()
                .unwrap_or_else(|| artifact::CUSTOM_FAULTS.into()),
            seed: run.seed,
            plan: run.plan.clone(),
            trace_hash: hash_hex(run.trace_hash),
            failure: run.failure.clone().expect("a failing run"),
            buggify: run.buggified.clone(),
            trim: Trim::default(),
            exhaustive: None,
        }
    }

    /// Writes the failing run's artifact, shrinks its plan and writes that
    /// too; returns the text the failing test panics with.
    fn keep_failure(
        &self,
        test: &str,
        report: &RunReport<N::Op, N::Reply>,
        failure: &Failure,
    ) -> String {
        let dir = artifact::default_dir();
        let stem = format!("{}-seed-{}", artifact::stem_of(test), report.seed);
        let original = self.artifact_of(test, report);
        let mut text = format!(
            "{failure}\nfault plan: {} faults\ntrace hash: {}",
            report.plan.len(),
            original.trace_hash
        );
        let written = match original.write_new(&dir, &stem) {
            Ok(path) => absolute(path),
            Err(e) => return format!("{text}\n(no artifact: {e})"),
        };
        text.push_str(&format!("\nartifact: {}", written.display()));
        let shrunk = self.smallest(report, failure);
        let run = &shrunk.run;
        let mut small = self.artifact_of(test, run);
        small.trim = shrunk.trim;
        text.push_str(&format!("\n{}", story_of(run, self.config.nodes)));
        let replayable = match small.write_beside(&written) {
            Ok(path) => {
                let note = if shrunk.budget_exhausted {
                    " (the shrink budget ran out)"
                } else {
                    ""
                };
                text.push_str(&format!(
                    "\nshrunk to {} faults in {} reruns{note}: {}",
                    shrunk.plan.len(),
                    shrunk.trials,
                    path.display()
                ));
                absolute(path)
            }
            Err(e) => {
                text.push_str(&format!("\n(shrunk, but not written: {e})"));
                written
            }
        };
        text.push_str(&self.record_regression(test, report, failure, &shrunk));
        let route = replay_artifact_command(test, &replayable);
        // Past libtest's capture, so the routes show even in a killed run.
        let _ = writeln!(
            std::io::stderr(),
            "faultline: {test}: seed {} failed: {}\nfaultline: replay: {route}",
            report.seed,
            failure.to_string().lines().next().unwrap_or_default()
        );
        format!("{text}\nreplay: {route}")
    }

    /// Reruns an artifact's seed under its plan with the trace recorded,
    /// prints the trace and whether its hash is the artifact's, and panics
    /// with the failure if it happens again.
    fn replay_artifact(&self, test: &str, path: &Path) {
        let artifact = Artifact::load(path).unwrap_or_else(|e| panic!("{REPLAY_VAR}: {e}"));
        if let Some(other) = artifact.test.as_deref().filter(|t| *t != test) {
            // Another test's artifact: its scenario is that test's, so only
            // that test replays it (`FAULTLINE_REPLAY=… cargo test` without
            // a filter replays it once, where it belongs).
            eprintln!("faultline: {test}: the artifact is test `{other}`'s; not replayed here");
            return;
        }
        if artifact.config != self.describe() {
            eprintln!("faultline: warning: the scenario's shape has changed since the artifact was written");
        }
        let nodes = self.describe().nodes;
        if let Err(e) = artifact.plan.validate_for(
            nodes,
            self.newest_version(),
            Some(self.describe().run_end()),
        ) {
            panic!("{REPLAY_VAR}: {}: plan: {e}", path.display());
        }
        if let Err(e) = artifact.trim.validate(self.clients, self.safety_for) {
            panic!("{REPLAY_VAR}: {}: {e}", path.display());
        }
        if let Err(e) = self.checks().check_sites(test, &artifact.buggify_sites()) {
            panic!("{REPLAY_VAR}: {}: {e}", path.display());
        }
        let report = self.run_plan(
            artifact.seed,
            artifact.plan.clone(),
            true,
            &artifact.buggify_sites(),
            artifact.trim,
        );
        for record in report.trace.iter().flatten() {
            eprintln!("{record}");
        }
        let hash = hash_hex(report.trace_hash);
        let verdict = if artifact.hash_matches(report.trace_hash) {
            format!("trace hash {hash}: identical to the artifact")
        } else {
            format!(
                "trace hash {hash}: DIFFERS from the artifact's {}",
                artifact.trace_hash
            )
        };
        eprintln!(
            "faultline: {test}: seed {}, {} faults: {verdict}",
            artifact.seed,
            artifact.plan.len()
        );
        let unfired = artifact.unfired_sites(&report.buggified);
        if let Some(site) = unfired
            .first()
            .filter(|_| artifact.hash_matches(report.trace_hash))
        {
            panic!(
                "{REPLAY_VAR}: {}: buggify lists `{site}`, which never fired in the run it names: \
                 not a fault point of this test's model",
                path.display()
            );
        }
        match &report.failure {
            Some(failure) => panic!(
                "{failure}\n{verdict}\nreplayed: {}",
                replay_artifact_command(test, path)
            ),
            None => eprintln!("faultline: {test}: no failure this time"),
        }
    }
}

fn absolute(path: PathBuf) -> PathBuf {
    std::path::absolute(&path).unwrap_or(path)
}

/// The story of a shrunk failing run (see [`crate::story`]).
fn story_of<O, R>(run: &RunReport<O, R>, nodes: usize) -> String {
    let hits = match &run.trace {
        Some(trace) => crate::story::focus_hits(&run.plan, trace, nodes),
        None => Vec::new(),
    };
    let ok = run.history.events.iter();
    let ok = ok.filter(|e| matches!(e.kind, crate::history::EventKind::Ok(_)));
    let invoked = run.history.events.iter();
    let invoked = invoked.filter(|e| matches!(e.kind, crate::history::EventKind::Invoke(_)));
    let told = crate::story::Told {
        failure: run.failure.as_ref().expect("a failing run"),
        buggified: &run.buggified,
        ops: (invoked.count(), ok.count()),
        hits: &hits,
    };
    crate::story::render(&run.plan, told).trim_end().to_string()
}
