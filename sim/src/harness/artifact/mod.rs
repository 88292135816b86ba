//! Failure artifacts: the small JSON file a failing run leaves in one
//! place, the same from the command line and from `cargo test` (see
//! [`default_dir`]: `faultline/` in the cargo target directory), from which
//! `faultline replay`, `faultline shrink` and `FAULTLINE_REPLAY=… cargo
//! test` work.
//!
//! An artifact is never overwritten: a new one takes the next free name,
//! claimed with `create_new`, so two processes cannot race onto one name. A
//! file that fails to load is reported with what is wrong and where (the
//! field's path, and its line and column: see [`locate`]), and is left as
//! it is. Every field is checked: unknown fields are refused (a misspelled
//! one would otherwise change the run silently), and so are a config that
//! cannot run, an unknown fault mix, a plan out of time order, and a trace
//! hash that is not 16 hex digits.

pub mod locate;

use crate::plan::FaultPlan;
use crate::scenario::exhaustive::{Behaviour, Step};
use crate::scenario::report::{Failure, ScenarioConfig};
use crate::scenario::Trim;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Where artifacts go when no cargo target directory is found (a binary
/// installed outside one), relative to where it runs.
pub const DIR: &str = "target/faultline";

/// Overrides where artifacts go, for the command line and `cargo test`.
pub const DIR_VAR: &str = "FAULTLINE_ARTIFACTS";

/// Everything needed to rerun a failing seed exactly.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
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
    /// The fault points that fired (see [`crate::marks`]): a replay
    /// enables exactly these. Absent when none fired, as in every artifact
    /// written before fault points existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub buggify: Vec<String>,
    /// How a shrunk run was cut down from its scenario (fewer operations,
    /// clients, a shorter safety phase); absent when it was not.
    #[serde(default, skip_serializing_if = "Trim::is_none")]
    pub trim: Trim,
    /// The behaviour an exhaustive search found (see
    /// [`crate::scenario::exhaustive`]): a replay takes its steps instead
    /// of a fault plan, and `plan` is empty. Absent for a seed's run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exhaustive: Option<Behaviour>,
}

/// The most clients, and operations per client, an exhaustive artifact
/// may ask for (a search past a few is out of reach anyway).
pub const MAX_EXHAUSTIVE_CLIENTS: usize = 64;

/// Why an artifact could not be loaded or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
pub const MAX_BYTES: u64 = 64 << 20;

/// The `faults` of an artifact whose plan came from no preset mix (a
/// `cargo test` scenario with a nemesis or plan of its own).
pub const CUSTOM_FAULTS: &str = "custom";

/// A trace hash from its 16 hex digits.
fn parse_hash(hex: &str) -> Option<u64> {
    let digits = hex.len() == 16 && hex.chars().all(|c| c.is_ascii_hexdigit());
    digits.then(|| u64::from_str_radix(hex, 16).ok()).flatten()
}

/// `field: message` split at its first `: ` (validation messages start
/// with the field they are about).
fn split_field(text: &str) -> (String, String) {
    match text.split_once(": ") {
        Some((field, message)) => (field.to_string(), message.to_string()),
        None => (String::new(), text.to_string()),
    }
}

/// A JSON error as a line: where it is (the path, and the line and column
/// of the value it is about), and what serde said.
fn json_error(text: &str, e: serde_path_to_error::Error<serde_json::Error>) -> String {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let message = inner.to_string();
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_string();
    let hint = message.split('`').nth(1);
    let at = (path != ".")
        .then(|| locate::locate(text, &path, hint))
        .flatten()
        .unwrap_or((inner.line(), inner.column()));
    let field = if path == "." {
        String::new()
    } else {
        format!("{path}: ")
    };
    format!("line {}, column {}: {field}{message}", at.0, at.1)
}

/// Why a capped read failed.
pub enum Capped {
    /// The file could not be read.
    Io(std::io::Error),
    /// It is not text, or too large.
    Invalid(String),
}

/// Reads a text file of at most `max` bytes: a regular file, or a
/// character device (`/dev/null`); never more than `max + 1` bytes are
/// read. A FIFO or socket is refused, since opening one can wait forever.
pub fn read_capped(path: &Path, max: u64) -> Result<String, Capped> {
    read_text(open_input(path)?, max)
}

/// Opens an input file: a regular file or a character device (a pipe's
/// `/dev/stdin`), never a directory or a FIFO that could block forever.
pub fn open_input(path: &Path) -> Result<std::fs::File, Capped> {
    let meta = std::fs::metadata(path).map_err(Capped::Io)?;
    if !meta.is_file() && !is_char_device(&meta) {
        return Err(Capped::Invalid("not a regular file".into()));
    }
    std::fs::File::open(path).map_err(Capped::Io)
}

