//! Writing one run's report: beside its artifact (`explore --report`) or
//! where the user asks (`replay --html`).

use super::run_page::{run_page, RunContext};
use sim::artifact::Artifact;
use sim::model::RunSummary;
use std::path::{Path, PathBuf};

/// Where the run report of the artifact at `artifact` goes: beside it,
/// with `.html` for its extension.
pub fn beside(artifact: &Path) -> PathBuf {
    artifact.with_extension("html")
}

/// Writes the report of `run`, a recorded replay of `artifact` on a
/// cluster of `nodes`, to `out`; never over `keep` (the artifact's file).
pub fn write_run_report(
    artifact: &Artifact,
    nodes: usize,
    run: &RunSummary,
    out: &Path,
    keep: Option<&Path>,
) -> Result<(), String> {
    let cx = RunContext { artifact, nodes };
    super::write_page(out, &run_page(&cx, run), keep)
}
