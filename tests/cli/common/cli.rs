//! Running the `faultline` binary from a test, in a scratch directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A fresh scratch directory for test `name` of this process.
pub(crate) fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("faultline-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `faultline ARGS` in `dir`.
pub(crate) fn faultline(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .current_dir(dir)
        .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"))
        .output()
        .expect("run faultline")
}

/// A command's standard output, as text.
pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

/// A command's standard error, as text.
pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// Every seed line's (seed, trace hash, ops, ok) in the results files
/// (`*.jsonl`) of `dir`, sorted; a seed run twice appears twice.
pub(crate) fn seed_lines(dir: &Path) -> Vec<(u64, String, u64, u64)> {
    let mut lines = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(path).unwrap().lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            if v["type"] == "seed" {
                let n = |k: &str| v[k].as_u64().unwrap();
                let hash = v["trace_hash"].as_str().unwrap().to_string();
                lines.push((n("seed"), hash, n("ops"), n("ok")));
            }
        }
    }
    lines.sort();
    lines
}
