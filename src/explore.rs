//! `faultline explore MODEL`: sweep seeds, summarise, and leave an artifact
//! and a replay command for every failure.
//!
//! Each seed runs on its own engine, so seeds are spread over `--jobs`
//! threads (all cores by default). Runs are tallied as they finish, in
//! bounded memory (latencies go into histograms), and failures are taken in
//! seed order, so the output does not depend on the thread count. A model
//! that panics is a failure of kind `panic`, not a crash of the sweep.

use crate::catalog::Catalog;
use crate::coverage::Coverage;
use crate::exit;
use crate::report::sweep::SweepReport;
use crate::results::{FailureLine, ResultLine, ResultsWriter, SeedLine, ShardSummary};
use crate::shard::Shard;
use crate::summary::{Summary, Tally};
use sim::artifact::{self, Artifact};
use sim::core::Liveness;
use sim::marks::Buggify;
use sim::mix::Mix;
use sim::model::{Description, Model, ModelError, RunRequest, RunSummary};
use sim::scenario::Failure;
use sim::seed::{SEEDS_VAR, SEED_VAR};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};

/// The most failures `explore --report` writes a run report for (the
/// lowest seeds'); the sweep's report lists the others.
pub const MAX_RUN_REPORTS: usize = 20;

/// Seeds a sweep runs when neither `--seeds` nor `FAULTLINE_SEEDS` says.
pub(crate) const DEFAULT_SEEDS: u64 = 100;

/// `faultline explore`.
#[derive(Debug, clap::Args)]
pub struct ExploreArgs {
    /// The model (see `faultline list`).
    pub model: String,
    /// How many seeds [default: $FAULTLINE_SEEDS, else 100].
    #[arg(long)]
    pub seeds: Option<u64>,
    /// Run exactly this one seed [default: $FAULTLINE_SEED, if set].
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
    /// What the liveness phase after the safety phase heals: every fault,
    /// or only a core (a quorum, chosen per seed, with working links both
    /// ways), keeping a fault on each other node (a one-way cut, an
    /// isolation, a pause, a crash or a slow link) while the core must make
    /// progress. For models that declare their cores (`faultline list`).
    #[arg(long, default_value = "heal-all", value_parser = crate::arg::liveness())]
    pub liveness: Liveness,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
    /// Where to write artifacts [default: $FAULTLINE_ARTIFACTS, else
    /// faultline/ in the cargo target directory this binary was built in,
    /// where `cargo test` sweeps write theirs too].
    #[arg(long)]
    pub artifacts: Option<PathBuf>,
    /// Write artifacts for at most this many failures of each failure kind
    /// (invariant, linearizability, liveness, runaway, panic, …; the lowest
    /// seeds); the rest are counted.
    #[arg(long, default_value_t = 20)]
    pub max_artifacts: usize,
    /// Run the K-th of N slices of the seeds (K from 1) [default: from
    /// FAULTLINE_SHARD, FAULTLINE_SHARD_INDEX and FAULTLINE_SHARD_COUNT, or
    /// a Kubernetes Indexed Job's JOB_COMPLETION_INDEX, or a Slurm job
    /// array's SLURM_ARRAY_TASK_ID].
    #[arg(long, value_parser = crate::shard::parse)]
    pub shard: Option<Shard>,
    /// Write a result per seed and the shard's summary to a JSON-lines file
    /// in this directory, for `faultline merge`.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The regression file: its kept failures of this model and bug switch
    /// are re-run first, and new failures are kept in it [default:
    /// $FAULTLINE_REGRESSIONS, else faultline-regressions.json here].
    #[arg(long)]
    pub regressions: Option<PathBuf>,
    /// Neither re-run nor keep failures in the regression file.
    #[arg(long, conflicts_with = "regressions")]
    pub no_regressions: bool,
    /// Keep the models' fault points (BUGGIFY) off: the code runs as
    /// written. By default each site is enabled on about a quarter of the
    /// seeds.
    #[arg(long)]
    pub no_buggify: bool,
    /// Stop at the first seed (in seed order) by which every coverage
    /// probe the model declares has been reached, or when `--seeds` runs
    /// out.
    #[arg(long, conflicts_with = "seed")]
    pub until_covered: bool,
    /// Stop at the first failing seed (in seed order, so on any thread
    /// count): how far a bug is from a starting seed.
    #[arg(long)]
    pub until_failure: bool,
    /// Write an HTML report of the sweep here (latency and response time
    /// per operation kind over virtual time, availability per second, the
    /// failures, the coverage probes), and a run report beside each of the
    /// first 20 artifacts (its name with `.html`).
    #[arg(long, value_name = "OUT.html")]
    pub report: Option<PathBuf>,
    /// Search with coverage guidance instead of sweeping seeds: mutate the
    /// fault plans of runs that reached new coverage (see
    /// `faultline::guided`). `--seed` is the root seed, `--seeds` the most
    /// runs; reproducible from the root seed on any thread count.
    #[arg(long, conflicts_with_all = ["shard", "out", "report", "until_covered"])]
    pub guided: bool,
    /// A run that sends more than this many times the model's baseline of
    /// messages in one second of virtual time fails as `storm`, at once.
    /// The baseline is the busiest second of the model's correct form on
    /// its first 16 seeds, measured before the sweep. 0: no limit (the
    /// event budget still ends a runaway run).
    #[arg(long, default_value_t = sim::model::storm::DEFAULT_FACTOR, value_name = "N")]
    pub storm_factor: u64,
    /// The exhaustive search's flags.
    #[command(flatten)]
    pub search: crate::exhaustive::ExhaustiveArgs,
}

