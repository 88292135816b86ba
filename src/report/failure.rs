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

/// How the page at `from` links to the page at `to`: a path relative to
/// `from`'s folder when `to` lies under it, else `to`'s absolute
/// `file://` address.
pub fn link(from: &Path, to: &Path) -> String {
    let absolute = |p: &Path| match p.parent().filter(|d| !d.as_os_str().is_empty()) {
        Some(dir) => dir
            .canonicalize()
            .map(|d| d.join(p.file_name().unwrap_or_default())),
        None => std::env::current_dir().map(|d| d.join(p)),
    };
    let (Ok(from), Ok(to)) = (absolute(from), absolute(to)) else {
        return to.display().to_string();
    };
    match from.parent().and_then(|dir| to.strip_prefix(dir).ok()) {
        Some(relative) => relative.display().to_string(),
        None => format!("file://{}", to.display()),
    }
}
