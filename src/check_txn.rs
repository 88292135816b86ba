//! `faultline check-txn --model M FILE`: a transactional history (Jepsen
//! EDN or elle-cli JSON, list-append or rw-register) against a consistency
//! model. Exit 0 valid, 1 invalid, 2 bad input or unknown.

use crate::exit;
use sim::txn::format;
use sim::txn::verdict::Outcome;
use sim::txn::{check, CheckOptions, ConsistencyModel};
use std::path::PathBuf;

/// The forms `--emit` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EmitForm {
    /// Jepsen EDN, one map per line.
    Edn,
    /// elle-cli JSON, one object per line.
    Json,
}

/// `faultline check-txn`.
#[derive(Debug, clap::Args)]
pub struct CheckTxnArgs {
    /// The consistency model: read-committed, snapshot-isolation,
    /// serializable or strict-serializable.
    #[arg(long, default_value = "serializable")]
    pub model: String,
    /// The history file (`-` for standard input).
    pub file: PathBuf,
    /// Print the verdict as JSON.
    #[arg(long)]
    pub json: bool,
    /// The most search steps (edges looked at) before the answer is unknown.
    #[arg(long, default_value_t = CheckOptions::default().max_steps)]
    pub max_steps: u64,
    /// Do not check: write the history in this form to standard output.
    #[arg(long, value_enum)]
    pub emit: Option<EmitForm>,
}

impl CheckTxnArgs {
    /// Checks (or converts) the file and returns the exit code.
    pub fn run(self) -> i32 {
        let model: ConsistencyModel = match self.model.parse() {
            Ok(m) => m,
            Err(e) => {
                eprintln!("{me} check-txn: {e}", me = crate::arg::program());
                return exit::BAD_INPUT;
            }
        };
        if self.max_steps == 0 {
            eprintln!(
                "{me} check-txn: --max-steps must be at least 1",
                me = crate::arg::program()
            );
            return exit::BAD_INPUT;
        }
        let mut input = match crate::check_history::open(&self.file) {
            Ok(input) => input,
            Err(e) => {
                eprintln!("{me} check-txn: {e}", me = crate::arg::program());
                return exit::BAD_INPUT;
            }
        };
        let history = match format::read(&mut input) {
            Ok((_, h)) => h,
            Err(e) => {
                eprintln!(
                    "{me} check-txn: {}: {e}",
                    self.file.display(),
                    me = crate::arg::program()
                );
                return exit::BAD_INPUT;
            }
        };
        if let Some(form) = self.emit {
            match form {
                EmitForm::Edn => print!("{}", format::to_edn(&history)),
                EmitForm::Json => print!("{}", format::to_json(&history)),
            }
            return exit::OK;
        }
        let options = CheckOptions {
            model,
            max_steps: self.max_steps,
        };
        let verdict = check(&history, options);
        if self.json {
            println!("{}", verdict.to_json(&history));
        } else {
            print!("{}", verdict.render(&history));
        }
        match verdict.outcome {
            Outcome::Valid => exit::OK,
            Outcome::Invalid => exit::FAILURE_FOUND,
            Outcome::Unknown(_) => exit::BAD_INPUT,
        }
    }
}
