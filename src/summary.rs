//! The summary of a sweep, tallied as runs come in, in bounded memory:
//! runs, failures by kind, operations, availability, latency percentiles per
//! operation kind (in virtual time, from histograms), and the failing seeds
//! with their artifacts. Its field names are the `explore --json` contract.

use crate::coverage::CoverageSummary;
use crate::histogram::Histogram;
use serde::Serialize;
use sim::model::RunSummary;
use sim::scenario::{Failure, FailureKind};
use std::collections::BTreeMap;

/// Latency percentiles of one operation kind, in virtual milliseconds
/// (within 0.8%: see [`crate::histogram`]; the maximum is exact).
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Latency {
    /// Operations of this kind that completed (ok or fail).
    pub completed: u64,
    /// Median.
    pub p50_ms: f64,
    /// 99th percentile.
    pub p99_ms: f64,
    /// Slowest.
    pub max_ms: f64,
}

/// The sweep's summary; the field names are the `--json` contract.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Summary {
    /// The model.
    pub model: String,
    /// Runs made.
    pub runs: u64,
    /// Failures by kind.
    pub failures: BTreeMap<String, u64>,
    /// Client operations.
    pub ops: u64,
    /// Operations that completed ok, over all operations.
    pub availability: f64,
    /// Latency per operation kind.
    pub latency: BTreeMap<String, Latency>,
    /// Completed operations by who served them, for models that say (read
    /// replicas: "replica" and "primary"); empty otherwise.
    pub served_by: BTreeMap<String, u64>,
    /// Per operation kind: operations, and those that completed ok (the
    /// gateway's honest clients apart from its adversaries, say).
    pub by_kind: BTreeMap<String, KindCount>,
    /// Seeds per wall second.
    pub seeds_per_s: f64,
    /// Faults the host had no control for and skipped (madsim models only:
    /// clock, single-link and storage faults).
    pub skipped_faults: u64,
    /// The failures with an artifact, in seed order: seed, message, artifact.
    pub failed: Vec<FailedSeed>,
    /// Failures past the artifact limit (`--max-artifacts`): counted, not kept.
    pub failed_without_artifact: u64,
    /// The coverage probes the sweep reached, and the declared ones it did not.
    pub coverage: CoverageSummary,
    /// A signal stopped the sweep before its last seed: the figures are
    /// those of the `runs` seeds that ran, from the first.
    pub interrupted: bool,
}

/// One operation kind's count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct KindCount {
    /// Operations of the kind.
    pub ops: u64,
    /// Those that completed ok.
    pub ok: u64,
}

/// A failing seed.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct FailedSeed {
    /// The seed.
    pub seed: u64,
    /// The failure's kind.
    pub kind: FailureKind,
    /// Its first line.
    pub message: String,
    /// The artifact written.
    pub artifact: String,
}

/// A failure's first line, as summaries show it.
pub(crate) fn first_line(failure: &Failure) -> String {
    let text = failure.to_string();
    let line = text.lines().next().unwrap_or_default();
    match line.len() > MAX_FIRST_LINE {
        true => {
            let cut = (0..=MAX_FIRST_LINE)
                .rev()
                .find(|&i| line.is_char_boundary(i));
            format!("{}…", &line[..cut.unwrap_or(0)])
        }
        false => line.to_string(),
    }
}

/// The longest first line of a failure a summary or a results file keeps,
/// in bytes: a model's message may be one line of any length.
const MAX_FIRST_LINE: usize = 4096;

/// A sweep's figures so far.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    runs: u64,
    ops: u64,
    ok: u64,
    latency: BTreeMap<String, Histogram>,
    served: BTreeMap<String, u64>,
    by_kind: BTreeMap<String, KindCount>,
    failures: BTreeMap<String, u64>,
    skipped_faults: u64,
    failed: Vec<FailedSeed>,
    failed_without_artifact: u64,
    coverage: CoverageSummary,
}

impl Tally {
    /// Adds a shard's coverage (`first`: the first shard merged).
    pub(crate) fn add_coverage(&mut self, shard: &CoverageSummary, first: bool) {
        self.coverage.merge(shard, first);
    }

    /// Counts a run's operations (in any order: the figures do not depend on it).
    pub(crate) fn add_run(&mut self, run: &RunSummary) {
        self.runs += 1;
        self.skipped_faults += run.skipped_faults as u64;
        for op in &run.ops {
            self.ops += 1;
            self.ok += u64::from(op.ok);
            if let Some(by) = op.served_by {
                *self.served.entry(by.to_string()).or_default() += 1;
            }
            let kind = match self.by_kind.get_mut(op.kind) {
                Some(k) => k,
                None => self.by_kind.entry(op.kind.to_string()).or_default(),
            };
            kind.ops += 1;
            kind.ok += u64::from(op.ok);
            if let Some(l) = op.latency_ns {
                self.record_latency(op.kind, l);
            }
        }
        for &(kind, ns) in &run.timings {
            self.record_latency(kind, ns);
        }
    }

    fn record_latency(&mut self, kind: &str, ns: u64) {
        match self.latency.get_mut(kind) {
            Some(h) => h.record(ns),
            None => {
                let mut h = Histogram::default();
                h.record(ns);
                self.latency.insert(kind.to_string(), h);
            }
        }
    }

    /// Counts a run known only by its figures (a merged shard's seed line).
    pub(crate) fn add_counts(&mut self, ops: u64, ok: u64) {
        self.runs += 1;
        self.ops += ops;
        self.ok += ok;
    }

