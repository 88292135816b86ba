//! `explore --out DIR`: a sweep's results as JSON lines, one per seed (in
//! seed order) and then a summary line, so shards of a sweep run anywhere
//! can be merged (see [`crate::merge`]).
//!
//! ```text
//! {"type":"seed","seed":7,"trace_hash":"9c1f…","ops":312,"ok":309,"failure":null,"artifact":null}
//! {"type":"summary","model":"raft-kv","bug":null,"faults":"all","shard":{"index":2,"count":4},"first":0,"count":10000,"runs":2500,…}
//! ```
//!
//! A results file is never overwritten: a taken name gets `-2`, `-3`…

use crate::histogram::Histogram;
use crate::shard::Shard;
use serde::{Deserialize, Serialize};
use sim::core::Liveness;
use sim::scenario::FailureKind;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A failure, as a results line records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FailureLine {
    /// Its kind.
    pub kind: FailureKind,
    /// Its first line.
    pub message: String,
}

/// One seed's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SeedLine {
    /// The seed.
    pub seed: u64,
    /// The trace hash, as artifacts write it.
    pub trace_hash: String,
    /// Client operations.
    pub ops: u64,
    /// Of which completed ok.
    pub ok: u64,
    /// The failure, if it failed.
    pub failure: Option<FailureLine>,
    /// The artifact written for it, if any.
    pub artifact: Option<String>,
}

/// What a shard ran, written last.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ShardSummary {
    /// The faultline that ran it.
    pub faultline_version: String,
    /// The model.
    pub model: String,
    /// The bug switch, if on.
    pub bug: Option<String>,
    /// The fault mix.
    pub faults: String,
    /// The liveness mode (absent in older files: `heal-all`).
    #[serde(default, skip_serializing_if = "Liveness::is_heal_all")]
    pub liveness: Liveness,
    /// This shard.
    pub shard: Shard,
    /// The whole sweep's first seed.
    pub first: u64,
    /// The whole sweep's seed count.
    pub count: u64,
    /// Runs this shard made.
    pub runs: u64,
    /// Faults the host skipped.
    pub skipped_faults: u64,
    /// Latency histograms per operation kind, in virtual nanoseconds.
    pub latency: BTreeMap<String, Histogram>,
    /// Completed operations by who served them (models that say).
    #[serde(default)]
    pub served_by: BTreeMap<String, u64>,
    /// Operations and completions per kind.
    #[serde(default)]
    pub by_kind: BTreeMap<String, crate::summary::KindCount>,
    /// The coverage probes the shard reached (absent in older files).
    #[serde(default)]
    pub coverage: crate::coverage::CoverageSummary,
    /// Wall seconds the shard took.
    pub wall_s: f64,
    /// A signal stopped the shard: it holds the first `runs` seeds of its
    /// slice, not all of them.
    #[serde(default)]
    pub partial: bool,
    /// Fault points could fire (false under `--no-buggify`).
    #[serde(default = "yes")]
    pub buggify: bool,
    /// A hash of the model's description (its cluster, budgets, run
    /// length, checks and switches): shards of a model changed between
    /// them do not merge. Empty in files written before it was recorded.
    #[serde(default)]
    pub description_hash: String,
}

fn yes() -> bool {
    true
}

impl ShardSummary {
    /// The first setting in which two shards' sweeps differ, by name: a
    /// merge of the two would sum runs of different sweeps.
    pub(crate) fn differs_from(&self, other: &ShardSummary) -> Option<&'static str> {
        let fields: [(&'static str, bool); 10] = [
            ("model", self.model == other.model),
            ("bug switch", self.bug == other.bug),
            ("fault mix", self.faults == other.faults),
            ("liveness mode", self.liveness == other.liveness),
            ("first seed", self.first == other.first),
            ("seed count", self.count == other.count),
            ("shard count", self.shard.count == other.shard.count),
            ("fault points (--no-buggify)", self.buggify == other.buggify),
            (
                "faultline version",
                self.faultline_version == other.faultline_version,
            ),
            (
                "model description",
                self.description_hash == other.description_hash,
            ),
        ];
        fields.iter().find(|(_, same)| !same).map(|(name, _)| *name)
    }
}

/// The hash [`ShardSummary::description_hash`] records.
pub(crate) fn description_hash(description: &sim::model::Description) -> String {
    use std::hash::{Hash, Hasher};
    let text = serde_json::to_string(description).expect("a description serialises");
    let mut h = std::hash::DefaultHasher::new();
    text.hash(&mut h);
    format!("{:016x}", h.finish())
}

/// One line of a results file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub(crate) enum ResultLine {
    /// A seed.
    Seed(SeedLine),
    /// The shard's summary (the last line).
    Summary(Box<ShardSummary>),
}

/// Writes a results file line by line.
pub(crate) struct ResultsWriter {
    out: BufWriter<std::fs::File>,
    path: PathBuf,
}

impl ResultsWriter {
    /// A new file in `dir` for `model`'s `shard`.
    pub(crate) fn create(dir: &Path, model: &str, shard: Shard) -> Result<ResultsWriter, String> {
        let stem = format!(
            "{}-shard-{}-of-{}",
            sim::artifact::stem_of(model),
            shard.index,
            shard.count
        );
        let (file, path) = sim::files::create_new_numbered(dir, &stem, "jsonl")
            .map_err(|(p, e)| format!("cannot create {}: {e}", p.display()))?;
        Ok(ResultsWriter {
            out: BufWriter::new(file),
            path,
        })
    }

    /// Appends a line.
    pub(crate) fn write(&mut self, line: &ResultLine) -> Result<(), String> {
        let text = serde_json::to_string(line).expect("a results line serialises");
        writeln!(self.out, "{text}")
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))
    }

    /// Flushes the file.
    pub(crate) fn finish(mut self) -> Result<PathBuf, String> {
        self.out
            .flush()
            .map_err(|e| format!("cannot write {}: {e}", self.path.display()))?;
        Ok(self.path)
    }
}
