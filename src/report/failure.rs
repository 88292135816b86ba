//! One run's report, for beside its artifact (`explore --report`) or
//! where the user asks (`replay --html`), and how pages link to it.

use super::run_page::{run_page, RunContext};
use sim::artifact::Artifact;
use sim::model::RunSummary;
use std::path::Path;

/// The page of `run`, a recorded replay of `artifact` on a cluster of
/// `nodes`.
pub(crate) fn run_report(artifact: &Artifact, nodes: usize, run: &RunSummary) -> String {
    run_page(&RunContext { artifact, nodes }, run)
}

/// How the page at `from` links to the page at `to`: a path relative to
/// `from`'s folder when `to` lies under it, else `to`'s absolute
/// `file://` address.
pub(crate) fn link(from: &Path, to: &Path) -> String {
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
