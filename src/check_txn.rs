//! `faultline check-txn --model M FILE`: a transactional history (Jepsen
//! EDN or elle-cli JSON, list-append or rw-register) against a consistency
//! model. Exit 0 valid, 1 invalid, 2 bad input or unknown.

use crate::exit;
use sim::txn::format;
use sim::txn::key_order::KeyAssumptions;
use sim::txn::verdict::{Orders, Outcome};
use sim::txn::{check, lattice, CheckOptions, ConsistencyModel};
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
    /// The consistency model, by Elle's name (`read-committed`,
    /// `snapshot-isolation`, `serializable`, `strict-serializable`, … ;
    /// an unknown name lists them). Default:
    /// serializable, unless `--anomalies` is given alone.
    #[arg(long, alias = "consistency-models")]
    pub model: Option<String>,
    /// Anomalies to look for, by Elle's names, comma-separated (`G0,G1c`):
    /// the history is invalid if it has one, or one that implies it.
    #[arg(long, value_delimiter = ',')]
    pub anomalies: Vec<String>,
    /// The history file (`-` for standard input).
    pub file: PathBuf,
    /// Print the verdict as JSON.
    #[arg(long)]
    pub json: bool,
    /// The most search steps (edges looked at) before the answer is unknown.
    #[arg(long, default_value_t = CheckOptions::default().max_steps)]
    pub max_steps: u64,
    /// (rw-register) Assume writes follow reads within a transaction:
    /// `true` (faultline's default; Elle's is `false`) or `false`.
    #[arg(long, default_value_t = true, action = clap::ArgAction::Set)]
    pub wfr_keys: bool,
    /// (rw-register) Assume each process sees each key's versions in order.
    #[arg(long)]
    pub sequential_keys: bool,
    /// (rw-register) Assume every key is linearizable.
    #[arg(long)]
    pub linearizable_keys: bool,
    /// Do not check: write the history in this form to standard output.
    #[arg(long, value_enum)]
    pub emit: Option<EmitForm>,
}

impl CheckTxnArgs {
    /// Checks (or converts) the file and returns the exit code.
    pub fn run(self) -> i32 {
        let (model, asked) = match self.asked() {
            Ok(a) => a,
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
        let judged = model.unwrap_or_default();
        let options = CheckOptions {
            model: judged,
            max_steps: self.max_steps,
            keys: KeyAssumptions {
                wfr: self.wfr_keys,
                sequential: self.sequential_keys,
                linearizable: self.linearizable_keys,
            },
            // Edges only for the orders the question needs.
            orders: Orders::for_asked(judged, &asked),
        };
        let verdict = check(&history, options);
        let asked_outcome = (!asked.is_empty()).then(|| verdict.outcome_for_anomalies(&asked));
        if self.json {
            let mut json = verdict.to_json(&history);
            if let Some(o) = &asked_outcome {
                json["anomalies-asked"] =
                    serde_json::json!({"anomalies": asked, "answer": word(o)});
            }
            println!("{json}");
        } else {
            print!("{}", verdict.render(&history));
            if let Some(o) = &asked_outcome {
                println!("anomalies asked for ({}): {}", asked.join(", "), word(o));
            }
        }
        let outcomes = model
            .map(|_| &verdict.outcome)
            .into_iter()
            .chain(&asked_outcome);
        exit_code(outcomes)
    }

    /// The model asked about (none when only anomalies are), and the
    /// anomalies, each checked against the names Elle uses.
    fn asked(&self) -> Result<(Option<ConsistencyModel>, Vec<&'static str>), String> {
        let known = lattice::known_anomalies();
        let mut asked = Vec::new();
        for a in &self.anomalies {
            match known.get(a.as_str()) {
                Some(name) => asked.push(*name),
                None => {
                    let names: Vec<&str> = known.iter().copied().collect();
                    return Err(format!(
                        "unknown anomaly `{a}`: expected one of {}",
                        names.join(", ")
                    ));
                }
            }
        }
        let model = match (&self.model, asked.is_empty()) {
            (Some(m), _) => Some(m.parse::<ConsistencyModel>().map_err(|e| e.to_string())?),
            (None, true) => Some(ConsistencyModel::Serializable),
            (None, false) => None,
        };
        Ok((model, asked))
    }
}

fn word(o: &Outcome) -> String {
    match o {
        Outcome::Valid => "none found".to_string(),
        Outcome::Invalid => "found".to_string(),
        Outcome::Unknown(why) => format!("unknown ({why})"),
    }
}

/// Invalid if any answer is, else unknown if any is, else valid.
fn exit_code<'a>(outcomes: impl Iterator<Item = &'a Outcome>) -> i32 {
    let all: Vec<&Outcome> = outcomes.collect();
    if all.iter().any(|o| **o == Outcome::Invalid) {
        exit::FAILURE_FOUND
    } else if all.iter().any(|o| matches!(o, Outcome::Unknown(_))) {
        exit::BAD_INPUT
    } else {
        exit::OK
    }
}
