//! `faultline replay FILE` and `faultline shrink FILE`: rerun an artifact, and
//! minimise its fault plan.

use crate::artifact::{Artifact, ArtifactError};
use crate::catalog::{self, RunSummary};
use sim::scenario::Failure;
use sim::trace::hash_hex;
use sim::{FaultPlan, Nemesis, TimedFault};
use std::path::{Path, PathBuf};

/// The nemesis an artifact's model runs with (its plan is given explicitly, so
/// only the base link matters).
fn nemesis_of(artifact: &Artifact) -> Nemesis {
    artifact.faults.parse().unwrap_or_default()
}

/// Reruns an artifact's seed under its plan.
pub fn rerun(artifact: &Artifact, plan: &FaultPlan, record: bool) -> RunSummary {
    catalog::run(
        &artifact.model,
        artifact.bug.as_deref(),
        artifact.seed,
        &nemesis_of(artifact),
        Some(plan.clone()),
        record,
    )
}

/// The result of a replay.
#[derive(Clone, Debug)]
pub struct Replayed {
    /// The rerun.
    pub run: RunSummary,
    /// Whether the trace hash matches the artifact's.
    pub identical: bool,
}

/// Loads and reruns an artifact, with the trace recorded.
pub fn replay(path: &Path) -> Result<(Artifact, Replayed), ArtifactError> {
    let artifact = Artifact::load(path)?;
    let run = rerun(&artifact, &artifact.plan, true);
    let identical = hash_hex(run.trace_hash) == artifact.trace_hash;
    Ok((artifact, Replayed { run, identical }))
}

/// Whether `plan` still fails the same way as `original`.
fn still_fails(artifact: &Artifact, plan: &FaultPlan, original: &Failure) -> Option<RunSummary> {
    let run = rerun(artifact, plan, false);
    let same = run
        .failure
        .as_ref()
        .is_some_and(|f| f.kind == original.kind);
    same.then_some(run)
}

/// Delta debugging (ddmin) over the plan's faults: the smallest plan found that
/// still fails with the same kind of failure, and its run.
pub fn minimise(artifact: &Artifact) -> Option<(FaultPlan, RunSummary)> {
    let plan_of = |faults: &[TimedFault]| FaultPlan {
        faults: faults.to_vec(),
    };
    let mut best = still_fails(artifact, &artifact.plan, &artifact.failure)?;
    let mut faults = artifact.plan.faults.clone();
    // The empty plan first: many bugs need no fault at all.
    if let Some(run) = still_fails(artifact, &FaultPlan::new(), &artifact.failure) {
        return Some((FaultPlan::new(), run));
    }
    let mut n = 2usize;
    while faults.len() >= 2 {
        let chunk = faults.len().div_ceil(n);
        let mut reduced = false;
        for start in (0..faults.len()).step_by(chunk) {
            let mut complement = faults[..start].to_vec();
            complement.extend_from_slice(&faults[(start + chunk).min(faults.len())..]);
            if let Some(run) = still_fails(artifact, &plan_of(&complement), &artifact.failure) {
                faults = complement;
                best = run;
                n = (n - 1).max(2);
                reduced = true;
                break;
            }
        }
        if !reduced {
            if n >= faults.len() {
                break;
            }
            n = (2 * n).min(faults.len());
        }
    }
    Some((plan_of(&faults), best))
}

/// Shrinks an artifact and writes the result beside it. Returns the new
/// artifact and its path.
pub fn shrink(path: &Path) -> Result<Option<(Artifact, PathBuf)>, ArtifactError> {
    let artifact = Artifact::load(path)?;
    let Some((plan, run)) = minimise(&artifact) else {
        return Ok(None);
    };
    let shrunk = Artifact {
        plan,
        trace_hash: hash_hex(run.trace_hash),
        failure: run.failure.expect("a shrunk plan still fails"),
        faultline_version: env!("CARGO_PKG_VERSION").to_string(),
        ..artifact
    };
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("artifact");
    let written = shrunk.write_new(dir, &format!("{stem}.shrunk"))?;
    Ok(Some((shrunk, written)))
}
