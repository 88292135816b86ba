//! The deployment files, checked as far as can be done without a cluster:
//! the Kubernetes Indexed Job and the CI matrix parse, carry the shard
//! variables to `faultline explore`, and, run locally once per index with
//! the environment the engine would set, merge into the whole sweep. The
//! Dockerfile builds the binary in one stage and runs it from the next.

use crate::common::cli::{stdout, workdir};
use std::path::{Path, PathBuf};
use std::process::Command;
use yaml_rust2::{Yaml, YamlLoader};

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn yaml(path: &str) -> Yaml {
    let text = std::fs::read_to_string(repo(path)).unwrap();
    YamlLoader::load_from_str(&text)
        .expect("valid YAML")
        .remove(0)
}

fn strings(y: &Yaml) -> Vec<String> {
    y.as_vec()
        .expect("a list")
        .iter()
        .map(|v| match v {
            Yaml::String(s) => s.clone(),
            Yaml::Integer(i) => i.to_string(),
            other => panic!("not a string: {other:?}"),
        })
        .collect()
}

#[test]
fn the_kubernetes_job_runs_every_shard_and_merges() {
    let job = yaml("deploy/kubernetes/explore-job.yaml");
    assert_eq!(job["kind"].as_str(), Some("Job"));
    let spec = &job["spec"];
    assert_eq!(spec["completionMode"].as_str(), Some("Indexed"));
    let completions = spec["completions"].as_i64().expect("completions");
    let container = &spec["template"]["spec"]["containers"][0];
    let env = container["env"].as_vec().expect("env");
    let count = env
        .iter()
        .find(|e| e["name"].as_str() == Some("FAULTLINE_SHARD_COUNT"))
        .expect("the shard count");
    assert_eq!(
        count["value"].as_str(),
        Some(completions.to_string().as_str()),
        "one shard per completion"
    );
    let command = strings(&container["command"]);
    assert_eq!(&command[..2], ["faultline", "explore"]);
    let out = command.iter().position(|a| a == "--out").expect("--out") + 1;
    let mount = container["volumeMounts"][0]["mountPath"].as_str().unwrap();
    assert!(
        command[out].starts_with(mount),
        "results go to the shared volume"
    );
    // Run it here as the Job would, with fewer seeds and a local volume.
    let dir = workdir("deploy-k8s");
    let seeds = command.iter().position(|a| a == "--seeds").unwrap() + 1;
    let args: Vec<String> = command[1..]
        .iter()
        .enumerate()
        .map(|(i, a)| {
            if i + 1 == seeds {
                "24".to_string()
            } else {
                a.replace(mount, "volume")
            }
        })
        .collect();
    for index in 0..completions {
        let run = Command::new(env!("CARGO_BIN_EXE_faultline"))
            .args(&args)
            .current_dir(&dir)
            .env("FAULTLINE_ARTIFACTS", dir.join("target/faultline"))
            .env_remove("FAULTLINE_SHARD")
            .env_remove("FAULTLINE_SHARD_INDEX")
            .env("JOB_COMPLETION_INDEX", index.to_string())
            .env("FAULTLINE_SHARD_COUNT", completions.to_string())
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(0), "shard {index}");
    }
    let merged = crate::common::cli::faultline(&dir, &["merge", "volume"]);
    assert_eq!(merged.status.code(), Some(0), "{}", stdout(&merged));
    assert!(
        stdout(&merged).starts_with("raft-kv: 24 runs, 0 failures"),
        "{}",
        stdout(&merged)
    );
}

#[test]
fn the_ci_matrix_names_every_shard_and_merges_them() {
    let workflow = yaml("deploy/ci/github-actions-matrix.yml");
    let shard = &workflow["jobs"]["shard"];
    let matrix: Vec<i64> = shard["strategy"]["matrix"]["shard"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    let count = shard["env"]["FAULTLINE_SHARD_COUNT"].as_i64().unwrap();
    assert_eq!(
        matrix,
        (1..=count).collect::<Vec<_>>(),
        "indices 1 to the count"
    );
    assert_eq!(
        shard["env"]["FAULTLINE_SHARD_INDEX"].as_str(),
        Some("${{ matrix.shard }}")
    );
    let runs: Vec<String> = shard["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect();
    assert!(
        runs.iter()
            .any(|r| r.contains("explore") && r.contains("--out results")),
        "{runs:?}"
    );
    let merge = workflow["jobs"]["merge"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["run"].as_str())
        .collect::<Vec<_>>()
        .join(" ");
    for k in 1..=count {
        assert!(
            merge.contains(&format!("results-{k}")),
            "the merge takes shard {k}: {merge}"
        );
    }
}

#[test]
fn the_dockerfile_builds_in_one_stage_and_runs_from_a_slim_one() {
    let text = std::fs::read_to_string(repo("Dockerfile")).unwrap();
    let from: Vec<&str> = text.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(from.len(), 2, "two stages: {from:?}");
    assert!(
        from[0].ends_with(" AS build") && from[1].contains("slim"),
        "{from:?}"
    );
    assert!(text.contains("cargo build --release --locked --bin faultline"));
    let copy = text
        .lines()
        .find(|l| l.starts_with("COPY --from=build"))
        .expect("the binary is copied");
    let binary = copy.split_whitespace().nth(2).unwrap();
    assert_eq!(binary, "/src/target/release/faultline");
    assert!(text.contains("ENTRYPOINT [\"/usr/local/bin/faultline\"]"));
    let ignored = std::fs::read_to_string(repo(".dockerignore")).unwrap();
    assert!(
        ignored.lines().any(|l| l == "target"),
        "the build context leaves target/ out"
    );
}
