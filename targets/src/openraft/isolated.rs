//! A run in a process of its own, for a release whose dependencies draw
//! from state that madsim does not own and that outlives a run.
//!
//! openraft 0.10.0-alpha.24 picks among ready branches with
//! `futures_util::select!`, which shuffles them with a thread-local random
//! stream that futures-util seeds from a process-wide counter: one step per
//! thread that ever used it. The first run in a process sees the same
//! stream in every process; a later run sees another, and its history
//! differs. No thread or runtime trick resets the counter without patching
//! futures-util, so such a release runs each seed in a fresh child of the
//! `faultline-targets` binary, where its run is the first. The child reads
//! the run from its standard input and writes the outcome, as JSON.
//! (0.10.0-alpha.37 selects through its runtime's biased `select`, and runs
//! in process.)

use faultline::madsim_host::run::{RunConfig, RunResult};
use faultline::sim::scenario::report::panic_text;
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The variable that makes the binary a child: its value names the
/// release.
const CHILD: &str = "FAULTLINE_OPENRAFT_CHILD";

/// The binary a child runs, where the current executable is not it (a
/// test binary): set by the tests, else looked for beside the current one.
const BINARY: &str = "FAULTLINE_TARGETS_BIN";

/// What the child writes back.
#[derive(Serialize, Deserialize)]
enum Outcome {
    Ran(RunResult),
    Panicked(String),
}

/// Runs the release named `release` under `config` in a child process.
///
/// # Panics
/// Where no child can be started or its answer cannot be read (the
/// binary is missing), and where openraft panicked in the child, with
/// openraft's message: the sweep records either as the run's panic.
pub(super) fn run_in_child(config: &RunConfig, release: &str) -> RunResult {
    let mut child = Command::new(binary())
        .env(CHILD, release)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start a child for openraft {release}: {e}"));
    let input = serde_json::to_vec(config).expect("a run is plain data");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(&input)
        .expect("the child reads its job");
    let output = child.wait_with_output().expect("the child ends");
    match serde_json::from_slice(&output.stdout) {
        Ok(Outcome::Ran(result)) => result,
        Ok(Outcome::Panicked(message)) => panic!("{message}"),
        Err(e) => panic!("the child for openraft {release} answered no outcome: {e}"),
    }
}

/// The `faultline-targets` binary.
fn binary() -> PathBuf {
    if let Some(path) = std::env::var_os(BINARY) {
        return PathBuf::from(path);
    }
    let me = std::env::current_exe().expect("the current executable");
    let name = format!("faultline-targets{}", std::env::consts::EXE_SUFFIX);
    if me.file_name().is_some_and(|n| n == name.as_str()) {
        return me;
    }
    // A test binary sits in `target/<profile>/deps/`, the binary one up.
    let dir = me.parent().expect("a directory");
    [dir.join(&name), dir.join("..").join(&name)]
        .into_iter()
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no {name} beside {}: set {BINARY}", me.display()))
}

/// In a child (the variable [`CHILD`] set): runs the job on standard input
/// with `run` (given the release the parent named) and writes its outcome,
/// then exits. Elsewhere: returns at once.
pub(super) fn serve_if_child(run: impl Fn(&RunConfig, &str) -> RunResult) {
    let Some(name) = std::env::var_os(CHILD) else {
        return;
    };
    let release = name.into_string().expect("the parent names a release");
    let mut input = Vec::new();
    std::io::stdin()
        .read_to_end(&mut input)
        .expect("the parent writes a job");
    let config: RunConfig = serde_json::from_slice(&input).expect("the parent writes a run");
    std::panic::set_hook(Box::new(|_| {}));
    let ran = std::panic::catch_unwind(AssertUnwindSafe(|| run(&config, &release)));
    let outcome = match ran {
        Ok(result) => Outcome::Ran(result),
        Err(panic) => Outcome::Panicked(panic_text(&*panic)),
    };
    let output = serde_json::to_vec(&outcome).expect("an outcome is plain data");
    std::io::stdout()
        .write_all(&output)
        .expect("the parent reads the outcome");
    std::process::exit(0);
}
