//! The README's tables of example histories: every checker and every
//! consistency model has a row, and each row's history is found at fault
//! by its checker (exit 1).

use crate::common::cli::{faultline, workdir};
use std::path::Path;

/// The README's section on checking histories.
fn section() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme.find("## Checking a history").expect("the section");
    let rest = &readme[start + 3..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].to_string()
}

/// Each table row: the first cell's code, and the file its second names
/// (a row without one reuses the history its text names).
fn rows(text: &str) -> Vec<(String, String)> {
    let code = |cell: &str| cell.split('`').nth(1).map(str::to_string);
    text.lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split(" | ").collect();
            let first = code(cells[0]).expect("a code cell");
            let file = code(cells[1]).unwrap_or_else(|| panic!("no history in: {l}"));
            (first, file)
        })
        .collect()
}

/// The names a command lists when given a bad one, after `marker`.
fn listed(args: &[&str], marker: &str) -> Vec<String> {
    let out = faultline(&workdir("readme-histories-names"), args);
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    let list = err.split(marker).nth(1).unwrap_or_else(|| panic!("{err}"));
    let list = list.lines().next().unwrap().trim_end_matches(']');
    list.split(", ").map(|s| s.trim().to_string()).collect()
}

#[test]
fn every_checker_and_model_has_an_example_it_finds_at_fault() {
    let rows = rows(&section());
    let models = listed(&["check-txn", "--model", "?", "-"], "expected one of ");
    let specs = listed(&["check-history", "--spec", "?", "-"], "possible values: ");
    for model in &models {
        assert!(rows.iter().any(|(m, _)| m == model), "no row for {model}");
    }
    for spec in &specs {
        let cmd = format!("check-history --spec {spec}");
        assert!(rows.iter().any(|(c, _)| *c == cmd), "no row for {spec}");
    }
    for cmd in ["check-reads", "check-delivery"] {
        assert!(
            rows.iter().any(|(c, _)| c.starts_with(cmd)),
            "no row for {cmd}"
        );
    }
    let dir = workdir("readme-histories");
    let histories = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/histories");
    for (first, file) in &rows {
        let path = histories.join(file).to_string_lossy().to_string();
        let mut args: Vec<&str> = match first.starts_with("check-") {
            true => first.split_whitespace().collect(),
            false => vec!["check-txn", "--model", first],
        };
        args.push(&path);
        let out = faultline(&dir, &args);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(rows.len(), models.len() + specs.len() + 2);
}
