//! What some tests need beside the Rust toolchain: headless Chromium (the
//! report tests), GNU `time` (the memory bounds of the hostile-input tests),
//! Slurm and munge, run as root (a sweep as a job array on a real
//! scheduler), and the anchors beside the repository (`../shared/anchors`:
//! Elle's public histories).
//!
//! A test that needs one runs where it is found. Where it is not, the test
//! says on stderr that it was skipped and why, and passes, so `cargo test`
//! passes on a machine with only a Rust toolchain. With
//! `FAULTLINE_REQUIRE_TOOLS` set, which `.ci/run` sets, a missing tool
//! fails the test instead: CI cannot lose these tests without a word.

use std::path::{Path, PathBuf};

/// A tool some tests need.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Tool {
    /// Headless Chromium: `$FAULTLINE_CHROMIUM`, else `chromium` or
    /// `chromium-browser` on the path.
    Chromium,
    /// GNU `time`, at `/usr/bin/time`.
    GnuTime,
    /// Elle's and elle-cli's public histories, in `../shared/anchors/elle`
    /// (`elle-histories/`, `elle-cli-histories/`).
    ElleHistories,
    /// Slurm's controller, node daemon and commands, and munge, with root
    /// to start them: found as `slurmctld`.
    Slurm,
}

impl Tool {
    /// Where the tool is, if it is here.
    pub(crate) fn find(self) -> Option<PathBuf> {
        match self {
            Tool::Chromium => chromium(),
            Tool::GnuTime => Some(PathBuf::from("/usr/bin/time")).filter(|p| p.is_file()),
            Tool::ElleHistories => {
                let root = Path::new(env!("CARGO_MANIFEST_DIR"));
                Some(root.join("../shared/anchors/elle"))
                    .filter(|p| p.join("elle-cli-histories").is_dir())
            }
            Tool::Slurm => slurm(),
        }
    }

    /// How to get the tool.
    fn advice(self) -> &'static str {
        match self {
            Tool::Chromium => "install it with `apt-get install -y chromium`",
            Tool::GnuTime => "install it with `apt-get install -y time`",
            Tool::ElleHistories => {
                "lay out Elle's public histories as docs/performance.md says (Anchors)"
            }
            Tool::Slurm => {
                "install them with `apt-get install -y slurm-wlm munge`, and run as root"
            }
        }
    }
}

/// The tool's path, or `None` after saying that `test` is skipped; panics
/// instead when `FAULTLINE_REQUIRE_TOOLS` is set.
pub(crate) fn require(tool: Tool, test: &str) -> Option<PathBuf> {
    if let Some(path) = tool.find() {
        return Some(path);
    }
    let why = format!("{tool:?} is missing: {}", tool.advice());
    assert!(
        std::env::var_os("FAULTLINE_REQUIRE_TOOLS").is_none(),
        "{test}: {why}; FAULTLINE_REQUIRE_TOOLS is set, so it may not be skipped"
    );
    eprintln!("skipped {test}: {why}");
    None
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("FAULTLINE_CHROMIUM") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|name| dir.join(name)))
        .find(|p| p.is_file())
}

fn slurm() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/usr/bin".into()])
        .collect();
    let find = |name: &str| dirs.iter().map(|d| d.join(name)).find(|p| p.is_file());
    let needed = [
        "slurmd", "sbatch", "scontrol", "squeue", "sinfo", "munged", "munge",
    ];
    let root = std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
    let all = needed.iter().all(|n| find(n).is_some());
    find("slurmctld").filter(|_| all && root)
}

/// The peak memory, in kilobytes, that GNU `time -f %M -o FILE` wrote to
/// `file` (after a line of its own when the command failed), if it wrote one.
pub(crate) fn peak_kb(file: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(file).ok()?;
    text.trim().lines().last()?.trim().parse().ok()
}