/// Reads at most `max` bytes of UTF-8 text from `reader`.
fn read_text(reader: impl std::io::Read, max: u64) -> Result<String, Capped> {
    use std::io::Read;
    let mut bytes = Vec::new();
    reader
        .take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(Capped::Io)?;
    if bytes.len() as u64 > max {
        return Err(Capped::Invalid(format!(
            "larger than {max} bytes, the most read"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        Capped::Invalid(format!(
            "not UTF-8 text (byte {} is not)",
            e.utf8_error().valid_up_to()
        ))
    })
}

#[cfg(unix)]
fn is_char_device(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_char_device()
}

#[cfg(not(unix))]
fn is_char_device(_meta: &std::fs::Metadata) -> bool {
    false
}

impl Artifact {
    /// Loads an artifact and checks what can be checked without its model
    /// (whoever runs it checks its model, bug switch and plan against the
    /// model). The file is never modified.
    pub fn load(path: &Path) -> Result<Artifact, ArtifactError> {
        let shown = path.display().to_string();
        let malformed = |message: String| ArtifactError::Malformed {
            path: shown.clone(),
            message,
        };
        let text = read_capped(path, MAX_BYTES).map_err(|e| match e {
            Capped::Io(source) => ArtifactError::Read {
                path: shown.clone(),
                source,
            },
            Capped::Invalid(message) => malformed(message),
        })?;
        let mut de = serde_json::Deserializer::from_str(&text);
        let artifact: Artifact = serde_path_to_error::deserialize(&mut de)
            .map_err(|e| malformed(json_error(&text, e)))?;
        de.end()
            .map_err(|e| malformed(format!("line {}, column {}: {e}", e.line(), e.column())))?;
        artifact.check().map_err(|(field, message)| {
            let at = locate::locate(&text, &field, None)
                .map_or_else(String::new, |(l, c)| format!("line {l}, column {c}: "));
            malformed(format!("{at}{field}: {message}"))
        })?;
        Ok(artifact)
    }

    /// Checks every field; an error names the field's path.
    fn check(&self) -> Result<(), (String, String)> {
        let field = |f: &str, e: &dyn std::fmt::Display| (f.to_string(), e.to_string());
        let names = [("model", Some(&self.model)), ("bug", self.bug.as_ref())];
        for (name, value) in names {
            let Some(value) = value else { continue };
            let plain = |c: char| c.is_ascii_graphic();
            if value.is_empty() || value.len() > 200 || !value.chars().all(plain) {
                let why = "a name of 1 to 200 printable characters, without spaces";
                return Err(field(name, &why));
            }
        }
        self.config
            .validate("config")
            .map_err(|e| split_field(&e.to_string()))?;
        let known_mix = self.faults.parse::<crate::Mix>().is_ok() || self.faults == CUSTOM_FAULTS;
        if !known_mix {
            let names = crate::Mix::names();
            let why = format!(
                "unknown fault mix `{}` (the mixes: {names}, or {CUSTOM_FAULTS})",
                self.faults
            );
            return Err(field("faults", &why));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, site) in self.buggify.iter().enumerate() {
            let printable = site.chars().all(|c| c.is_ascii_graphic() || c == ' ');
            if site.is_empty() || site.len() > 200 || !printable {
                let why = "a fault point's name: 1 to 200 printable characters";
                return Err(field(&format!("buggify[{i}]"), &why));
            }
            if !seen.insert(site) {
                let why = format!("`{site}` is listed twice");
                return Err(field(&format!("buggify[{i}]"), &why));
            }
        }
        self.trim
            .validate(self.config.clients, self.config.safety_for)
            .map_err(|e| split_field(&e))?;
        if parse_hash(&self.trace_hash).is_none() {
            let why = format!("`{}` is not 16 hex digits", self.trace_hash);
            return Err(field("trace_hash", &why));
        }
        self.plan
            .validate(self.config.nodes)
            .map_err(|e| split_field(&format!("plan.{e}")))?;
        match &self.exhaustive {
            Some(behaviour) => self.check_behaviour(behaviour),
            None => Ok(()),
        }
    }

    /// An exhaustive behaviour must start where its search did (this seed,
    /// no plan), and name only nodes and clients that exist.
    fn check_behaviour(&self, behaviour: &Behaviour) -> Result<(), (String, String)> {
        let field = |f: &str, e: String| Err((f.to_string(), e));
        let bounds = &behaviour.bounds;
        if !self.plan.is_empty() {
            return field(
                "plan",
                "an exhaustive behaviour runs no fault plan: it must be empty".into(),
            );
        }
        if bounds.seed != self.seed {
            let why = format!("{} is not the artifact's seed, {}", bounds.seed, self.seed);
            return field("exhaustive.bounds.seed", why);
        }
        for (name, value) in [("clients", bounds.clients), ("ops", bounds.ops)] {
            if value > MAX_EXHAUSTIVE_CLIENTS {
                let why = format!("{value} is more than {MAX_EXHAUSTIVE_CLIENTS}");
                return field(&format!("exhaustive.bounds.{name}"), why);
            }
        }
        for (i, step) in behaviour.steps.iter().enumerate() {
            let (what, value, limit) = match *step {
                Step::Crash { node } | Step::Restart { node } => {
                    ("node", node.index(), self.config.nodes)
                }
                Step::Issue { client } => ("client", client, bounds.clients),
                Step::Run { .. } | Step::Drop { .. } | Step::Duplicate { .. } => continue,
            };
            if value >= limit {
                let why = format!("{what} {value} does not exist (there are {limit})");
                return field(&format!("exhaustive.steps[{i}].{what}"), why);
            }
        }
        Ok(())
    }

    /// The fault points the artifact lists that did not fire in a replay
    /// whose trace hash is the artifact's (`fired`: the replay's). Such a
    /// replay ran as the failure did, so every site that fired then fired
    /// again: a listed site that did not is not a fault point of the model
    /// (a misspelling, or an edit), and the artifact is bad input.
    pub fn unfired_sites(&self, fired: &[String]) -> Vec<&str> {
        let listed = self.buggify.iter().filter(|s| !fired.contains(s));
        listed.map(String::as_str).collect()
    }

    /// The fault points a replay enables: exactly those that fired.
    pub fn buggify_sites(&self) -> crate::marks::Buggify {
        crate::marks::Buggify::Sites(self.buggify.iter().cloned().collect())
    }

    /// Whether `hash` is this artifact's trace hash (hex digits in any case).
    pub fn hash_matches(&self, hash: u64) -> bool {
        parse_hash(&self.trace_hash) == Some(hash)
    }

    /// The artifact of a failing `run` of the model `description`
    /// describes, with `bug` on, its plan drawn from the mix named
    /// `faults`: this version, no test, the whole run (no trim). `None`
    /// for a run that passed.
    pub fn of_run(
        description: &crate::model::Description,
        bug: Option<&str>,
        faults: &str,
        run: &crate::model::RunSummary,
    ) -> Option<Artifact> {
        Some(Artifact {
            faultline_version: env!("CARGO_PKG_VERSION").to_string(),
            model: description.name.clone(),
            test: None,
            bug: bug.map(str::to_string),
            config: description.config.clone(),
            faults: faults.to_string(),
            seed: run.seed,
            plan: run.plan.clone(),
            trace_hash: crate::trace::hash_hex(run.trace_hash),
            failure: run.failure.clone()?,
            buggify: run.buggified.clone(),
            trim: Trim::default(),
            exhaustive: None,
        })
    }

    /// Writes the artifact as `<dir>/<stem>.json`, or `<stem>-2.json` and so on
    /// if that exists. Returns the path written.
    pub fn write_new(&self, dir: &Path, stem: &str) -> Result<PathBuf, ArtifactError> {
        self.write_into(crate::files::create_new_numbered(dir, stem, "json"))
    }

    /// Writes a shrunk copy of this artifact beside `original` (its path),
    /// as `<stem>.shrunk.json` or the next free name.
    pub fn write_beside(&self, original: &Path) -> Result<PathBuf, ArtifactError> {
        self.write_into(crate::files::create_beside(original, ".shrunk", "json"))
    }

    /// Writes the artifact into a file just created; returns its path.
    fn write_into(
        &self,
        created: Result<(std::fs::File, PathBuf), (PathBuf, std::io::Error)>,
    ) -> Result<PathBuf, ArtifactError> {
        let write_err = |path: &Path, source| ArtifactError::Write {
            path: path.display().to_string(),
            source,
        };
        let text = serde_json::to_string_pretty(self).expect("an artifact serialises");
        let (mut file, path) = created.map_err(|(p, e)| write_err(&p, e))?;
        use std::io::Write;
        file.write_all(text.as_bytes())
            .map_err(|e| write_err(&path, e))?;
        Ok(path)
    }
}

/// Where artifacts go, from the command line and from `cargo test` alike:
/// `$FAULTLINE_ARTIFACTS` if set, else `faultline/` in the cargo target
/// directory the running binary (the test, or the model's command line)
/// was built in (found by walking up from it to the directory cargo marks
/// with `CACHEDIR.TAG`), else [`DIR`] here.
pub fn default_dir() -> PathBuf {
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