    /// Adds a shard's latency histograms, who served its operations, and
    /// its skipped faults.
    pub(crate) fn add_shard(
        &mut self,
        latency: &BTreeMap<String, Histogram>,
        served: &BTreeMap<String, u64>,
        by_kind: &BTreeMap<String, KindCount>,
        skipped_faults: u64,
    ) {
        for (kind, c) in by_kind {
            let k = self.by_kind.entry(kind.clone()).or_default();
            k.ops += c.ops;
            k.ok += c.ok;
        }
        for (kind, h) in latency {
            self.latency.entry(kind.clone()).or_default().merge(h);
        }
        for (by, n) in served {
            *self.served.entry(by.clone()).or_default() += n;
        }
        self.skipped_faults += skipped_faults;
    }

    /// The latency histograms so far.
    pub(crate) fn latency(&self) -> &BTreeMap<String, Histogram> {
        &self.latency
    }

    /// Operations and completions per kind, so far.
    pub(crate) fn by_kind(&self) -> &BTreeMap<String, KindCount> {
        &self.by_kind
    }

    /// Completed operations by who served them, so far.
    pub(crate) fn served(&self) -> &BTreeMap<String, u64> {
        &self.served
    }

    /// Runs so far.
    pub(crate) fn runs(&self) -> u64 {
        self.runs
    }

    /// Faults skipped so far.
    pub(crate) fn skipped_faults(&self) -> u64 {
        self.skipped_faults
    }

    /// Counts a failure (in seed order), with its artifact if one was written.
    pub(crate) fn add_failure(&mut self, seed: u64, failure: &Failure, artifact: Option<String>) {
        self.add_failure_line(seed, failure.kind, first_line(failure), artifact);
    }

    /// Counts a failure known by its kind and first line (a merged shard's).
    pub(crate) fn add_failure_line(
        &mut self,
        seed: u64,
        kind: FailureKind,
        message: String,
        artifact: Option<String>,
    ) {
        *self.failures.entry(kind.name().to_string()).or_default() += 1;
        let Some(artifact) = artifact else {
            self.failed_without_artifact += 1;
            return;
        };
        self.failed.push(FailedSeed {
            seed,
            kind,
            message,
            artifact,
        });
    }

    /// Failures of `kind` with an artifact so far.
    pub(crate) fn artifacts_of(&self, kind: FailureKind) -> usize {
        self.failed.iter().filter(|f| f.kind == kind).count()
    }

    /// The summary, for a sweep that took `wall_s` seconds.
    pub(crate) fn summary(self, model: &str, wall_s: f64) -> Summary {
        let ms = |ns: u64| ns as f64 / 1e6;
        let latency = self
            .latency
            .iter()
            .map(|(kind, h)| {
                let l = Latency {
                    completed: h.len(),
                    p50_ms: ms(h.percentile(50)),
                    p99_ms: ms(h.percentile(99)),
                    max_ms: ms(h.max()),
                };
                (kind.to_string(), l)
            })
            .collect();
        let availability = if self.ops == 0 {
            0.0
        } else {
            self.ok as f64 / self.ops as f64
        };
        Summary {
            model: model.to_string(),
            runs: self.runs,
            failures: self.failures,
            ops: self.ops,
            availability,
            latency,
            served_by: self.served,
            by_kind: self.by_kind,
            seeds_per_s: self.runs as f64 / wall_s.max(1e-9),
            skipped_faults: self.skipped_faults,
            failed: self.failed,
            failed_without_artifact: self.failed_without_artifact,
            coverage: self.coverage,
            interrupted: false,
        }
    }
}

impl Summary {
    /// "served by: replica 81.2% (12,345), primary 18.8% (2,857)", when the
    /// model says who served its operations.
    fn render_served(&self) -> String {
        let total: u64 = self.served_by.values().sum();
        if total == 0 {
            return String::new();
        }
        let mut by_count: Vec<(&String, &u64)> = self.served_by.iter().collect();
        by_count.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let parts: Vec<String> = by_count
            .into_iter()
            .map(|(by, n)| format!("{by} {:.1}% ({n})", 100.0 * *n as f64 / total as f64))
            .collect();
        format!("served by: {}\n", parts.join(", "))
    }

    /// "availability by kind: flooder 4.1% (…), honest 97.2% (…)", when
    /// there is more than one kind.
    fn render_by_kind(&self) -> String {
        if self.by_kind.len() < 2 {
            return String::new();
        }
        let parts: Vec<String> = self
            .by_kind
            .iter()
            .map(|(kind, c)| {
                let share = 100.0 * c.ok as f64 / c.ops.max(1) as f64;
                format!("{kind} {share:.1}% of {}", c.ops)
            })
            .collect();
        format!("availability by kind: {}\n", parts.join(", "))
    }

    /// The text report; `program` is what the replay commands call.
    pub(crate) fn render(&self, program: &str) -> String {
        let mut out = String::new();
        let failures: u64 = self.failures.values().sum();
        let interrupted = if self.interrupted {
            ", interrupted"
        } else {
            ""
        };
        out.push_str(&format!(
            "{}: {} runs{interrupted}, {} failures",
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
        out.push_str(&self.render_served());
        out.push_str(&self.render_by_kind());
        out.push_str(&self.coverage.render(self.runs));
        for f in &self.failed {
            out.push_str(&format!(
                "seed {}: {}\n  replay: {program} replay {}\n",
                f.seed, f.message, f.artifact
            ));
        }
        if self.failed_without_artifact > 0 {
            out.push_str(&format!(
                "and {} more failures, past --max-artifacts of their kind: counted above, no artifact\n",
                self.failed_without_artifact
            ));
        }
        out
    }
}