/// One sweep.
struct Sweep<'a> {
    model: &'a dyn Model,
    description: Description,
    bug: Option<String>,
    mix: Mix,
    liveness: Liveness,
    /// The slice this process runs.
    first: u64,
    count: u64,
    /// The whole sweep, and this process's shard of it.
    whole: (u64, u64),
    shard: Shard,
    jobs: usize,
    max_artifacts: usize,
    buggify: Option<Buggify>,
    until_covered: bool,
    until_failure: bool,
    /// Where the sweep's HTML report goes, if anywhere.
    report: Option<PathBuf>,
}

impl ExploreArgs {
    /// Runs the sweep and prints its summary.
    pub fn run(self, catalog: &Catalog<'_>) -> i32 {
        crate::caught::quiet_panics_in_runs();
        if self.guided {
            return self.run_guided(catalog);
        }
        if self.search.exhaustive {
            return self.run_exhaustive(catalog);
        }
        crate::interrupt::catch();
        let sweep = match self.sweep(catalog) {
            Ok(s) => s,
            Err(e) => return bad(&e),
        };
        // A shard of a sweep leaves the regression file to whoever merges,
        // unless it is named explicitly.
        let sharded = sweep.shard != Shard::WHOLE && self.regressions.is_none();
        let regressions = self.regression_file().filter(|_| !sharded);
        if let Some(e) =
            crate::regressions::one_file_twice(self.report.as_deref(), regressions.as_deref())
        {
            return bad(&e);
        }
        let rerun = match &regressions {
            Some(path) => {
                let budget = sweep.description.config.budget;
                match crate::regressions::rerun(path, sweep.model, sweep.bug.as_deref(), budget) {
                    Ok(r) => r,
                    Err(e) => return bad(&e),
                }
            }
            None => crate::regressions::Rerun::default(),
        };
        announce(&sweep);
        let summary = match sweep.explore(&self.artifact_dir(), self.out.as_deref()) {
            Ok(s) => s,
            Err(e) => return bad(&e),
        };
        match &regressions {
            Some(path) => {
                let switch = (sweep.bug.as_deref(), sweep.mix);
                let budget = sweep.description.config.budget;
                crate::regressions::keep_found(path, sweep.model, switch, budget, &summary.failed);
            }
            None if !self.no_regressions && !sharded && !summary.failed.is_empty() => eprintln!(
                "{me} explore: no regression file kept outside a project (no Cargo.toml or \
                 .git here); keep failures with --regressions FILE or {}",
                sim::regression::VAR,
                me = crate::arg::program()
            ),
            None => {}
        }
        if self.json {
            let text = serde_json::to_string(&summary).expect("a summary serialises");
            println!("{text}");
        } else {
            print!("{}", summary.render(&crate::arg::program()));
        }
        if summary.interrupted {
            eprintln!(
                "{me} explore: interrupted after {} of {} seeds; the summary covers those",
                summary.runs,
                sweep.count,
                me = crate::arg::program()
            );
            crate::interrupt::EXIT
        } else if summary.failures.is_empty() && rerun.still_failing == 0 {
            exit::OK
        } else {
            exit::FAILURE_FOUND
        }
    }

