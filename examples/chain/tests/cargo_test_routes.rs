//! The toolkit inside `cargo test`: a failing seed of `run_seeds` writes an
//! artifact, shrinks it, and names two replay routes, and both routes work,
//! each in a fresh process (this test binary, run again on one test).

use chain::{ChainBug, ChainModel};
use faultline::sim::model::EngineModel;
use faultline::sim::Mix;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Set only when the test below runs this binary again.
const INNER: &str = "CHAIN_ROUTES_INNER";

/// A sweep of the buggy chain, as a user's test would be. It fails, so it
/// runs only inside [`both_replay_routes_reproduce_a_failing_seed`].
#[test]
fn buggy_sweep() {
    if std::env::var_os(INNER).is_none() {
        return;
    }
    ChainModel
        .scenario_under(Some(ChainBug::SkipSync), Mix::Crashes)
        .run_seeds(0..60);
}

/// The correct chain passes the same sweep.
#[test]
fn correct_sweep() {
    ChainModel
        .scenario_under(None, Mix::Crashes)
        .run_seeds(0..60);
}

fn rerun(dir: &Path, env: &[(&str, &str)]) -> (Output, String) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        "buggy_sweep",
        "--exact",
        "--nocapture",
        "--test-threads",
        "1",
    ])
    .env(INNER, "1")
    .env("FAULTLINE_ARTIFACTS", dir)
    .env("FAULTLINE_REGRESSIONS", dir.join("regressions.json"))
    .env_remove("FAULTLINE_SEED")
    .env_remove("FAULTLINE_SEEDS")
    .env_remove("FAULTLINE_REPLAY");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run this test binary again");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out, text)
}

/// The value after `key` up to the end of its word.
fn after<'a>(text: &'a str, key: &str) -> &'a str {
    let at = text
        .find(key)
        .unwrap_or_else(|| panic!("no `{key}` in:\n{text}"));
    text[at + key.len()..].split_whitespace().next().unwrap()
}

#[test]
fn both_replay_routes_reproduce_a_failing_seed() {
    let dir = std::env::temp_dir().join(format!("chain-routes-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (out, text) = rerun(&dir, &[]);
    assert!(!out.status.success(), "the buggy sweep fails:\n{text}");
    let seed = after(&text, "FAULTLINE_SEED=");
    assert!(
        text.contains(&faultline::sim::seed::replay_command(
            "buggy_sweep",
            seed.parse().unwrap()
        )),
        "{text}"
    );
    let artifact = PathBuf::from(after(&text, "FAULTLINE_REPLAY="));
    assert!(
        text.contains(&faultline::sim::scenario::sweep::replay_artifact_command(
            "buggy_sweep",
            &artifact
        )),
        "{text}"
    );
    assert!(
        artifact.starts_with(&dir) && artifact.is_file(),
        "{}",
        artifact.display()
    );
    assert!(
        artifact.to_string_lossy().ends_with(".shrunk.json"),
        "the route replays the shrunk plan"
    );
    let original = PathBuf::from(artifact.to_string_lossy().replace(".shrunk.json", ".json"));
    assert!(
        original.is_file(),
        "the original artifact is kept: {}",
        original.display()
    );
    let failure = text
        .lines()
        .find(|l| l.starts_with("safety: ") || l.starts_with("liveness"))
        .expect("the failure")
        .to_string();

    // Route 1: the seed, as drawn.
    let (out, seeded) = rerun(&dir, &[("FAULTLINE_SEED", seed)]);
    assert!(!out.status.success(), "{seeded}");
    assert!(seeded.contains(&format!("seed {seed} failed")), "{seeded}");

    // Route 2: the artifact's shrunk plan, with its trace printed.
    let path = artifact.to_string_lossy().to_string();
    let (out, replayed) = rerun(&dir, &[("FAULTLINE_REPLAY", &path)]);
    assert!(!out.status.success(), "{replayed}");
    assert!(replayed.contains("identical to the artifact"), "{replayed}");
    assert!(
        replayed.contains(" n0 start"),
        "the trace is printed:\n{replayed}"
    );
    let kind = failure.split(" failure").next().unwrap();
    assert!(
        replayed.contains(kind),
        "the same kind of failure ({kind}):\n{replayed}"
    );

    the_chains_command_line_replays(&path);
    let kept = the_kept_entry_is_the_shrunk_run(&dir, &artifact);
    a_kept_failure_runs_first_and_is_reported_fixed(&dir, &kept);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The artifact names its model, so the chain's command line replays it too.
fn the_chains_command_line_replays(path: &str) {
    let cli = Command::new(env!("CARGO_BIN_EXE_chain"))
        .args(["replay", path])
        .output()
        .unwrap();
    let cli_text = String::from_utf8_lossy(&cli.stdout);
    assert_eq!(cli.status.code(), Some(0), "{cli_text}");
    assert!(cli_text.contains("identical to the artifact"), "{cli_text}");
}

/// The failure is kept in the regression file: the next sweep re-runs it
/// first. It keeps the shrunk plan with the run it was shrunk in (the
/// trim), so that the re-run is the shrunk artifact's run. Returns the
/// file's text.
fn the_kept_entry_is_the_shrunk_run(dir: &Path, artifact: &Path) -> String {
    let kept = std::fs::read_to_string(dir.join("regressions.json")).expect("a regression file");
    assert!(kept.contains("\"test\": \"buggy_sweep\""), "{kept}");
    let json = |text: &str| serde_json::from_str::<serde_json::Value>(text).unwrap();
    let shrunk = json(&std::fs::read_to_string(artifact).unwrap());
    let entry = &json(&kept)["entries"][0];
    assert_eq!(entry["shrunk_plan"], shrunk["plan"], "{kept}");
    assert_eq!(entry["trim"], shrunk["trim"], "{kept}");
    kept
}

/// The next sweep re-runs the kept failure first and fails on it; once it no
/// longer fails (here: kept under the correct sweep's name), it is
/// reported as fixed.
fn a_kept_failure_runs_first_and_is_reported_fixed(dir: &Path, kept: &str) {
    let (out, again) = rerun(dir, &[("FAULTLINE_SEEDS", "1")]);
    assert!(
        !out.status.success() && again.contains("a kept failure fails again"),
        "{again}"
    );
    std::fs::write(
        dir.join("regressions.json"),
        kept.replace("\"buggy_sweep\"", "\"correct_sweep\""),
    )
    .unwrap();
    let mut correct = Command::new(std::env::current_exe().unwrap());
    correct.args(["correct_sweep", "--exact", "--nocapture"]);
    correct
        .env("FAULTLINE_REGRESSIONS", dir.join("regressions.json"))
        .env_remove("FAULTLINE_SEED");
    let fixed = correct.output().unwrap();
    let text = String::from_utf8_lossy(&fixed.stderr).to_string();
    assert!(
        fixed.status.success() && text.contains("is fixed"),
        "{text}"
    );
}
