//! `faultline explore --guided`: a coverage-guided search over fault plans,
//! in the manner of AFL. A corpus keeps every run (a seed and its fault
//! plan) that reached coverage no earlier run had; new candidates are
//! either a fresh seed with the plan its nemesis draws (one in four, and
//! while the corpus is empty) or a mutant of a corpus entry's plan under
//! the entry's seed (see [`sim::mutate`]).
//!
//! Coverage is a set of features read off a run: each coverage probe the
//! model declares with its hit count in a power-of-two bucket (1, 2, 3, 4
//! to 7, ...), and each probe paired with each fault kind present in the
//! run's plan. A run is also kept when it hits some probe more often than
//! any run before (the probe's *champion*), and half the parents are drawn
//! from the champions: more hits of "an older term's entry on a majority,
//! not committed" is a step towards Raft's figure 8, and the search climbs
//! it, as FuzzFactory's waypoints do.
//!
//! Everything is drawn from one stream of the root seed, and runs are made
//! in batches of [`BATCH`] whatever the thread count, each batch from the
//! corpus as it stood, its results taken in order: the same root seed gives
//! the same corpus, the same failures and the same hashes on any machine.

use crate::exit;
use sim::artifact::{self, Artifact};
use sim::marks::Buggify;
use sim::mix::Mix;
use sim::model::{Description, Model, RunRequest, RunSummary};
use sim::rng::SimRng;
use sim::FaultPlan;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Candidates made and run together, whatever the thread count.
pub(crate) const BATCH: usize = 8;

/// What a guided search is asked to do.
pub(crate) struct Search<'a> {
    /// The model.
    pub model: &'a dyn Model,
    /// Its description.
    pub description: Description,
    /// A bug switch, or none.
    pub bug: Option<String>,
    /// The mix fresh seeds draw their plans from.
    pub mix: Mix,
    /// The liveness phase the runs end with.
    pub liveness: sim::core::Liveness,
    /// The root seed.
    pub root: u64,
    /// The most runs.
    pub runs: u64,
    /// Stop at the first failure.
    pub until_failure: bool,
    /// Fault points, when not the seed's own.
    pub buggify: Option<Buggify>,
    /// Worker threads.
    pub jobs: usize,
}

/// One corpus entry, or a candidate.
#[derive(Clone, Debug)]
struct Entry {
    seed: u64,
    /// `None`: the plan the seed's nemesis draws.
    plan: Option<FaultPlan>,
}

/// What the search found.
#[derive(Debug, Default, serde::Serialize)]
pub(crate) struct Found {
    /// Runs made.
    pub runs: u64,
    /// Corpus entries kept.
    pub corpus: usize,
    /// Distinct coverage features reached.
    pub features: usize,
    /// `(runs so far, features so far)` each time coverage grew.
    pub growth: Vec<(u64, usize)>,
    /// Failing runs, in the order found: run number, seed, first line, artifact.
    pub failures: Vec<GuidedFailure>,
}

/// A failing run of the search.
#[derive(Debug, serde::Serialize)]
pub(crate) struct GuidedFailure {
    /// Its number among the search's runs (from 1).
    pub run: u64,
    /// Its seed.
    pub seed: u64,
    /// What failed.
    pub message: String,
    /// Its artifact, with the plan as found.
    pub artifact: String,
}

/// The power-of-two bucket of a hit count.
fn bucket(hits: u64) -> u32 {
    64 - hits.leading_zeros()
}

/// A run's coverage features.
fn features(run: &RunSummary) -> BTreeSet<String> {
    let kinds: BTreeSet<&str> = run
        .plan
        .faults
        .iter()
        .map(|f| f.fault.kind_name())
        .collect();
    let mut out = BTreeSet::new();
    for (probe, hits) in &run.probes {
        out.insert(format!("{probe} x{}", bucket(*hits)));
        for kind in &kinds {
            out.insert(format!("{probe} under {kind}"));
        }
    }
    out
}

