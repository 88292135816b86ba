//! Failure artifacts: the small JSON file a failing run leaves under
//! `target/faultline/`, from which `replay` and `shrink` work.
//!
//! An artifact is never overwritten: a new one takes the next free name. A file
//! that fails to load is reported with what is wrong and where, and left as it is.

use serde::{Deserialize, Serialize};
use sim::scenario::Failure;
use sim::FaultPlan;
use std::path::{Path, PathBuf};

/// The directory artifacts go to.
pub const DIR: &str = "target/faultline";

/// Everything needed to rerun a failing seed exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Artifact {
    /// The faultline version that wrote it.
    pub faultline_version: String,
    /// The model's catalog name.
    pub model: String,
    /// The bug switch, if one was on.
    pub bug: Option<String>,
    /// The scenario's shape when the artifact was written.
    pub config: sim::scenario::ScenarioConfig,
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

impl Artifact {
    /// Loads and checks an artifact. The file is never modified.
    pub fn load(path: &Path) -> Result<Artifact, ArtifactError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| ArtifactError::Read {
            path: shown.clone(),
            source,
        })?;
        let artifact: Artifact =
            serde_json::from_str(&text).map_err(|e| ArtifactError::Malformed {
                path: shown.clone(),
                message: format!("line {}, column {}: {e}", e.line(), e.column()),
            })?;
        let malformed = |message: String| ArtifactError::Malformed {
            path: shown.clone(),
            message,
        };
        let info = crate::catalog::model(&artifact.model).map_err(|e| malformed(e.to_string()))?;
        crate::catalog::check_bug(info, artifact.bug.as_deref())
            .map_err(|e| malformed(e.to_string()))?;
        if u64::from_str_radix(&artifact.trace_hash, 16).is_err() || artifact.trace_hash.len() != 16
        {
            return Err(malformed(format!(
                "trace_hash `{}` is not 16 hex digits",
                artifact.trace_hash
            )));
        }
        artifact
            .plan
            .validate(info.nodes)
            .map_err(|e| malformed(format!("plan: {e}")))?;
        Ok(artifact)
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
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)
            {
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
}
