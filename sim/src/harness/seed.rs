//! Seeds from the environment, and seed sweeps that say how to replay a failure.
//!
//! - `FAULTLINE_SEED=S` runs exactly seed `S` (decimal or `0x` hex).
//! - `FAULTLINE_SEEDS=N` runs `N` seeds from the sweep's first seed.
//!
//! [`run_seeds`] announces each seed as it starts (on the test's captured output,
//! which libtest shows for a failing test and `--nocapture` shows live) and writes
//! one line per sweep straight to the process's stderr, so a sweep killed by a
//! timeout still leaves its test name and seed range in the log. When a seed
//! fails, the panic names the seed and the exact command that replays it.

use std::io::Write;
use std::ops::Range;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

/// Runs one seed.
pub const SEED_VAR: &str = "FAULTLINE_SEED";
/// Widens a sweep to this many seeds.
pub const SEEDS_VAR: &str = "FAULTLINE_SEEDS";

/// An environment variable that is set but not a number.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{var}={value}: expected a non-negative integer (decimal, or hex with 0x)")]
pub struct SeedEnvError {
    /// The variable.
    pub var: &'static str,
    /// Its value.
    pub value: String,
}

/// Parses a seed written in decimal or `0x` hex.
pub fn parse_seed(text: &str) -> Option<u64> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

/// A seed or count from the environment variable `var`, if it is set.
pub fn seed_var(var: &'static str) -> Result<Option<u64>, SeedEnvError> {
    match std::env::var(var) {
        Ok(v) if v.trim().is_empty() => Ok(None),
        Ok(v) => parse_seed(&v)
            .map(Some)
            .ok_or(SeedEnvError { var, value: v }),
        Err(_) => Ok(None),
    }
}

/// The seeds a sweep should run: `FAULTLINE_SEED` alone if set, else
/// `FAULTLINE_SEEDS` seeds from `default.start` if set, else `default`.
pub fn seeds_from_env(default: Range<u64>) -> Result<Vec<u64>, SeedEnvError> {
    if let Some(seed) = seed_var(SEED_VAR)? {
        return Ok(vec![seed]);
    }
    if let Some(count) = seed_var(SEEDS_VAR)? {
        return Ok((default.start..default.start.saturating_add(count)).collect());
    }
    Ok(default.collect())
}

/// The command that replays `seed` of the test named `test`.
pub fn replay_command(test: &str, seed: u64) -> String {
    cargo_test_command(&format!("{SEED_VAR}={seed}"), test)
}

/// `cargo test` as this test was built, with `assign` (an environment
/// variable) before it: `--release` when the build had no debug
/// assertions, so the replay reuses the build that failed rather than
/// start another; the package and the test binary it ran in, when cargo
/// said (see [`test_target`]), so that no other binary is built or run;
/// the test by its exact name; and `--include-ignored`, so that a test
/// marked `#[ignore]` runs rather than pass having run nothing.
pub fn cargo_test_command(assign: &str, test: &str) -> String {
    let release = if cfg!(debug_assertions) {
        ""
    } else {
        " --release"
    };
    let target = test_target();
    format!("{assign} cargo test{release}{target} {test} -- --exact --include-ignored")
}

/// ` -p PACKAGE --test BINARY` for the integration-test binary running now,
/// read from `CARGO_PKG_NAME` (which `cargo test` sets) and the binary's
/// file name (`BINARY-HASH`); ` -p PACKAGE` alone for a crate's own unit
/// tests (a binary named like the crate); empty outside cargo.
fn test_target() -> String {
    let Some(package) = std::env::var("CARGO_PKG_NAME")
        .ok()
        .filter(|p| !p.is_empty())
    else {
        return String::new();
    };
    let exe = std::env::current_exe().ok();
    let stem = exe
        .as_ref()
        .and_then(|e| e.file_stem())
        .map(|s| s.to_string_lossy());
    let binary = stem
        .as_deref()
        .and_then(|s| s.rsplit_once('-'))
        .map(|(b, _)| b.to_string());
    match binary {
        Some(b) if b != package.replace('-', "_") => format!(" -p {package} --test {b}"),
        _ => format!(" -p {package}"),
    }
}

/// The running test's name, as libtest names its thread.
pub(crate) fn current_test_name() -> String {
    std::thread::current()
        .name()
        .filter(|n| *n != "main")
        .unwrap_or("<test name>")
        .to_string()
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "(non-text panic)".to_string())
}

/// Runs `body` for every seed of the sweep (see [`seeds_from_env`]). A seed that
/// panics stops the sweep with a panic naming the seed and its replay command.
///
/// # Panics
/// When a seed fails, or when a seed variable is malformed.
pub fn run_seeds(default: Range<u64>, body: impl FnMut(u64)) {
    let seeds = seeds_from_env(default).unwrap_or_else(|e| panic!("{e}"));
    run_seed_list(&current_test_name(), seeds, body);
}

/// Runs `body` for each of `seeds`, announcing each and naming the failing one.
pub fn run_seed_list(test: &str, seeds: Vec<u64>, mut body: impl FnMut(u64)) {
    let (first, last) = (
        seeds.first().copied().unwrap_or(0),
        seeds.last().copied().unwrap_or(0),
    );
    // Straight to fd 2, past libtest's capture, so a killed run leaves a trace.
    let _ = writeln!(
        std::io::stderr(),
        "faultline: {test}: seeds {first}..={last} ({} runs)",
        seeds.len()
    );
    for seed in seeds {
        eprintln!("faultline: {test}: seed {seed} start");
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| body(seed))) {
            let msg = panic_text(payload.as_ref());
            eprintln!(
                "faultline: {test}: seed {seed} FAILED\nfaultline: replay: {}",
                replay_command(test, seed)
            );
            resume_unwind(Box::new(format!(
                "seed {seed} failed: {msg}\nreplay: {}",
                replay_command(test, seed)
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Under `cargo test`, the replay command names this package; these are
    /// its own unit tests, so no `--test` binary.
    #[test]
    fn the_replay_command_names_the_package_it_ran_in() {
        let Ok(package) = std::env::var("CARGO_PKG_NAME") else {
            return; // not run by cargo: nothing to name
        };
        assert_eq!(package, "sim");
        assert_eq!(test_target(), " -p sim");
        assert!(replay_command("t", 1).contains(" -p sim t -- --exact"));
    }

    #[test]
    fn parses_decimal_and_hex() {
        assert_eq!(parse_seed("42"), Some(42));
        assert_eq!(parse_seed("0x2a"), Some(42));
        assert_eq!(parse_seed("-1"), None);
        assert_eq!(parse_seed("seven"), None);
    }

    #[test]
    fn a_failing_seed_names_itself_and_its_replay_command() {
        let mut ran = Vec::new();
        let err = catch_unwind(AssertUnwindSafe(|| {
            run_seed_list("my_test", (10..20).collect(), |s| {
                ran.push(s);
                assert!(s != 13, "boom");
            });
        }))
        .unwrap_err();
        let text = panic_text(err.as_ref());
        assert_eq!(ran, [10, 11, 12, 13], "the sweep stops at the failing seed");
        assert!(text.contains("seed 13 failed: boom"), "{text}");
        let release = if cfg!(debug_assertions) {
            ""
        } else {
            " --release"
        };
        let target = test_target();
        let expected = format!("cargo test{release}{target} my_test -- --exact --include-ignored");
        assert!(replay_command("my_test", 13).ends_with(&expected), "{text}");
        assert!(text.contains(&replay_command("my_test", 13)), "{text}");
    }
}