    /// `explore --guided`.
    fn run_guided(&self, catalog: &Catalog<'_>) -> i32 {
        let sweep = match self.sweep(catalog) {
            Ok(s) => s,
            Err(e) => return bad(&e),
        };
        let search = crate::guided::Search {
            model: sweep.model,
            description: sweep.description.clone(),
            bug: sweep.bug.clone(),
            mix: sweep.mix,
            liveness: sweep.liveness,
            root: self.seed.unwrap_or(self.start),
            runs: self.seeds.unwrap_or(DEFAULT_SEEDS),
            until_failure: self.until_failure,
            buggify: sweep.buggify.clone(),
            jobs: sweep.jobs,
        };
        eprintln!(
            "{me} explore {} --guided: root seed {}, up to {} runs, faults {}{}, bug {}",
            search.description.name,
            search.root,
            search.runs,
            search.mix,
            liveness_note(search.liveness),
            search.bug.as_deref().unwrap_or("none"),
            me = crate::arg::program()
        );
        if search.description.checks.probes.is_empty() {
            eprintln!(
                "{me} explore --guided: {} declares no coverage probes, so nothing guides this \
                 search: it keeps no run for new coverage, and mutates plans at random \
                 (a model declares probes with `Scenario::probe` or `Scenario::sometimes`)",
                search.description.name,
                me = crate::arg::program()
            );
        }
        match search.search(&self.artifact_dir()) {
            Ok(found) => crate::guided::report(&search, &found, self.json),
            Err(e) => bad(&e),
        }
    }

    /// The regression file to use, if any.
    /// `explore --exhaustive`: the search, told what the rest of the
    /// command line says.
    fn run_exhaustive(&self, catalog: &Catalog<'_>) -> i32 {
        let asked = crate::exhaustive::Asked {
            model: &self.model,
            bug: self.bug.as_deref(),
            seed: self.seed,
            json: self.json,
            artifacts: self.artifact_dir(),
            regressions: self.regression_file(),
        };
        crate::exhaustive::run(&self.search, &asked, catalog)
    }

    fn regression_file(&self) -> Option<PathBuf> {
        if self.no_regressions {
            return None;
        }
        self.regressions.clone().or_else(sim::regression::path)
    }

    /// Where artifacts go: the flag's directory, else the one place
    /// `cargo test` sweeps use too.
    fn artifact_dir(&self) -> PathBuf {
        self.artifacts.clone().unwrap_or_else(artifact::default_dir)
    }

    /// The shard: the flag's, else one a cluster engine's environment names.
    fn shard(&self) -> Result<Shard, String> {
        if let Some(s) = self.shard {
            return Ok(s);
        }
        let found = crate::shard::from_env(|v| std::env::var(v).ok())?;
        let found = found.inspect(|(s, var)| {
            eprintln!(
                "{me} explore: shard {s} from {var}",
                me = crate::arg::program()
            )
        });
        Ok(found.map_or(Shard::WHOLE, |(s, _)| s))
    }

