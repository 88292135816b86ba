//! HTML reports: one self-contained page per run (`replay --html`,
//! `explore --report` beside each artifact) and one per sweep
//! (`explore --report`). Pages carry their style, script and data inline
//! and fetch nothing, so one file can be attached to a bug report.
//!
//! - [`diagram`]: a recorded run as the space-time diagram's arrays.
//! - [`cycle`]: a transactional anomaly as its cycle of dependencies.
//! - [`history_bars`]: a linearizability counterexample as bars per process.
//! - [`run_page`]: the page of one run.
//! - [`failure`]: writing a run's page, beside its artifact or where asked.
//! - [`sweep`]: what a sweep's page needs, tallied as runs finish.
//! - [`plot`]: charts over virtual time, drawn with plotters as SVG.
//! - [`sweep_page`]: the page of a sweep.

pub(crate) mod cycle;
pub(crate) mod diagram;
pub(crate) mod failure;
pub(crate) mod history_bars;
pub(crate) mod plot;
pub(crate) mod run_page;
pub(crate) mod sweep;
pub(crate) mod sweep_page;

use std::path::{Path, PathBuf};

/// Writes `html` to `out`, a new file ([`sim::files::create_new`]):
/// nothing there, an artifact least of all, is written over.
pub(crate) fn write_page(out: &Path, html: &str) -> Result<(), String> {
    let mut file = sim::files::create_new(out)?;
    fill(&mut file, out, html)
}

/// Writes `html` beside the artifact at `artifact`, as `STEM.html` or,
/// if that is taken, `STEM-2.html`…; returns where.
pub(crate) fn write_page_beside(artifact: &Path, html: &str) -> Result<PathBuf, String> {
    let (mut file, out) = sim::files::create_beside(artifact, "", "html")
        .map_err(|(p, e)| format!("{}: cannot create it: {e}", p.display()))?;
    fill(&mut file, &out, html)?;
    Ok(out)
}

fn fill(file: &mut std::fs::File, out: &Path, html: &str) -> Result<(), String> {
    use std::io::Write;
    file.write_all(html.as_bytes())
        .map_err(|e| format!("{}: cannot write the report: {e}", out.display()))
}
