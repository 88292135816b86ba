//! The command-line grammar and what each command prints.
//!
//! Exit codes: 0 success, 1 a failure was found, 2 bad input. clap's own usage
//! errors also exit 2.

use crate::bench::{self, BenchFaults};
use crate::check_history::{self, SpecName};
use clap::{Parser, Subcommand};
use std::io::Write;

/// Exit code for success.
pub const EXIT_OK: i32 = 0;
/// Exit code for a failure found (a bug, a non-linearizable history).
pub const EXIT_FAILURE_FOUND: i32 = 1;
/// Exit code for bad input.
pub const EXIT_BAD_INPUT: i32 = 2;

/// faultline: a deterministic simulator for distributed protocols.
#[derive(Debug, Parser)]
#[command(name = "faultline", version, about)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the reference ping-pong workload and report its speed.
    Bench {
        /// Root seed.
        #[arg(long, default_value_t = bench::DEFAULT_SEED, value_parser = parse_seed_arg)]
        seed: u64,
        /// Sequential round trips.
        #[arg(long, default_value_t = bench::DEFAULT_REQUESTS)]
        requests: u64,
        /// Run only this fault setting (default: both, `none` first).
        #[arg(long, value_enum)]
        faults: Option<BenchFaults>,
        /// Print one JSON object per run instead of text.
        #[arg(long)]
        json: bool,
    },
    /// List the models, their invariants and their bug switches.
    List,
    /// Sweep seeds of a model under faults; summarise; write an artifact per failure.
    ///
    /// Exit 0: no failure; 1: a failure was found; 2: bad input.
    Explore {
        /// The model (see `faultline list`).
        model: String,
        /// How many seeds.
        #[arg(long, default_value_t = 100)]
        seeds: u64,
        /// Run exactly this one seed.
        #[arg(long, value_parser = parse_seed_arg)]
        seed: Option<u64>,
        /// The first seed of the sweep.
        #[arg(long, default_value_t = 0, value_parser = parse_seed_arg)]
        start: u64,
        /// Turn a bug switch on.
        #[arg(long)]
        bug: Option<String>,
        /// The fault mix: partitions, crashes, clocks, flaky-net, leader-churn, all, none.
        #[arg(long, default_value = "all")]
        faults: String,
        /// Worker threads (default: all cores).
        #[arg(long)]
        jobs: Option<usize>,
        /// Print the summary as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Rerun an artifact, check its trace hash is identical, and print the trace.
    ///
    /// Exit 0: identical; 1: the trace differs; 2: bad input.
    Replay {
        /// The artifact.
        file: std::path::PathBuf,
        /// Show the trace as one column per node.
        #[arg(long)]
        timeline: bool,
    },
    /// Minimise an artifact's fault plan and write the result beside it.
    ///
    /// Exit 0: written; 2: bad input, or the failure does not reproduce.
    Shrink {
        /// The artifact.
        file: std::path::PathBuf,
    },
    /// Check a Jepsen history (EDN maps or jepsen.util log lines) for linearizability.
    ///
    /// Exit 0: linearizable; 1: not linearizable; 2: bad input, or unknown (a
    /// budget ran out).
    CheckHistory {
        /// The sequential spec to check against.
        #[arg(long, value_enum)]
        spec: SpecName,
        /// The history file.
        file: std::path::PathBuf,
        /// Give up (verdict unknown) after this many seconds.
        #[arg(long)]
        timeout_s: Option<u64>,
        /// Memo-table memory budget in MiB.
        #[arg(long, default_value_t = 1024)]
        memory_mib: u64,
        /// Print the verdict as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn parse_seed_arg(s: &str) -> Result<u64, String> {
    sim::seed::parse_seed(s).ok_or_else(|| {
        format!("`{s}` is not a seed: expected a non-negative integer (decimal, or hex with 0x)")
    })
}

/// Runs a parsed command and returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    match cli.command {
        Command::Bench {
            seed,
            requests,
            faults,
            json,
        } => run_bench(seed, requests, faults, json),
        Command::List => crate::commands::list(),
        Command::Explore {
            model,
            seeds,
            seed,
            start,
            bug,
            faults,
            jobs,
            json,
        } => crate::commands::explore(&model, seeds, seed, start, bug, &faults, jobs, json),
        Command::Replay { file, timeline } => crate::commands::replay(&file, timeline),
        Command::Shrink { file } => crate::commands::shrink(&file),
        Command::CheckHistory {
            spec,
            file,
            timeout_s,
            memory_mib,
            json,
        } => check_history::run(spec, &file, timeout_s, memory_mib, json),
    }
}

fn run_bench(seed: u64, requests: u64, faults: Option<BenchFaults>, json: bool) -> i32 {
    if requests == 0 {
        eprintln!("faultline bench: --requests must be at least 1");
        return EXIT_BAD_INPUT;
    }
    let settings = match faults {
        Some(f) => vec![f],
        None => vec![BenchFaults::None, BenchFaults::FlakyNet],
    };
    for setting in settings {
        eprintln!(
            "faultline bench: seed={seed} requests={requests} faults={}",
            setting.name()
        );
        let report = match bench::run(seed, requests, setting) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("faultline bench: {e}");
                return EXIT_BAD_INPUT;
            }
        };
        let text = if json {
            serde_json::to_string(&report).expect("a report serialises")
        } else {
            report.line()
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{text}");
    }
    EXIT_OK
}
