//! A sweep on a real scheduler: `deploy/slurm/explore-array.sbatch` run as
//! a Slurm job array of four shards, on `slurmctld` and `slurmd` started
//! here by the test (with munge), one shard requeued by the scheduler while
//! it runs. The merge of what the shards wrote is the sweep run whole on
//! one machine: the same summary, every seed once with the same trace hash;
//! the interrupted copy is marked partial, neither double-counted nor left
//! as the shard's result.

use crate::common::cli::{seed_lines, workdir};
use crate::common::tools::{require, Tool};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How many seeds the sweep runs, and in how many shards.
const SEEDS: u64 = 1_600;
const SHARDS: u64 = 4;

/// A Slurm cluster of this machine alone, stopped when dropped.
struct Cluster {
    dir: PathBuf,
    conf: PathBuf,
}

impl Cluster {
    /// Starts munge (if it is not running), then the controller and the
    /// node daemon, on ports of this process, and waits for the node.
    fn start(dir: &Path, sbin: &Path) -> Cluster {
        ensure_munge();
        let host = run(Command::new("hostname").arg("-s"));
        let host = host.trim();
        let port = 20_000 + (std::process::id() % 20_000) as u16;
        for sub in ["state", "spool", "log"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let d = dir.display();
        let conf = format!(
            "ClusterName=faultline\nSlurmctldHost={host}\nSlurmUser=root\nSlurmdUser=root\n\
             AuthType=auth/munge\nStateSaveLocation={d}/state\nSlurmdSpoolDir={d}/spool\n\
             SlurmctldPidFile={d}/slurmctld.pid\nSlurmdPidFile={d}/slurmd.pid\n\
             SlurmctldLogFile={d}/log/slurmctld.log\nSlurmdLogFile={d}/log/slurmd.log\n\
             SlurmctldPort={port}\nSlurmdPort={}\nProctrackType=proctrack/linuxproc\n\
             TaskPlugin=task/none\nJobAcctGatherType=jobacct_gather/none\n\
             SelectType=select/cons_tres\nSelectTypeParameters=CR_CPU\nMpiDefault=none\n\
             ReturnToService=2\nNodeName={host} CPUs=2 RealMemory=1000 State=UNKNOWN\n\
             PartitionName=test Nodes={host} Default=YES MaxTime=INFINITE State=UP\n",
            port + 1
        );
        let cluster = Cluster {
            dir: dir.to_path_buf(),
            conf: dir.join("slurm.conf"),
        };
        std::fs::write(&cluster.conf, conf).unwrap();
        for daemon in ["slurmctld", "slurmd"] {
            let mut start = Command::new(sbin.with_file_name(daemon));
            run(start.arg("-f").arg(&cluster.conf));
        }
        cluster.wait_for(Duration::from_secs(60), "the node to be idle", |c| {
            c.output(Command::new("sinfo").args(["-h", "-o", "%t"]))
                .contains("idle")
        });
        cluster
    }

    /// A Slurm command against this cluster.
    fn output(&self, cmd: &mut Command) -> String {
        run(cmd.env("SLURM_CONF", &self.conf))
    }

    /// Polls `done` every 50 ms until it holds; panics with the logs after
    /// `limit`.
    fn wait_for(&self, limit: Duration, what: &str, done: impl Fn(&Cluster) -> bool) {
        let started = Instant::now();
        while !done(self) {
            if started.elapsed() > limit {
                let log = |f: &str| std::fs::read_to_string(self.dir.join("log").join(f));
                panic!(
                    "waited {limit:?} for {what}\nslurmctld: {:?}\nslurmd: {:?}",
                    log("slurmctld.log"),
                    log("slurmd.log")
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Cluster {
    /// Stops both daemons, and waits (up to 20 s) until they are gone.
    fn drop(&mut self) {
        let pids: Vec<String> = ["slurmd.pid", "slurmctld.pid"]
            .iter()
            .filter_map(|f| std::fs::read_to_string(self.dir.join(f)).ok())
            .map(|pid| pid.trim().to_string())
            .collect();
        for pid in &pids {
            let _ = Command::new("kill").arg(pid).status();
        }
        // A zombie (state Z) is gone for this purpose: only its parent can reap it.
        let alive = |pid: &String| {
            let stat = std::fs::read_to_string(Path::new("/proc").join(pid).join("stat"));
            stat.is_ok_and(|s| {
                s.rsplit(')')
                    .next()
                    .is_some_and(|rest| !rest.trim_start().starts_with('Z'))
            })
        };
        let started = Instant::now();
        while pids.iter().any(alive) && started.elapsed() < Duration::from_secs(20) {
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// A command's standard output; panics naming it if it fails.
fn run(cmd: &mut Command) -> String {
    let out: Output = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{cmd:?}: {text}{err}");
    text
}

/// munge answers, started as its own user if it does not.
fn ensure_munge() {
    let works = || {
        let Ok(mut munge) = Command::new("munge")
            .arg("-n")
            .stdout(std::process::Stdio::piped())
            .spawn()
        else {
            return false;
        };
        let credential = munge.stdout.take().unwrap();
        let checked = Command::new("unmunge").stdin(credential).output();
        let _ = munge.wait();
        checked.is_ok_and(|o| o.status.success())
    };
    if works() {
        return;
    }
    std::fs::create_dir_all("/run/munge").unwrap();
    run(Command::new("chown").args(["munge:munge", "/run/munge"]));
    run(Command::new("runuser").args(["-u", "munge", "--", "munged"]));
    assert!(
        works(),
        "munged started but munge credentials do not verify"
    );
}

/// Every seed's line in the results files of `dir`, once: a seed in two
/// files (a shard run again) must be the same line in both.
fn seeds_once(dir: &Path) -> Vec<(u64, String, u64, u64)> {
    let mut lines = seed_lines(dir);
    for pair in lines.windows(2) {
        assert!(
            pair[0].0 != pair[1].0 || pair[0] == pair[1],
            "seed {} ran differently",
            pair[0].0
        );
    }
    lines.dedup();
    lines
}

/// A summary without what differs by machine or directory.
fn comparable(stdout: &[u8]) -> Value {
    let mut v: Value = serde_json::from_slice(stdout).expect("a JSON summary");
    v.as_object_mut().unwrap().remove("seeds_per_s");
    v
}

/// The results files of shard `index` (from 1) in `dir`.
fn files_of(dir: &Path, index: u64) -> Vec<PathBuf> {
    let prefix = format!("raft-kv-shard-{index}-of-{SHARDS}");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with(&prefix)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_slurm_job_array_with_a_requeued_shard_merges_to_the_whole_sweep() {
    let test = "slurm::a_slurm_job_array_with_a_requeued_shard_merges_to_the_whole_sweep";
    let Some(sbin) = require(Tool::Slurm, test) else {
        return;
    };
    let dir = workdir("slurm");
    let exe = env!("CARGO_BIN_EXE_faultline");
    let whole_dir = dir.join("whole");
    let whole = Command::new(exe)
        .args(["explore", "raft-kv", "--seeds", &SEEDS.to_string()])
        .args(["--json", "--no-regressions", "--out"])
        .arg(&whole_dir)
        .env("FAULTLINE_ARTIFACTS", dir.join("whole-artifacts"))
        .output()
        .unwrap();
    assert_eq!(whole.status.code(), Some(0), "the correct raft-kv passes");
    let cluster = Cluster::start(&dir.join("slurm"), &sbin);
    let results = dir.join("results");
    let job = submit(&cluster, &dir, &results);
    requeue_mid_way(&cluster, &job, &results);
    cluster.wait_for(Duration::from_secs(600), "the array to finish", |c| {
        c.output(Command::new("squeue").args(["-h", "-o", "%i"]))
            .trim()
            .is_empty()
    });
    let shard_two = files_of(&results, 2);
    assert_eq!(
        shard_two.len(),
        2,
        "the requeued shard ran twice: {shard_two:?}"
    );
    let partial = |f: &PathBuf| {
        std::fs::read_to_string(f)
            .unwrap()
            .contains("\"partial\":true")
    };
    let copies: Vec<bool> = shard_two.iter().map(partial).collect();
    assert_eq!(
        copies.iter().filter(|p| **p).count(),
        1,
        "one interrupted copy: {shard_two:?}"
    );
    let merged = Command::new(exe)
        .args(["merge", "--json"])
        .arg(&results)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&merged.stderr);
    assert_eq!(merged.status.code(), Some(0), "{err}");
    assert_eq!(
        comparable(&merged.stdout),
        comparable(&whole.stdout),
        "{err}"
    );
    assert_eq!(seeds_once(&results), seeds_once(&whole_dir));
    assert_eq!(seeds_once(&results).len() as u64, SEEDS);
}

/// Submits the deploy script as an array of `SHARDS` tasks; its job id.
fn submit(cluster: &Cluster, dir: &Path, results: &Path) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/slurm/explore-array.sbatch");
    let mut sbatch = Command::new("sbatch");
    sbatch
        .args(["--parsable", &format!("--array=0-{}", SHARDS - 1)])
        .arg(format!("--output={}/task-%a.log", dir.display()))
        .arg(&script)
        .current_dir(dir)
        .env("FAULTLINE", env!("CARGO_BIN_EXE_faultline"))
        .env("MODEL", "raft-kv")
        .env("SEEDS", SEEDS.to_string())
        .env("FAULTLINE_RESULTS", results);
    for var in [
        "FAULTLINE_SHARD",
        "FAULTLINE_SHARD_INDEX",
        "FAULTLINE_SHARD_COUNT",
    ] {
        sbatch.env_remove(var);
    }
    cluster.output(&mut sbatch).trim().to_string()
}

/// Once shard 2 has written some seeds, has Slurm requeue it (SIGTERM, then
/// pending again), and lets it start again at once rather than after the
/// scheduler's requeue delay.
fn requeue_mid_way(cluster: &Cluster, job: &str, results: &Path) {
    let running = |_: &Cluster| {
        let file = files_of(results, 2).into_iter().next();
        file.and_then(|f| std::fs::read_to_string(f).ok())
            .is_some_and(|text| text.lines().count() >= 10)
    };
    cluster.wait_for(Duration::from_secs(300), "shard 2 to write seeds", running);
    let task = format!("{job}_1");
    cluster.output(Command::new("scontrol").args(["requeue", &task]));
    cluster.wait_for(Duration::from_secs(60), "shard 2 to be pending", |c| {
        let state = c.output(Command::new("squeue").args(["-h", "-o", "%T", "-j", &task]));
        state.contains("PENDING")
    });
    let start_now = ["update", &format!("jobid={task}"), "starttime=now"];
    cluster.output(Command::new("scontrol").args(start_now));
}
