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

pub mod cycle;
pub mod diagram;
pub mod failure;
pub mod history_bars;
pub mod plot;
pub mod run_page;
pub mod sweep;
pub mod sweep_page;

use std::path::Path;

/// Writes `html` to `out`, refusing to write over `keep` (the artifact
/// the page reports on): an artifact is never overwritten.
pub fn write_page(out: &Path, html: &str, keep: Option<&Path>) -> Result<(), String> {
    let same = |k: &Path| match (out.canonicalize(), k.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    if keep.is_some_and(same) {
        return Err(format!(
            "{}: is the artifact itself; give the report another name",
            out.display()
        ));
    }
    std::fs::write(out, html)
        .map_err(|e| format!("{}: cannot write the report: {e}", out.display()))
}