    fn sweep<'a>(&self, catalog: &Catalog<'a>) -> Result<Sweep<'a>, String> {
        let model = catalog.get(&self.model).map_err(|e| e.to_string())?;
        let description = model.describe();
        description
            .check_bug(self.bug.as_deref())
            .map_err(|e| e.to_string())?;
        let env = |var: &'static str| sim::seed::seed_var(var).map_err(|e| e.to_string());
        let seed = match self.seed {
            Some(s) => Some(s),
            None => env(SEED_VAR)?
                .inspect(|s| eprintln!("{me} explore: {SEED_VAR}={s}", me = crate::arg::program())),
        };
        let (first, count) = match seed {
            Some(s) => (s, 1),
            None => {
                let seeds = match self.seeds {
                    Some(n) => n,
                    None => env(SEEDS_VAR)?.unwrap_or(DEFAULT_SEEDS),
                };
                if seeds == 0 {
                    return Err("--seeds must be at least 1".into());
                }
                if self.start.checked_add(seeds - 1).is_none() {
                    let why = "overflows: the last seed is 18446744073709551615";
                    return Err(format!("--start {} plus --seeds {seeds} {why}", self.start));
                }
                (self.start, seeds)
            }
        };
        let shard = self.shard()?;
        if seed.is_some() && self.shard.is_some() {
            return Err("--shard slices a sweep; it cannot go with --seed".into());
        }
        let whole = (first, count);
        let (first, count) = shard.slice(first, count);
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let jobs = self.jobs.unwrap_or(cores);
        if jobs == 0 || jobs > 1024 {
            return Err(format!("--jobs must be from 1 to 1024, not {jobs}"));
        }
        crate::fits::takes_the_mix(&description, self.faults)?;
        crate::fits::has_a_core(&description, self.liveness)?;
        let buggify = self.no_buggify.then_some(Buggify::Off);
        let mut description = description;
        description.config.budget.storm =
            sim::model::storm::learn(model, self.faults, buggify.as_ref(), self.storm_factor)
                .map_err(|e| format!("learning the storm limit: {e}"))?;
        Ok(Sweep {
            model,
            description,
            bug: self.bug.clone(),
            mix: self.faults,
            liveness: self.liveness,
            first,
            count,
            whole,
            shard,
            jobs,
            max_artifacts: self.max_artifacts,
            buggify,
            until_covered: self.until_covered,
            until_failure: self.until_failure,
            report: match &self.report {
                Some(out) => Some(crate::report::sweep_page::check_out(out)?),
                None => None,
            },
        })
    }
}

/// What the announcement adds for a liveness mode: nothing for the default.
fn liveness_note(liveness: Liveness) -> &'static str {
    match liveness {
        Liveness::HealAll => "",
        Liveness::Core => ", liveness core",
    }
}

fn bad(e: &dyn std::fmt::Display) -> i32 {
    eprintln!("{me} explore: {e}", me = crate::arg::program());
    exit::BAD_INPUT
}

