//! The HTML reports in a real browser: headless Chromium loads each report
//! `explore --report` and `replay --html` write, runs its script, and the
//! DOM it leaves is checked: no script errors, one diagram lane per node
//! and per client process, the failure marker, and a linearizability
//! counterexample's stuck operation highlighted. Each test needs Chromium
//! (`crate::common::tools`).

use crate::common::browser::{body_attribute, load, screenshot};
use crate::common::cli::{faultline, workdir};
use crate::common::tools::{require, Tool};
use std::path::{Path, PathBuf};

/// Explores `model` with `bug` until its first failure, writing a sweep
/// report; returns the failure's artifact and its run report.
fn first_failure(dir: &Path, model: &str, bug: &str) -> (PathBuf, PathBuf) {
    first_failure_within(dir, model, bug, 200)
}

/// The same, within `seeds` seeds.
fn first_failure_within(dir: &Path, model: &str, bug: &str, seeds: u64) -> (PathBuf, PathBuf) {
    let seeds = seeds.to_string();
    let sweep = [
        "--until-failure",
        "--no-regressions",
        "--report",
        "sweep.html",
    ];
    let mut args = vec!["explore", model, "--bug", bug, "--seeds", &seeds];
    args.extend(sweep);
    args.extend(["--artifacts", "artifacts"]);
    let out = faultline(dir, &args);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut artifacts: Vec<PathBuf> = std::fs::read_dir(dir.join("artifacts"))
        .expect("explore wrote artifacts")
        .map(|e| e.expect("an entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    assert_eq!(artifacts.len(), 1, "{artifacts:?}");
    let artifact = artifacts.pop().expect("one artifact");
    let report = artifact.with_extension("html");
    assert!(
        report.is_file(),
        "no run report beside {}",
        artifact.display()
    );
    (artifact, report)
}

/// The number after `label` in the page's "lanes" row.
fn lanes_stated(dom: &str) -> (usize, usize) {
    let row = &dom[dom.find("<th>lanes</th>").expect("a lanes row")..];
    let cell = &row[row.find("<td>").expect("a cell") + 4..row.find("</td>").expect("its end")];
    let numbers: Vec<usize> = cell
        .split(|c: char| !c.is_ascii_digit())
        .filter_map(|w| w.parse().ok())
        .collect();
    (numbers[0], numbers[1])
}

/// Checks a run report as the browser left it; returns its DOM.
fn check_run_report(page: &Path) -> String {
    let loaded = load(page);
    let dom = loaded.dom;
    assert!(
        loaded.console_errors.is_empty(),
        "{:?}",
        loaded.console_errors
    );
    assert_eq!(
        body_attribute(&dom, "data-errors").as_deref(),
        Some("0"),
        "script errors"
    );
    assert!(
        body_attribute(&dom, "data-rendered-ms").is_some(),
        "the diagram never rendered"
    );
    let (nodes, processes) = lanes_stated(&dom);
    assert!(nodes > 0 && processes > 0);
    assert_eq!(
        dom.matches("class=\"lane\"").count(),
        nodes + processes,
        "one lane per node and process"
    );
    for n in 0..nodes {
        assert!(
            dom.contains(&format!("data-lane=\"n{n}\"")),
            "no lane for n{n}"
        );
    }
    assert!(
        dom.contains("id=\"failure-marker\""),
        "the failure is not placed on the diagram"
    );
    let drawn: usize = body_attribute(&dom, "data-drawn")
        .and_then(|d| d.parse().ok())
        .unwrap_or(0);
    assert!(drawn > 0, "nothing drawn around the failure");
    dom
}

#[test]
fn a_linearizability_failure_report_highlights_the_stuck_operation() {
    if require(
        Tool::Chromium,
        "a_linearizability_failure_report_highlights_the_stuck_operation",
    )
    .is_none()
    {
        return;
    }
    let dir = workdir("browser-lin");
    let (artifact, report) = first_failure(&dir, "register", "ack-before-replication");
    let dom = check_run_report(&report);
    assert!(
        dom.contains("class=\"op stuck\""),
        "no stuck operation highlighted"
    );
    assert!(
        dom.contains("class=\"op prefix\""),
        "no linearizable prefix drawn"
    );
    // replay --html writes the same report where asked, and never over the artifact.
    let again = dir.join("again.html");
    let out = faultline(
        &dir,
        &[
            "replay",
            artifact.to_str().unwrap(),
            "--html",
            again.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(&report).unwrap()
    );
    let before = std::fs::read(&artifact).unwrap();
    let out = faultline(
        &dir,
        &[
            "replay",
            artifact.to_str().unwrap(),
            "--html",
            artifact.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(&artifact).unwrap(),
        before,
        "the artifact was overwritten"
    );
}

#[test]
fn a_raft_failure_report_and_its_sweep_report_load_with_no_errors() {
    if require(
        Tool::Chromium,
        "a_raft_failure_report_and_its_sweep_report_load_with_no_errors",
    )
    .is_none()
    {
        return;
    }
    let dir = workdir("browser-raft");
    let (_, report) = first_failure(&dir, "raft-kv", "vote-without-log-check");
    let dom = check_run_report(&report);
    assert!(dom.contains("class=\"tick sync\""), "no storage sync drawn");
    let png = dir.join("report.png");
    screenshot(&report, &png, (1300, 1100));
    let sweep = load(&dir.join("sweep.html"));
    assert!(
        sweep.console_errors.is_empty(),
        "{:?}",
        sweep.console_errors
    );
    for id in ["kinds", "failures", "probes"] {
        assert!(
            sweep.dom.contains(&format!("id=\"{id}\"")),
            "the sweep report lacks #{id}"
        );
    }
    assert!(
        sweep.dom.matches("<svg").count() >= 4,
        "the sweep report lacks its charts"
    );
    assert!(
        sweep.dom.contains("run report"),
        "no link to the failure's report"
    );
}

/// Every model of the catalog, on either host: its quickest bug switch's
/// first failure gets a run report that renders.
#[test]
fn every_built_in_model_gets_a_run_report_that_renders() {
    if require(
        Tool::Chromium,
        "every_built_in_model_gets_a_run_report_that_renders",
    )
    .is_none()
    {
        return;
    }
    let dir = workdir("browser-all");
    let list = faultline(&dir, &["list", "--json"]);
    let catalog: serde_json::Value = serde_json::from_slice(&list.stdout).expect("list --json");
    for model in catalog["models"].as_array().expect("models") {
        let name = model["name"].as_str().expect("a name");
        let quickest = model["bugs"]
            .as_array()
            .expect("bugs")
            .iter()
            .filter(|b| b["harmless"] == false)
            .min_by_key(|b| b["within_seeds"].as_u64());
        let Some(bug) = quickest else { continue };
        let here = dir.join(name);
        std::fs::create_dir_all(&here).unwrap();
        let within = bug["within_seeds"].as_u64().expect("a budget");
        let (_, report) = first_failure_within(&here, name, bug["name"].as_str().unwrap(), within);
        check_run_report(&report);
    }
}

#[test]
fn a_transactional_anomaly_report_draws_its_cycle() {
    if require(
        Tool::Chromium,
        "a_transactional_anomaly_report_draws_its_cycle",
    )
    .is_none()
    {
        return;
    }
    let dir = workdir("browser-txn");
    let (_, report) = first_failure(&dir, "two-phase-commit", "release-locks-at-prepare");
    let dom = check_run_report(&report);
    assert!(dom.contains("id=\"cycle-graph\""), "no cycle drawn");
    assert!(
        dom.matches("class=\"txn\"").count() >= 2,
        "a cycle has two transactions or more"
    );
    assert!(dom.contains("class=\"cycle-steps\""), "no steps in words");
}
