//! The command line: its grammar (one clap `Args` struct per command, in the
//! command's own file), one dispatch, and the entry point a user's crate
//! calls to get the whole tool for its own models:
//!
//! ```no_run
//! # use sim::model::Model;
//! # fn my_models() -> Vec<&'static dyn Model> { faultline::catalog::built_in() }
//! // src/bin/faultline.rs of a user's crate:
//! fn main() {
//!     faultline::cli::main(&my_models())
//! }
//! ```
//!
//! Exit codes are [`crate::exit`]'s: 0 success, 1 a failure found, 2 bad input.

use crate::catalog::Catalog;
use crate::exit;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use sim::model::Model;

/// faultline: a deterministic simulator for distributed protocols.
#[derive(Debug, Parser)]
#[command(name = "faultline", version, about)]
pub struct Cli {
    /// The command.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands, each with its own arguments.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the models, their checks and bug switches, and the fault mixes.
    List(crate::list::ListArgs),
    /// Sweep seeds of a model under faults; summarise; write an artifact per failure.
    ///
    /// Exit 0: no failure; 1: a failure was found; 2: bad input.
    Explore(Box<crate::explore::ExploreArgs>),
    /// Rerun an artifact, check its trace hash is identical, and print the trace.
    ///
    /// Exit 0: identical; 1: the trace differs; 2: bad input.
    Replay(crate::replay::ReplayArgs),
    /// Minimise an artifact's fault plan and write the result beside it.
    ///
    /// Exit 0: written; 2: bad input, or the failure does not reproduce.
    Shrink(crate::shrink::ShrinkArgs),
    /// Check a Jepsen history (EDN, elle-cli JSON or jepsen.util log lines) for
    /// linearizability, or with one of Jepsen's workload checkers.
    ///
    /// Exit 0: linearizable (valid); 1: not; 2: bad input, or unknown (a
    /// budget ran out).
    CheckHistory(crate::check_history::CheckHistoryArgs),
    /// Check a transactional history (list-append or rw-register; Jepsen EDN or elle-cli JSON)
    /// against a consistency model, as Elle does.
    ///
    /// Exit 0: valid; 1: invalid; 2: bad input, or unknown.
    CheckTxn(crate::check_txn::CheckTxnArgs),
    /// Check the read guarantees of a lagging store (bounded staleness, the
    /// session guarantees, prefix consistency) over JSON records.
    ///
    /// Exit 0: every guarantee holds; 1: one broke; 2: bad input, or unknown.
    CheckReads(crate::check_reads::CheckReadsArgs),
    /// Check what a queue delivered against what was published (lost,
    /// duplicated, phantom, out of order) over JSON records.
    ///
    /// Exit 0: valid; 1: a message lost, duplicated, phantom or out of order; 2: bad input.
    CheckDelivery(crate::check_delivery::CheckDeliveryArgs),
    /// Merge shards' results (`explore --shard K/N --out DIR`) into one sweep's summary.
    ///
    /// Exit 0: no failure; 1: a failure, or a seed that ran differently on two
    /// machines; 2: bad input, or shards missing.
    Merge(crate::merge::MergeArgs),
    /// Run the reference ping-pong workload and report its speed.
    Bench(crate::bench::BenchArgs),
}

/// Runs a parsed command against `models` and returns the exit code.
pub fn run(cli: Cli, models: &[&dyn Model]) -> i32 {
    let catalog = match Catalog::new(models) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("faultline: {e}");
            return exit::BAD_INPUT;
        }
    };
    match cli.command {
        Command::List(args) => args.run(&catalog),
        Command::Explore(args) => args.run(&catalog),
        Command::Replay(args) => args.run(&catalog),
        Command::Shrink(args) => args.run(&catalog),
        Command::CheckHistory(args) => args.run(),
        Command::CheckTxn(args) => args.run(),
        Command::CheckReads(args) => args.run(),
        Command::CheckDelivery(args) => args.run(),
        Command::Merge(args) => args.run(),
        Command::Bench(args) => args.run(),
    }
}

/// The whole command line for `models`: parses the process's arguments,
/// runs the command and exits with its code. A user's crate calls this
/// from its own `main` to get `list`, `explore`, `replay`, `shrink` and the
/// rest for its own models, with the same artifacts and exit codes.
pub fn main(models: &[&dyn Model]) -> ! {
    end_quietly_on_closed_pipe();
    let program = crate::arg::program();
    let matches = Cli::command()
        .name(program.clone())
        .bin_name(program)
        .get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    std::process::exit(run(cli, models))
}

/// Rust ignores `SIGPIPE`, so writing to a closed pipe (`faultline replay
/// F | head`) makes `print!` panic. A command-line tool should stop
/// quietly instead, as every Unix filter does: restore the default action.
#[cfg(unix)]
fn end_quietly_on_closed_pipe() {
    extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: `signal` is async-signal-safe and installing the default
    // action for SIGPIPE touches no Rust state.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn end_quietly_on_closed_pipe() {}