impl Sweep<'_> {
    /// Runs one seed; a panic that escapes the model is a failure too.
    fn run_one(&self, seed: u64) -> Result<RunSummary, ModelError> {
        let request = RunRequest {
            seed,
            bug: self.bug.clone(),
            nemesis: self.mix.nemesis_in(self.liveness),
            plan: None,
            record: false,
            budget: Some(self.description.config.budget),
            buggify: self.buggify.clone(),
            trim: sim::scenario::Trim::default(),
        };
        crate::caught::run_caught(self.model, &request)
    }

    /// Explores, writes an artifact per failure under `dir` (up to the
    /// limit, lowest seeds first), and sums up.
    fn explore(&self, dir: &Path, out: Option<&Path>) -> Result<Summary, String> {
        let started = Instant::now();
        let writer = match out {
            Some(d) => Some(ResultsWriter::create(
                d,
                &self.description.name,
                self.shard,
            )?),
            None => None,
        };
        let next = AtomicU64::new(0);
        let stop = AtomicBool::new(false);
        let running: crate::progress::Running = Mutex::new(vec![None; self.jobs]);
        let progress = crate::progress::bar(self.count);
        let (sender, receiver) = mpsc::channel::<(u64, Result<RunSummary, ModelError>)>();
        let mut collector = Collector::new(self, dir, writer, &stop);
        std::thread::scope(|scope| -> Result<(), String> {
            let mut started_workers = 0;
            for w in 0..self.jobs.min(self.count.min(1024) as usize) {
                let sender = sender.clone();
                let (next, running, stop) = (&next, &running, &stop);
                let worker = move || self.work(w, (next, stop), running, sender);
                let spawned = std::thread::Builder::new().spawn_scoped(scope, worker);
                match spawned {
                    Ok(_) => started_workers += 1,
                    Err(e) if started_workers == 0 => {
                        return Err(format!("cannot start a worker thread: {e}"))
                    }
                    Err(e) => eprintln!(
                        "{me} explore: {started_workers} workers ({e})",
                        me = crate::arg::program()
                    ),
                }
            }
            drop(sender);
            let ticker = Instant::now();
            let mut shown = ticker;
            for (i, run) in receiver.iter() {
                collector.take(i, run)?;
                progress.inc(1);
                if shown.elapsed() > Duration::from_millis(250) {
                    progress.set_message(crate::progress::running_text(&running));
                    shown = Instant::now();
                }
            }
            Ok(())
        })?;
        progress.finish_and_clear();
        collector.finish(started.elapsed().as_secs_f64())
    }

    /// A worker: takes the next seed until none are left, sending each run.
    fn work(
        &self,
        w: usize,
        (next, stop): (&AtomicU64, &AtomicBool),
        running: &crate::progress::Running,
        sender: mpsc::Sender<(u64, Result<RunSummary, ModelError>)>,
    ) {
        loop {
            // Stop before taking an index, never after: every index taken
            // is run, so the runs taken form a prefix with no gap.
            if stop.load(Ordering::Relaxed) || crate::interrupt::interrupted() {
                return;
            }
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= self.count {
                return;
            }
            let seed = self.first + i;
            running.lock().expect("no worker panics holding it")[w] = Some((seed, Instant::now()));
            let run = self.run_one(seed);
            running.lock().expect("no worker panics holding it")[w] = None;
            if sender.send((i, run)).is_err() {
                return; // the collector gave up
            }
        }
    }
}

/// Takes runs as they finish: tallies them at once, and their failures
/// (and results lines) in seed order, so which failures get artifacts, and
/// the results file, do not depend on timing.
struct Collector<'a> {
    sweep: &'a Sweep<'a>,
    dir: &'a Path,
    tally: Tally,
    writer: Option<ResultsWriter>,
    /// The index every run below has been taken.
    next: u64,
    /// Runs taken above `next`.
    /// Runs taken above `next`, with their operations and those that
    /// completed ok (a sweep that cannot stop early has tallied them).
    waiting: BTreeMap<u64, (RunSummary, (u64, u64))>,
    coverage: Coverage,
    /// Set when the sweep is covered (`--until-covered`) or has failed
    /// (`--until-failure`): workers stop.
    stop: &'a AtomicBool,
    /// The seeds taken so far ended the sweep.
    done: bool,
    /// What the sweep's HTML report needs, when one is asked for.
    report: Option<SweepReport>,
}

/// What the ordered pass needs of a finished run: the run (its
/// operations gone, unless the sweep may stop early) and their counts.
struct Finished {
    run: RunSummary,
    ops: u64,
    ok: u64,
}

impl<'a> Collector<'a> {
    fn new(
        sweep: &'a Sweep<'a>,
        dir: &'a Path,
        writer: Option<ResultsWriter>,
        stop: &'a AtomicBool,
    ) -> Self {
        let declared = sweep.description.checks.probes.iter();
        Collector {
            sweep,
            dir,
            tally: Tally::default(),
            writer,
            next: 0,
            waiting: BTreeMap::new(),
            coverage: Coverage::new(declared.map(|p| p.name.clone()).collect()),
            report: sweep.report.as_ref().map(|_| SweepReport::default()),
            stop,
            done: false,
        }
    }

    /// True for a sweep that may stop before its last seed.
    fn stops_early(&self) -> bool {
        self.sweep.until_covered || self.sweep.until_failure
    }