impl Search<'_> {
    fn request(&self, e: &Entry) -> RunRequest {
        RunRequest {
            seed: e.seed,
            bug: self.bug.clone(),
            nemesis: self.mix.nemesis_in(self.liveness),
            plan: e.plan.clone(),
            record: false,
            budget: Some(self.description.config.budget),
            buggify: self.buggify.clone(),
            trim: Default::default(),
        }
    }

    /// The next batch of candidates, drawn from `rng` and the corpus.
    fn candidates(
        &self,
        rng: &mut SimRng,
        corpus: &[(Entry, FaultPlan)],
        champions: &[usize],
    ) -> Vec<Entry> {
        let horizon = self.description.config.safety_for;
        (0..BATCH)
            .map(|_| {
                if corpus.is_empty() || rng.chance(1, 2) {
                    return Entry {
                        seed: rng.next_u64(),
                        plan: None,
                    };
                }
                let (parent, plan) = match rng.pick(champions).filter(|_| rng.chance(1, 2)) {
                    Some(&i) => &corpus[i],
                    None => rng.pick(corpus).expect("non-empty"),
                };
                let (_, other) = rng.pick(corpus).expect("non-empty");
                let mutant = sim::mutate::mutate(plan, other, horizon, rng);
                // Half the mutants keep their parent's seed (its workload,
                // its network's draws); half carry the plan to a new seed.
                let seed = match rng.chance(1, 2) {
                    true => parent.seed,
                    false => rng.next_u64(),
                };
                Entry {
                    seed,
                    plan: Some(mutant.map_or_else(|| plan.clone(), |(m, _)| m)),
                }
            })
            .collect()
    }

    /// Runs `batch` on the workers; results in the batch's order.
    fn run_batch(&self, batch: &[Entry]) -> Result<Vec<RunSummary>, String> {
        let requests: Vec<RunRequest> = batch.iter().map(|e| self.request(e)).collect();
        let chunk = requests.len().div_ceil(self.jobs.max(1)).max(1);
        std::thread::scope(|scope| {
            let handles: Vec<_> = requests
                .chunks(chunk)
                .map(|part| {
                    scope.spawn(move || {
                        part.iter()
                            .map(|r| {
                                crate::caught::run_caught(self.model, r).map_err(|e| e.to_string())
                            })
                            .collect::<Result<Vec<_>, _>>()
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(requests.len());
            for h in handles {
                out.extend(h.join().map_err(|_| "a worker panicked".to_string())??);
            }
            Ok(out)
        })
    }

    /// The search; failing runs get artifacts under `dir`.
    pub(crate) fn search(&self, dir: &Path) -> Result<Found, String> {
        let mut rng = SimRng::from_seed_and_label(self.root, "guided");
        let mut corpus: Vec<(Entry, FaultPlan)> = Vec::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        // Per probe: the most hits of any run, and the corpus entry that had them.
        let mut best: BTreeMap<&'static str, (u64, usize)> = BTreeMap::new();
        let mut found = Found::default();
        while found.runs < self.runs {
            let champions: Vec<usize> = best.values().map(|&(_, i)| i).collect();
            let mut batch = self.candidates(&mut rng, &corpus, &champions);
            batch.truncate((self.runs - found.runs) as usize);
            let results = self.run_batch(&batch)?;
            for (entry, run) in batch.into_iter().zip(results) {
                found.runs += 1;
                let new: Vec<String> = features(&run)
                    .into_iter()
                    .filter(|f| !seen.contains(f))
                    .collect();
                let records: Vec<(&'static str, u64)> = run
                    .probes
                    .iter()
                    .copied()
                    .filter(|(p, hits)| best.get(p).is_none_or(|(most, _)| hits > most))
                    .collect();
                let grew = !new.is_empty();
                if grew {
                    seen.extend(new);
                    found.growth.push((found.runs, seen.len()));
                }
                if grew || !records.is_empty() {
                    for (probe, hits) in records {
                        best.insert(probe, (hits, corpus.len()));
                    }
                    corpus.push((entry, run.plan.clone()));
                }
                if run.failure.is_some() {
                    let failure = self.keep(dir, found.runs, &run)?;
                    found.failures.push(failure);
                    if self.until_failure {
                        break;
                    }
                }
            }
            if self.until_failure && !found.failures.is_empty() {
                break;
            }
        }
        found.corpus = corpus.len();
        found.features = seen.len();
        Ok(found)
    }

    /// Writes a failing run's artifact: its seed and the plan as found.
    fn keep(&self, dir: &Path, run_number: u64, run: &RunSummary) -> Result<GuidedFailure, String> {
        let (bug, faults) = (self.bug.as_deref(), self.mix.name());
        let artifact = Artifact::of_run(&self.description, bug, faults, run)
            .expect("a failing run has an artifact");
        let stem = format!(
            "{}-guided-seed-{}",
            artifact::stem_of(&artifact.model),
            run.seed
        );
        let path = artifact.write_new(dir, &stem).map_err(|e| e.to_string())?;
        Ok(GuidedFailure {
            run: run_number,
            seed: run.seed,
            message: crate::summary::first_line(&artifact.failure),
            artifact: path.display().to_string(),
        })
    }
}

/// Prints what a search found; returns the exit code.
pub(crate) fn report(search: &Search<'_>, found: &Found, json: bool) -> i32 {
    if json {
        println!("{}", serde_json::to_string(found).expect("serialises"));
    } else {
        let name = &search.description.name;
        println!(
            "{name} (guided, root seed {}): {} runs, {} failures; corpus {}, {} coverage features",
            search.root,
            found.runs,
            found.failures.len(),
            found.corpus,
            found.features
        );
        let growth: Vec<String> = found
            .growth
            .iter()
            .map(|(r, f)| format!("{f}@{r}"))
            .collect();
        println!("coverage growth (features@runs): {}", growth.join(" "));
        let program = crate::arg::program();
        for f in &found.failures {
            println!("run {} (seed {}): {}", f.run, f.seed, f.message);
            println!("  replay: {program} replay {}", f.artifact);
        }
    }
    if found.failures.is_empty() {
        exit::OK
    } else {
        exit::FAILURE_FOUND
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hit_counts_fall_in_power_of_two_buckets() {
        let buckets: Vec<u32> = [1, 2, 3, 4, 7, 8, 1000]
            .iter()
            .map(|&h| bucket(h))
            .collect();
        assert_eq!(buckets, [1, 2, 2, 3, 3, 4, 10]);
    }
}
