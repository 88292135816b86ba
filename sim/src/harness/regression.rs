//! The regression file: failures worth keeping, re-run first, forever, as
//! proptest's regression files are.
//!
//! `faultline-regressions.json` (in the current directory when it is a
//! project, with a `Cargo.toml` or `.git`, or already holds the file; or
//! where `FAULTLINE_REGRESSIONS` says; `off` turns it off) is meant to be
//! committed. Each entry is one failure: the model (or the test that found
//! it), the bug switch, the fault mix, the seed, the plan it ran under and
//! its trace hash, the shrunk plan, and the failure's first line.
//! `faultline explore` re-runs the entries of its model and bug switch
//! before its sweep, and `Scenario::run_seeds` the entries of its test; an
//! entry that no longer fails is reported as fixed and stays until someone
//! removes it. The file is rewritten whole (through a temporary file and a
//! rename) only to add an entry; a malformed file is left untouched and
//! reported.

use crate::plan::FaultPlan;
use crate::scenario::exhaustive::Behaviour;
use crate::scenario::trim::Trim;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The file's default name.
pub const FILE: &str = "faultline-regressions.json";
/// Where the file is, or `off`.
pub const VAR: &str = "FAULTLINE_REGRESSIONS";
/// The format's version.
pub const FORMAT: u32 = 1;
/// The largest file read.
const MAX_BYTES: u64 = 64 << 20;

/// One kept failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regression {
    /// The catalog model it ran, if any.
    pub model: Option<String>,
    /// The test that found it, for failures found by `cargo test`.
    pub test: Option<String>,
    /// The bug switch, if on.
    pub bug: Option<String>,
    /// The fault mix the plan was drawn from.
    pub faults: String,
    /// The seed.
    pub seed: u64,
    /// The plan it failed under.
    pub plan: FaultPlan,
    /// Its trace hash.
    pub trace_hash: String,
    /// The plan shrunk, if shrinking changed it.
    pub shrunk_plan: Option<FaultPlan>,
    /// The failure's first line.
    pub failure: String,
    /// The fault points that fired in the failing run; a re-run enables
    /// exactly these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buggify: Vec<String>,
    /// The run cut down with the shrunk plan (fewer operations, clients, a
    /// shorter safety phase), if the shrink cut it: the shrunk plan fails
    /// in that run, and a re-run of it runs that run.
    #[serde(default, skip_serializing_if = "Trim::is_none")]
    pub trim: Trim,
    /// The behaviour an exhaustive search found: a re-run replays its
    /// steps (the plan is empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exhaustive: Option<Behaviour>,
}

impl Regression {
    /// The entry that keeps `artifact`'s failure, as it is (no shrinking).
    pub fn of_artifact(artifact: &crate::artifact::Artifact) -> Regression {
        let failure = artifact.failure.to_string();
        Regression {
            model: Some(artifact.model.clone()),
            test: artifact.test.clone(),
            bug: artifact.bug.clone(),
            faults: artifact.faults.clone(),
            seed: artifact.seed,
            plan: artifact.plan.clone(),
            trace_hash: artifact.trace_hash.clone(),
            shrunk_plan: None,
            failure: failure.lines().next().unwrap_or_default().to_string(),
            buggify: artifact.buggify.clone(),
            trim: artifact.trim,
            exhaustive: artifact.exhaustive.clone(),
        }
    }

    /// The plan to re-run: the shrunk one if kept, else the original.
    pub fn rerun_plan(&self) -> &FaultPlan {
        self.shrunk_plan.as_ref().unwrap_or(&self.plan)
    }

    /// The fault points a re-run enables: exactly those that fired.
    pub fn buggify_sites(&self) -> crate::marks::Buggify {
        crate::marks::Buggify::Sites(self.buggify.iter().cloned().collect())
    }

    /// True for the same failure of the same run.
    fn same_as(&self, other: &Regression) -> bool {
        fn key(r: &Regression) -> impl PartialEq + '_ {
            (&r.model, &r.test, &r.bug, r.seed, &r.plan, &r.exhaustive)
        }
        key(self) == key(other)
    }
}

/// The file's contents.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regressions {
    /// The format's version ([`FORMAT`]).
    pub faultline_regressions: u32,
    /// The failures, oldest first.
    pub entries: Vec<Regression>,
}

/// The file to use: `$FAULTLINE_REGRESSIONS`, else [`FILE`] here when
/// here is a project (a `Cargo.toml` or `.git` beside it, as where `cargo
/// test` runs) or the file is already here; `None` when the variable says
/// `off`, and outside a project unless asked for: a sweep run in any
/// folder does not leave a file behind that later sweeps would trip on.
pub fn path() -> Option<PathBuf> {
    match std::env::var_os(VAR) {
        Some(v) if v == "off" => None,
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => default_here(Path::new(".")),
    }
}

/// [`FILE`] in `dir`, if `dir` is a project or already holds it.
fn default_here(dir: &Path) -> Option<PathBuf> {
    let file = dir.join(FILE);
    let project = ["Cargo.toml", ".git"].iter().any(|m| dir.join(m).exists());
    (project || file.exists()).then(|| PathBuf::from(FILE))
}

/// Reads the file; a missing file has no entries.
pub fn load(path: &Path) -> Result<Regressions, String> {
    if !path.exists() {
        return Ok(Regressions {
            faultline_regressions: FORMAT,
            entries: Vec::new(),
        });
    }
    let text = crate::artifact::read_capped(path, MAX_BYTES).map_err(|e| match e {
        crate::artifact::Capped::Io(e) => format!("cannot read {}: {e}", path.display()),
        crate::artifact::Capped::Invalid(why) => format!("{}: {why}", path.display()),
    })?;
    let file: Regressions = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}: line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if file.faultline_regressions != FORMAT {
        return Err(format!(
            "{}: format {} is not {FORMAT}, the one this faultline reads",
            path.display(),
            file.faultline_regressions
        ));
    }
    Ok(file)
}

/// Adds `entry` unless the file has it; true when added. The file is
/// read and replaced under a lock ([`crate::files::update_locked`]), so
/// runs that record at once all land; a reader never sees half of it,
/// and a symlinked file is written at its target.
pub fn record(path: &Path, entry: Regression) -> Result<bool, String> {
    crate::files::update_locked(path, || {
        let mut file = load(path)?;
        if file.entries.iter().any(|e| e.same_as(&entry)) {
            return Ok((None, false));
        }
        file.entries.push(entry);
        let text = serde_json::to_string_pretty(&file).expect("regressions serialise") + "\n";
        Ok((Some(text), true))
    })
}

#[cfg(test)]
mod default_tests {
    use super::*;

    /// Beside a `Cargo.toml` or an existing file the default is used; in a
    /// bare folder there is none.
    #[test]
    fn the_default_file_is_kept_only_in_a_project_or_where_it_already_is() {
        let dir = std::env::temp_dir().join(format!("faultline-reg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(default_here(&dir), None, "a bare folder");
        std::fs::write(dir.join(FILE), "{}").unwrap();
        assert_eq!(
            default_here(&dir),
            Some(PathBuf::from(FILE)),
            "already here"
        );
        std::fs::remove_file(dir.join(FILE)).unwrap();
        std::fs::write(dir.join("Cargo.toml"), "").unwrap();
        assert_eq!(default_here(&dir), Some(PathBuf::from(FILE)), "a project");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
