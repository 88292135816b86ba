//! The summary of a sweep: runs, failures by kind, operations,
//! availability and latency percentiles per operation kind (in virtual
//! time), and every failing seed with its artifact. Its field names are the
//! `explore --json` contract.

use serde::Serialize;
use sim::model::{OpStat, RunSummary};
use sim::scenario::FailureKind;
use std::collections::BTreeMap;

/// Latency percentiles of one operation kind, in virtual milliseconds.
#[derive(Clone, Debug, Serialize)]
pub struct Latency {
    /// Operations of this kind that completed (ok or fail).
    pub completed: usize,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

/// The sweep's summary; the field names are the `--json` contract.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The model.
    pub model: String,
    /// Runs made.
    pub runs: usize,
    /// Failures by kind.
    pub failures: BTreeMap<String, usize>,
    /// Client operations.
    pub ops: usize,
    /// Operations that completed ok, over all operations.
    pub availability: f64,
    /// Latency per operation kind.
    pub latency: BTreeMap<String, Latency>,
    /// Seeds per wall second.
    pub seeds_per_s: f64,
    /// Faults the host had no control for and skipped (madsim models only:
    /// clock, single-link and storage faults).
    pub skipped_faults: usize,
    /// One entry per failure: seed, message and artifact path.
    pub failed: Vec<FailedSeed>,
}

/// A failing seed.
#[derive(Clone, Debug, Serialize)]
pub struct FailedSeed {
    /// The seed.
    pub seed: u64,
    /// The failure's kind.
    pub kind: FailureKind,
    /// Its first line.
    pub message: String,
    /// The artifact written.
    pub artifact: String,
}

fn percentile(sorted: &[u64], p: usize) -> f64 {
    let i = (sorted.len() * p / 100).min(sorted.len() - 1);
    sorted[i] as f64 / 1e6
}

fn latencies(ops: &[OpStat]) -> BTreeMap<String, Latency> {
    let mut by_kind: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for op in ops {
        if let Some(l) = op.latency_ns {
            by_kind.entry(op.kind).or_default().push(l);
        }
    }
    by_kind
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_unstable();
            let l = Latency {
                completed: v.len(),
                p50_ms: percentile(&v, 50),
                p99_ms: percentile(&v, 99),
                max_ms: percentile(&v, 100),
            };
            (k.to_string(), l)
        })
        .collect()
}

/// Sums up a sweep's runs (in seed order) and the artifacts written for
/// its failures (one per failing run, in the same order).
pub fn summarize(model: &str, runs: &[RunSummary], artifacts: Vec<String>, wall_s: f64) -> Summary {
    let ops: Vec<OpStat> = runs.iter().flat_map(|r| r.ops.iter().copied()).collect();
    let ok = ops.iter().filter(|o| o.ok).count();
    let mut failures: BTreeMap<String, usize> = BTreeMap::new();
    let failing = runs
        .iter()
        .filter_map(|r| r.failure.as_ref().map(|f| (r.seed, f)));
    let mut failed = Vec::new();
    for ((seed, failure), artifact) in failing.zip(artifacts) {
        *failures.entry(failure.kind.name().to_string()).or_default() += 1;
        let message = failure
            .to_string()
            .lines()
            .next()
            .unwrap_or_default()
            .to_string();
        failed.push(FailedSeed {
            seed,
            kind: failure.kind,
            message,
            artifact,
        });
    }
    Summary {
        model: model.to_string(),
        runs: runs.len(),
        failures,
        ops: ops.len(),
        availability: if ops.is_empty() {
            0.0
        } else {
            ok as f64 / ops.len() as f64
        },
        latency: latencies(&ops),
        seeds_per_s: runs.len() as f64 / wall_s.max(1e-9),
        skipped_faults: runs.iter().map(|r| r.skipped_faults).sum(),
        failed,
    }
}

impl Summary {
    /// The text report; `program` is what the replay commands call.
    pub fn render(&self, program: &str) -> String {
        let mut out = String::new();
        let failures: usize = self.failures.values().sum();
        out.push_str(&format!(
            "{}: {} runs, {} failures",
            self.model, self.runs, failures
        ));
        for (kind, n) in &self.failures {
            out.push_str(&format!(" ({kind}: {n})"));
        }
        out.push_str(&format!(
            "\nops: {}, availability {:.1}%, {:.0} seeds/s\n",
            self.ops,
            100.0 * self.availability,
            self.seeds_per_s
        ));
        if self.skipped_faults > 0 {
            out.push_str(&format!(
                "skipped {} faults the host has no control for (clock, single-link, storage)\n",
                self.skipped_faults
            ));
        }
        for (kind, l) in &self.latency {
            out.push_str(&format!(
                "latency {kind}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} completed)\n",
                l.p50_ms, l.p99_ms, l.max_ms, l.completed
            ));
        }
        for f in &self.failed {
            out.push_str(&format!(
                "seed {}: {}\n  replay: {program} replay {}\n",
                f.seed, f.message, f.artifact
            ));
        }
        out
    }
}
