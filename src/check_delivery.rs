//! `faultline check-delivery FILE`: what producers were told against what
//! reached the sink (`sim::delivery`): no message applied twice, none
//! applied that was never published, and, with `--complete`, every
//! acknowledged publish applied; with `--fifo`, each producer's messages
//! applied in publish order. The records are JSON:
//!
//! ```json
//! {"type": "publish", "id": 1, "producer": 0, "call": 10, "acked": 12}
//! {"type": "applied", "id": 1, "count": 1, "at": 15}
//! ```
//!
//! Times are integer nanoseconds; `acked` is null for a publish that got
//! no acknowledgement.

use crate::exit;
use serde::Deserialize;
use sim::delivery::{check, Applied, Options, Publish};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// `faultline check-delivery`.
#[derive(Debug, clap::Args)]
pub struct CheckDeliveryArgs {
    /// The records (`-` for standard input).
    pub file: PathBuf,
    /// Every acknowledged publish must be applied (check after the system
    /// healed, when every message had its chance).
    #[arg(long)]
    pub complete: bool,
    /// Each producer's acknowledged messages are applied in publish order.
    #[arg(long)]
    pub fifo: bool,
}

/// One record.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Record {
    Publish {
        id: u64,
        producer: u64,
        call: u64,
        acked: Option<u64>,
    },
    Applied {
        id: u64,
        count: u32,
        at: u64,
    },
}

impl CheckDeliveryArgs {
    /// Checks the records and returns the exit code.
    pub fn run(self) -> i32 {
        let (publishes, effects) = match records(&self.file) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{me} check-delivery: {e}", me = crate::arg::program());
                return exit::BAD_INPUT;
            }
        };
        let options = Options {
            complete: self.complete,
            fifo: self.fifo,
        };
        match check(&publishes, &effects, options) {
            Ok(()) => {
                let n = (publishes.len(), effects.len());
                println!("valid: {} publishes, {} messages applied", n.0, n.1);
                exit::OK
            }
            Err(problems) => {
                println!("invalid\n{problems}");
                exit::FAILURE_FOUND
            }
        }
    }
}

/// The publishes and the effects; an id published or applied twice, a
/// count of zero, or an acknowledgement before its call is an error.
fn records(file: &Path) -> Result<(Vec<Publish>, Vec<Applied>), String> {
    let (mut publishes, mut effects) = (Vec::new(), Vec::new());
    let (mut published, mut applied) = (BTreeSet::new(), BTreeSet::new());
    for (line, record) in crate::records::read::<Record>(file)? {
        let bad = |what: &str| Err(crate::records::bad(file, line, what));
        match record {
            Record::Publish {
                id,
                producer,
                call,
                acked,
            } => {
                if !published.insert(id) {
                    return bad(&format!("message {id} is published twice"));
                }
                if acked.is_some_and(|a| a < call) {
                    return bad("the acknowledgement comes before the call");
                }
                publishes.push(Publish {
                    id,
                    producer,
                    call,
                    acked,
                });
            }
            Record::Applied { id, count, at } => {
                if !applied.insert(id) {
                    return bad(&format!(
                        "message {id} has two applied records (give its count once)"
                    ));
                }
                if count == 0 {
                    return bad("an applied record counts at least one application");
                }
                effects.push(Applied { id, count, at });
            }
        }
    }
    Ok((publishes, effects))
}
