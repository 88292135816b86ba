//! Failure artifacts: the small JSON file a failing run leaves under
//! `target/faultline/`, from which `faultline replay`, `faultline shrink` and
//! `FAULTLINE_REPLAY=… cargo test` work.
//!
//! An artifact is never overwritten: a new one takes the next free name,
//! claimed with `create_new`, so two processes cannot race onto one name. A
//! file that fails to load is reported with what is wrong and where (its
//! line and column), and is left as it is.

use crate::plan::FaultPlan;
use crate::scenario::report::{Failure, ScenarioConfig};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The directory the command line writes artifacts to, relative to where it runs.
pub const DIR: &str = "target/faultline";

/// Overrides where `cargo test` sweeps write their artifacts.
pub const DIR_VAR: &str = "FAULTLINE_ARTIFACTS";

/// Everything needed to rerun a failing seed exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// The faultline version that wrote it.
    pub faultline_version: String,
    /// The model's name in its catalog; for an artifact written by a
    /// `cargo test` sweep, the test's name.
    pub model: String,
    /// The `cargo test` test that wrote it, if a test did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<String>,
    /// The bug switch, if one was on.
    pub bug: Option<String>,
    /// The scenario's shape when the artifact was written.
    pub config: ScenarioConfig,
    /// The fault mix the plan was drawn from (informational).
    pub faults: String,
    /// The root seed.
    pub seed: u64,
    /// The fault plan the run used.
    pub plan: FaultPlan,
    /// The run's trace hash, 16 hex digits.
    pub trace_hash: String,
    /// What failed.
    pub failure: Failure,
}

/// Why an artifact could not be loaded or written.
#[derive(Debug, thiserror::Error)]
pub enum ArtifactError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a valid artifact.
    #[error("{path}: not a valid artifact: {message}")]
    Malformed {
        /// The file.
        path: String,
        /// What is wrong, with line and column.
        message: String,
    },
    /// The artifact could not be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The largest artifact file read (a generated one is a few kilobytes; a
/// dense plan, a few hundred).
const MAX_BYTES: u64 = 64 << 20;

impl Artifact {
    /// Loads an artifact and checks what can be checked without its model
    /// (whoever runs it checks its model, bug switch and plan against the
    /// model). The file is never modified.
    pub fn load(path: &Path) -> Result<Artifact, ArtifactError> {
        let shown = path.display().to_string();
        let read_err = |source| ArtifactError::Read {
            path: shown.clone(),
            source,
        };
        let malformed = |message: String| ArtifactError::Malformed {
            path: shown.clone(),
            message,
        };
        let meta = std::fs::metadata(path).map_err(read_err)?;
        if !meta.is_file() {
            return Err(malformed("not a regular file".into()));
        }
        if meta.len() > MAX_BYTES {
            return Err(malformed(format!(
                "{} bytes, more than the {MAX_BYTES} an artifact may have",
                meta.len()
            )));
        }
        let text = std::fs::read_to_string(path).map_err(read_err)?;
        let artifact: Artifact = serde_json::from_str(&text)
            .map_err(|e| malformed(format!("line {}, column {}: {e}", e.line(), e.column())))?;
        artifact.check_hash().map_err(malformed)?;
        Ok(artifact)
    }

    fn check_hash(&self) -> Result<(), String> {
        let hex = self.trace_hash.as_str();
        if hex.len() != 16 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(format!("trace_hash `{hex}` is not 16 hex digits"));
        }
        Ok(())
    }

    /// Writes the artifact as `<dir>/<stem>.json`, or `<stem>-2.json` and so on
    /// if that exists. Returns the path written.
    pub fn write_new(&self, dir: &Path, stem: &str) -> Result<PathBuf, ArtifactError> {
        let write_err = |path: &Path, source| ArtifactError::Write {
            path: path.display().to_string(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(|e| write_err(dir, e))?;
        let text = serde_json::to_string_pretty(self).expect("an artifact serialises");
        for n in 1u32.. {
            let name = if n == 1 {
                format!("{stem}.json")
            } else {
                format!("{stem}-{n}.json")
            };
            let path = dir.join(name);
            // create_new: never overwrite, even if another process races us.
            let file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path);
            match file {
                Ok(mut f) => {
                    use std::io::Write;
                    f.write_all(text.as_bytes())
                        .map_err(|e| write_err(&path, e))?;
                    return Ok(path);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(write_err(&path, e)),
            }
        }
        unreachable!("some name is free")
    }

    /// Writes a shrunk copy of this artifact beside `original` (its path),
    /// as `<stem>.shrunk.json` or the next free name.
    pub fn write_beside(&self, original: &Path) -> Result<PathBuf, ArtifactError> {
        let dir = original
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let stem = original
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("artifact");
        self.write_new(dir, &format!("{stem}.shrunk"))
    }
}

/// Where a `cargo test` sweep writes artifacts: `$FAULTLINE_ARTIFACTS` if
/// set, else `faultline/` in the cargo target directory the running test
/// was built in (found by walking up from the test binary to the directory
/// cargo marks with `CACHEDIR.TAG`), else `target/faultline` here.
pub fn test_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os(DIR_VAR).filter(|d| !d.is_empty()) {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().ok();
    let target = exe
        .iter()
        .flat_map(|e| e.ancestors())
        .find(|d| d.join("CACHEDIR.TAG").is_file())
        .map(Path::to_path_buf);
    match target {
        Some(t) => t.join("faultline"),
        None => PathBuf::from(DIR),
    }
}

/// A file-name stem from any text: letters, digits, `-` and `_` kept, every
/// other character `_` (a test's path has `::`).
pub fn stem_of(name: &str) -> String {
    let keep = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    name.chars()
        .map(|c| if keep(c) { c } else { '_' })
        .collect()
}