    /// Takes run `i`. A sweep that may stop early (`--until-covered`,
    /// `--until-failure`) tallies runs in seed order, so that it stops at
    /// the same seed on any thread count; any other tallies a run's
    /// operations at once and keeps only the rest for the ordered pass, so
    /// memory stays bounded however far the workers run ahead.
    fn take(&mut self, i: u64, run: Result<RunSummary, ModelError>) -> Result<(), String> {
        let mut run = run.map_err(|e| e.to_string())?;
        let counts = (
            run.ops.len() as u64,
            run.ops.iter().filter(|o| o.ok).count() as u64,
        );
        if !self.stops_early() {
            self.tally_run(&run);
            run.ops = Vec::new();
        }
        self.waiting.insert(i, (run, counts));
        while let Some(entry) = self.waiting.first_entry() {
            if *entry.key() != self.next {
                break;
            }
            self.next += 1;
            let (run, (ops, ok)) = entry.remove();
            if self.done {
                continue; // past the seed that ended the sweep
            }
            if self.stops_early() {
                self.tally_run(&run);
            }
            self.coverage.add_run(&run);
            let failed = run.failure.is_some();
            let artifact = match failed {
                true => self.keep(&run)?,
                false => None,
            };
            let finished = Finished { run, ops, ok };
            self.write_seed(&finished, artifact)?;
            self.done = (self.sweep.until_covered && self.coverage.complete())
                || (self.sweep.until_failure && failed);
            if self.done {
                self.stop.store(true, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// Counts a run's operations in the summary and the report.
    fn tally_run(&mut self, run: &RunSummary) {
        self.tally.add_run(run);
        if let Some(r) = &mut self.report {
            r.add_run(run);
        }
    }

    /// The run's results line, if results are written.
    fn write_seed(&mut self, f: &Finished, artifact: Option<String>) -> Result<(), String> {
        let Some(writer) = self.writer.as_mut() else {
            return Ok(());
        };
        let failure = f.run.failure.as_ref().map(|failure| FailureLine {
            kind: failure.kind,
            message: crate::summary::first_line(failure),
        });
        let line = SeedLine {
            seed: f.run.seed,
            trace_hash: sim::trace::hash_hex(f.run.trace_hash),
            ops: f.ops,
            ok: f.ok,
            failure,
            artifact,
        };
        writer.write(&ResultLine::Seed(line))
    }

    /// Writes a failure's artifact (within the limit) and counts it;
    /// returns the artifact's path.
    fn keep(&mut self, run: &RunSummary) -> Result<Option<String>, String> {
        let sweep = self.sweep;
        let (seed, failure) = (run.seed, run.failure.as_ref().expect("a failing run"));
        if self.tally.artifacts_of(failure.kind) >= sweep.max_artifacts {
            self.tally.add_failure(seed, failure, None);
            self.report_failure(seed, failure, None, None);
            return Ok(None);
        }
        let (bug, faults) = (sweep.bug.as_deref(), sweep.mix.name());
        let artifact = Artifact::of_run(&sweep.description, bug, faults, run)
            .expect("a failing run has an artifact");
        let stem = format!("{}-seed-{seed}", artifact::stem_of(&artifact.model));
        let path = artifact
            .write_new(self.dir, &stem)
            .map_err(|e| e.to_string())?;
        // A run report reruns the failure recorded and weighs hundreds of
        // kilobytes: the lowest seeds' failures get one, the rest are listed.
        let reported = self.report.as_ref().map_or(0, |r| r.failures.len());
        let html = match self.report {
            Some(_) if reported < MAX_RUN_REPORTS => {
                Some(write_failure_report(sweep, artifact, &path)?)
            }
            _ => None,
        };
        let path = path.display().to_string();
        self.tally.add_failure(seed, failure, Some(path.clone()));
        self.report_failure(seed, failure, Some(path.clone()), html);
        Ok(Some(path))
    }

    /// Lists a failure in the sweep's report, if one is written.
    fn report_failure(
        &mut self,
        seed: u64,
        failure: &Failure,
        artifact: Option<String>,
        report: Option<String>,
    ) {
        if let Some(r) = &mut self.report {
            r.add_failure(crate::report::sweep::FailureEntry {
                seed,
                failure: failure.clone(),
                artifact,
                report,
            });
        }
    }

    /// True when a signal stopped the sweep before its last seed.
    fn interrupted(&self) -> bool {
        crate::interrupt::interrupted() && !self.done && self.tally.runs() < self.sweep.count
    }

    fn finish(self, wall_s: f64) -> Result<Summary, String> {
        assert!(self.waiting.is_empty(), "every run was taken in order");
        let sweep = self.sweep;
        let interrupted = self.interrupted();
        if let Some(mut writer) = self.writer {
            let summary = ShardSummary {
                faultline_version: env!("CARGO_PKG_VERSION").to_string(),
                model: sweep.description.name.clone(),
                bug: sweep.bug.clone(),
                faults: sweep.mix.name().to_string(),
                liveness: sweep.liveness,
                shard: sweep.shard,
                first: sweep.whole.0,
                count: sweep.whole.1,
                runs: self.tally.runs(),
                skipped_faults: self.tally.skipped_faults(),
                latency: self.tally.latency().clone(),
                served_by: self.tally.served().clone(),
                by_kind: self.tally.by_kind().clone(),
                coverage: self.coverage.summary(),
                wall_s,
                partial: interrupted,
                buggify: sweep.buggify.is_none(),
                description_hash: crate::results::description_hash(&sweep.description),
            };
            writer.write(&ResultLine::Summary(Box::new(summary)))?;
            let path = writer.finish()?;
            eprintln!(
                "{me} explore: results in {}",
                path.display(),
                me = crate::arg::program()
            );
        }
        let mut summary = self.tally.summary(&sweep.description.name, wall_s);
        summary.coverage = self.coverage.summary();
        summary.interrupted = interrupted;
        if let (Some(out), Some(report)) = (&sweep.report, &self.report) {
            let cx = crate::report::sweep_page::SweepContext {
                model: &sweep.description.name,
                bug: sweep.bug.as_deref(),
                faults: sweep.mix.name(),
                seeds: format!("{} seeds from {}", summary.runs, sweep.first),
                nodes: sweep.description.config.nodes,
            };
            let html = crate::report::sweep_page::sweep_page(&cx, report, &summary)?;
            crate::report::write_page(out, &html)?;
            eprintln!(
                "{me} explore: report in {}",
                out.display(),
                me = crate::arg::program()
            );
        }
        Ok(summary)
    }
}

/// Replays a failure recorded and writes its run report beside its
/// artifact at `path`; returns the report's path.
fn write_failure_report(
    sweep: &Sweep<'_>,
    artifact: Artifact,
    path: &Path,
) -> Result<String, String> {
    let loaded = crate::replay::Loaded {
        model: sweep.model,
        description: sweep.description.clone(),
        artifact,
    };
    let run = loaded.rerun(&loaded.artifact.plan, true)?;
    let out = crate::report::write_page_beside(path, &crate::replay::report(&loaded, &run))?;
    let from = sweep.report.as_deref().unwrap_or(Path::new("report.html"));
    Ok(crate::report::failure::link(from, &out))
}

/// The sweep's first line: the model, the seeds (and the shard of them),
/// the mix, the bug switch and the workers.
fn announce(sweep: &Sweep<'_>) {
    let range = |first: u64, count: u64| match count {
        0 => "no seeds".to_string(),
        n => format!("seeds {first}..={}", first + (n - 1)),
    };
    let shard = if sweep.shard == Shard::WHOLE {
        String::new()
    } else {
        let whole = range(sweep.whole.0, sweep.whole.1);
        format!("shard {} of {whole}: ", sweep.shard)
    };
    eprintln!(
        "{me} explore {}: {shard}{} ({} runs), faults {}{}, bug {}, {} jobs",
        sweep.description.name,
        range(sweep.first, sweep.count),
        sweep.count,
        sweep.mix,
        liveness_note(sweep.liveness),
        sweep.bug.as_deref().unwrap_or("none"),
        sweep.jobs,
        me = crate::arg::program()
    );
    if let Some(storm) = sweep.description.config.budget.storm {
        eprintln!(
            "{me} explore: storm limit {} messages in a second of virtual time ({}x the \
             correct model's busiest second, {}, on its first {} seeds)",
            storm.messages_per_second(),
            storm.factor,
            storm.baseline,
            sim::model::storm::BASELINE_SEEDS,
            me = crate::arg::program()
        );
    }
}
