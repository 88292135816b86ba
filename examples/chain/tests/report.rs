//! A user's own model gets the same HTML reports as the built-in ones: the
//! chain's `explore --report` writes a sweep report and a run report beside
//! its artifact, and headless Chromium renders the run report with a lane
//! per node and per client process and the failure on the diagram.

#[path = "../../../tests/cli/common/browser.rs"]
mod browser;
#[path = "../../../tests/cli/common/tools.rs"]
#[allow(dead_code)]
mod tools;

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_chains_failure_report_renders_in_a_browser() {
    let test = "the_chains_failure_report_renders_in_a_browser";
    if tools::require(tools::Tool::Chromium, test).is_none() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("chain-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_chain"))
        .args([
            "explore",
            "chain",
            "--bug",
            "skip-sync",
            "--faults",
            "crashes",
        ])
        .args(["--seeds", "30", "--until-failure", "--no-regressions"])
        .args(["--artifacts", "artifacts", "--report", "sweep.html"])
        .current_dir(&dir)
        .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"))
        .output()
        .expect("run the chain binary");
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let reports: Vec<PathBuf> = std::fs::read_dir(dir.join("artifacts"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect();
    assert_eq!(reports.len(), 1, "{reports:?}");
    let page = browser::load(&reports[0]);
    assert!(page.console_errors.is_empty(), "{:?}", page.console_errors);
    assert_eq!(
        browser::body_attribute(&page.dom, "data-errors").as_deref(),
        Some("0")
    );
    assert!(page.dom.contains("data-lane=\"n0\""), "no node lanes");
    assert!(page.dom.contains("data-lane=\"p0\""), "no client lanes");
    assert!(
        page.dom.contains("id=\"failure-marker\""),
        "the failure is not placed"
    );
    let sweep = browser::load(&dir.join("sweep.html"));
    assert!(
        sweep.console_errors.is_empty(),
        "{:?}",
        sweep.console_errors
    );
    assert!(sweep.dom.contains("id=\"kinds\""), "no latency table");
}
