//! `faultline explore MODEL`: sweep seeds, summarise, and leave an artifact
//! and a replay command for every failure.
//!
//! Each seed runs on its own engine, so seeds are spread over `--jobs`
//! threads (all cores by default); results are reported in seed order, so
//! the output does not depend on the thread count.

use crate::catalog::Catalog;
use crate::exit;
use crate::summary::{summarize, Summary};
use sim::artifact::{self, Artifact};
use sim::mix::Mix;
use sim::model::{Description, Model, ModelError, RunRequest, RunSummary};
use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// `faultline explore`.
#[derive(Debug, clap::Args)]
pub struct ExploreArgs {
    /// The model (see `faultline list`).
    pub model: String,
    /// How many seeds.
    #[arg(long, default_value_t = 100)]
    pub seeds: u64,
    /// Run exactly this one seed.
    #[arg(long, value_parser = crate::arg::parse_seed)]
    pub seed: Option<u64>,
    /// The first seed of the sweep.
    #[arg(long, default_value_t = 0, value_parser = crate::arg::parse_seed)]
    pub start: u64,
    /// Turn a bug switch on.
    #[arg(long)]
    pub bug: Option<String>,
    /// The fault mix.
    #[arg(long, default_value = "all", value_parser = crate::arg::mix())]
    pub faults: Mix,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// One sweep.
struct Sweep<'a> {
    model: &'a dyn Model,
    description: Description,
    bug: Option<String>,
    mix: Mix,
    seeds: Range<u64>,
    jobs: usize,
}

impl ExploreArgs {
    /// Runs the sweep and prints its summary.
    pub fn run(self, catalog: &Catalog<'_>) -> i32 {
        let json = self.json;
        let sweep = match self.sweep(catalog) {
            Ok(s) => s,
            Err(e) => return bad(&e),
        };
        let (first, last) = (sweep.seeds.start, sweep.seeds.end - 1);
        eprintln!(
            "faultline explore {}: seeds {first}..={last} ({} runs), faults {}, bug {}, {} jobs",
            sweep.description.name,
            sweep.seeds.end - sweep.seeds.start,
            sweep.mix,
            sweep.bug.as_deref().unwrap_or("none"),
            sweep.jobs
        );
        let summary = match sweep.explore(Path::new(artifact::DIR)) {
            Ok(s) => s,
            Err(e) => return bad(&e),
        };
        if json {
            let text = serde_json::to_string(&summary).expect("a summary serialises");
            println!("{text}");
        } else {
            print!("{}", summary.render(&crate::arg::program()));
        }
        if summary.failed.is_empty() {
            exit::OK
        } else {
            exit::FAILURE_FOUND
        }
    }

    /// The sweep the arguments ask for, or what is wrong with them.
    fn sweep<'a>(&self, catalog: &Catalog<'a>) -> Result<Sweep<'a>, String> {
        let model = catalog.get(&self.model).map_err(|e| e.to_string())?;
        let description = model.describe();
        description
            .check_bug(self.bug.as_deref())
            .map_err(|e| e.to_string())?;
        let seeds = match self.seed {
            Some(s) => {
                s..s.checked_add(1)
                    .ok_or("--seed is the largest seed; no sweep can end after it")?
            }
            None if self.seeds == 0 => return Err("--seeds must be at least 1".into()),
            None => {
                let end = self.start.checked_add(self.seeds).ok_or_else(|| {
                    format!(
                        "--start {} plus --seeds {} overflows",
                        self.start, self.seeds
                    )
                })?;
                self.start..end
            }
        };
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let jobs = self.jobs.unwrap_or(cores);
        if jobs == 0 {
            return Err("--jobs must be at least 1".into());
        }
        Ok(Sweep {
            model,
            description,
            bug: self.bug.clone(),
            mix: self.faults,
            seeds,
            jobs,
        })
    }
}

fn bad(e: &dyn std::fmt::Display) -> i32 {
    eprintln!("faultline explore: {e}");
    exit::BAD_INPUT
}

impl Sweep<'_> {
    fn request(&self, seed: u64) -> RunRequest {
        RunRequest {
            seed,
            bug: self.bug.clone(),
            nemesis: self.mix.nemesis(),
            plan: None,
            record: false,
        }
    }

    /// Runs every seed on `jobs` threads; results in seed order. A progress
    /// bar is drawn only when stderr is a terminal.
    fn run_all(&self) -> Result<Vec<RunSummary>, ModelError> {
        let count = (self.seeds.end - self.seeds.start) as usize;
        let progress = indicatif::ProgressBar::new(count as u64);
        progress.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} seeds, {per_sec}, eta {eta}",
            )
            .expect("a valid template"),
        );
        let next = AtomicUsize::new(0);
        let results: Mutex<Vec<Option<Result<RunSummary, ModelError>>>> =
            Mutex::new((0..count).map(|_| None).collect());
        std::thread::scope(|scope| {
            for _ in 0..self.jobs.clamp(1, count.max(1)) {
                scope.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= count {
                        break;
                    }
                    let run = self.model.run(&self.request(self.seeds.start + i as u64));
                    results.lock().expect("no worker panicked")[i] = Some(run);
                    progress.inc(1);
                });
            }
        });
        let results = results.into_inner().expect("no worker panicked");
        results
            .into_iter()
            .map(|r| r.expect("every seed ran"))
            .collect()
    }

    /// Explores, writes an artifact per failure under `dir`, and sums up.
    fn explore(&self, dir: &Path) -> Result<Summary, String> {
        let started = Instant::now();
        let runs = self.run_all().map_err(|e| e.to_string())?;
        let wall_s = started.elapsed().as_secs_f64();
        let mut artifacts = Vec::new();
        for run in &runs {
            let Some(failure) = &run.failure else {
                continue;
            };
            let artifact = Artifact {
                faultline_version: env!("CARGO_PKG_VERSION").to_string(),
                model: self.description.name.clone(),
                test: None,
                bug: self.bug.clone(),
                config: self.description.config.clone(),
                faults: self.mix.name().to_string(),
                seed: run.seed,
                plan: run.plan.clone(),
                trace_hash: sim::trace::hash_hex(run.trace_hash),
                failure: failure.clone(),
            };
            let stem = format!("{}-seed-{}", artifact::stem_of(&artifact.model), run.seed);
            let path = artifact.write_new(dir, &stem).map_err(|e| e.to_string())?;
            artifacts.push(path.display().to_string());
        }
        Ok(summarize(&self.description.name, &runs, artifacts, wall_s))
    }
}
