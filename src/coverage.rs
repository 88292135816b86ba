//! What a sweep reached: per coverage probe (see `sim::marks`), the seeds
//! whose run reached it, and the probes the model declares that no seed
//! reached. A passing sweep that never reached what its model declares
//! proves little, so `explore` warns of those.

use serde::Serialize;
use sim::model::RunSummary;
use sim::SimDuration;
use std::collections::BTreeMap;

/// The sweep's coverage so far.
#[derive(Clone, Debug, Default)]
pub(crate) struct Coverage {
    /// The probes the model declares, in its order.
    declared: Vec<String>,
    /// Per probe reached (declared or not): the seeds that reached it.
    seeds: BTreeMap<String, u64>,
    /// Per hot monitor: its longest stretches (see [`CoverageSummary::hot`]).
    hot: BTreeMap<String, [u64; 2]>,
}

/// Coverage as the summary reports it; the field names are the `--json`
/// contract.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub(crate) struct CoverageSummary {
    /// Per probe reached: how many seeds reached it.
    pub probes: BTreeMap<String, u64>,
    /// The declared probes no seed reached, in the model's order.
    pub never_reached: Vec<String>,
    /// Per hot monitor: the longest stretch any seed kept it hot, in the
    /// safety phase and after the heal, in nanoseconds.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hot: BTreeMap<String, [u64; 2]>,
}

impl Coverage {
    /// Coverage of a model that declares `declared`.
    pub(crate) fn new(declared: Vec<String>) -> Coverage {
        Coverage {
            declared,
            seeds: BTreeMap::new(),
            hot: BTreeMap::new(),
        }
    }

    /// Counts the probes one run reached, and its hot stretches.
    pub(crate) fn add_run(&mut self, run: &RunSummary) {
        for h in &run.hot {
            longest(&mut self.hot, h.name, [h.safety_ns, h.liveness_ns]);
        }
        for (name, _) in &run.probes {
            match self.seeds.get_mut(*name) {
                Some(n) => *n += 1,
                None => {
                    self.seeds.insert(name.to_string(), 1);
                }
            }
        }
    }

    /// True once every declared probe was reached (and the model declares some).
    pub(crate) fn complete(&self) -> bool {
        !self.declared.is_empty() && self.never_reached().is_empty()
    }

    /// The declared probes no run reached yet.
    pub(crate) fn never_reached(&self) -> Vec<String> {
        let missing = self
            .declared
            .iter()
            .filter(|p| !self.seeds.contains_key(*p));
        missing.cloned().collect()
    }

    /// The summary's view.
    pub(crate) fn summary(&self) -> CoverageSummary {
        CoverageSummary {
            probes: self.seeds.clone(),
            never_reached: self.never_reached(),
            hot: self.hot.clone(),
        }
    }
}

impl CoverageSummary {
    /// Adds another shard's coverage of the same sweep: seeds summed; a
    /// declared probe is never reached only if no shard reached it.
    pub(crate) fn merge(&mut self, shard: &CoverageSummary, first: bool) {
        for (name, n) in &shard.probes {
            *self.probes.entry(name.clone()).or_default() += n;
        }
        for (name, stretch) in &shard.hot {
            longest(&mut self.hot, name, *stretch);
        }
        if first {
            self.never_reached = shard.never_reached.clone();
        } else {
            self.never_reached
                .retain(|p| shard.never_reached.contains(p));
        }
    }

    /// "coverage: 5 probes reached (…)" and a warning line for the
    /// declared probes no seed reached; nothing when there are no probes.
    pub(crate) fn render(&self, runs: u64) -> String {
        let mut out = String::new();
        if !self.probes.is_empty() {
            let parts: Vec<String> = self
                .probes
                .iter()
                .map(|(name, n)| format!("{name} {n}"))
                .collect();
            out.push_str(&format!(
                "coverage (seeds of {runs} that reached each probe): {}\n",
                parts.join(", ")
            ));
        }
        if !self.hot.is_empty() {
            let parts: Vec<String> = (self.hot.iter())
                .map(|(name, [safety, live])| {
                    let (safety, live) = (SimDuration(*safety), SimDuration(*live));
                    format!("{name} {safety} / {live}")
                })
                .collect();
            out.push_str(&format!(
                "hot monitors (longest stretch hot in any seed, safety phase / after the heal): {}\n",
                parts.join(", ")
            ));
        }
        if !self.never_reached.is_empty() {
            out.push_str(&format!(
                "warning: no seed reached {}: this sweep did not exercise {}\n",
                self.never_reached.len(),
                self.never_reached.join(", ")
            ));
        }
        out
    }
}

/// Keeps, per phase, the longer of `name`'s stretch so far and `stretch`.
fn longest(hot: &mut BTreeMap<String, [u64; 2]>, name: &str, stretch: [u64; 2]) {
    let kept = hot.entry(name.to_string()).or_default();
    for (k, s) in kept.iter_mut().zip(stretch) {
        *k = (*k).max(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(probes: Vec<(&'static str, u64)>) -> RunSummary {
        RunSummary {
            seed: 0,
            plan: sim::FaultPlan::new(),
            trace_hash: 0,
            failure: None,
            ops: Vec::new(),
            trace: None,
            history: None,
            timings: Vec::new(),
            skipped_faults: 0,
            busiest_second: 0,
            buggified: Vec::new(),
            probes,
            hot: Vec::new(),
            detail: None,
        }
    }

    #[test]
    fn counts_seeds_per_probe_and_names_the_declared_ones_never_reached() {
        let mut c = Coverage::new(vec!["a".into(), "b".into()]);
        c.add_run(&run(vec![("a", 5), ("z", 1)]));
        c.add_run(&run(vec![("a", 1)]));
        assert!(!c.complete());
        let s = c.summary();
        assert_eq!(s.probes.get("a"), Some(&2));
        assert_eq!(s.never_reached, vec!["b".to_string()]);
        assert!(
            s.render(2).contains("warning: no seed reached 1"),
            "{}",
            s.render(2)
        );
        c.add_run(&run(vec![("b", 1)]));
        assert!(c.complete());
    }
}
