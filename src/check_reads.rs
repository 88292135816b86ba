//! `faultline check-reads FILE --bound 100ms`: the read guarantees of a
//! store whose replicas are meant to lag (`sim::staleness`): bounded
//! staleness, read-your-writes, monotonic reads and writes,
//! writes-follow-reads and prefix consistency, over JSON records:
//!
//! ```json
//! {"type": "write", "session": 1, "call": 10, "ret": 20, "key": 7, "value": 5, "version": 3}
//! {"type": "read", "session": 2, "call": 30, "ret": 40, "key": 7, "value": 5, "at": 3, "promise": "session"}
//! ```
//!
//! Times are integer nanoseconds. A write's `ret` and `version` are null
//! when it got no answer; a read's `value` is null for the initial state,
//! `at` is the version of the state it was served at, and `promise` is
//! `session` (the default: every guarantee), `bounded` (staleness and
//! prefix only) or `monotonic` (monotonic reads, no bound).

use crate::exit;
use serde::Deserialize;
use sim::staleness::{check, Promise, Read, ReadHistory, Verdict, Write};
use sim::time::SimDuration;
use std::path::{Path, PathBuf};

/// `faultline check-reads`.
#[derive(Debug, clap::Args)]
pub struct CheckReadsArgs {
    /// The records (`-` for standard input).
    pub file: PathBuf,
    /// The staleness bound: a read sees a state committed at most this long
    /// before it began (`100ms`, `2s`, …).
    #[arg(long)]
    pub bound: SimDuration,
}

/// One record.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
enum Record {
    Write {
        session: u64,
        call: u64,
        ret: Option<u64>,
        key: u64,
        value: u64,
        version: Option<u64>,
    },
    Read {
        session: u64,
        call: u64,
        ret: u64,
        key: u64,
        value: Option<u64>,
        at: u64,
        #[serde(default)]
        promise: PromiseName,
    },
}

/// A read's promise, by name.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
enum PromiseName {
    #[default]
    Session,
    Bounded,
    Monotonic,
}

impl CheckReadsArgs {
    /// Checks the records and returns the exit code.
    pub fn run(self) -> i32 {
        let history = match history(&self.file) {
            Ok(h) => h,
            Err(e) => {
                eprintln!("{me} check-reads: {e}", me = crate::arg::program());
                return exit::BAD_INPUT;
            }
        };
        match check(&history, self.bound) {
            Verdict::Valid => {
                println!("valid: every read guarantee holds (bound {})", self.bound);
                exit::OK
            }
            Verdict::Invalid(violations) => {
                println!("invalid");
                for v in violations {
                    println!("  {v}");
                }
                exit::FAILURE_FOUND
            }
            Verdict::Unknown(why) => {
                println!("unknown: {why}");
                exit::BAD_INPUT
            }
        }
    }
}

/// The records as a read history; a time that runs backwards is an error.
fn history(file: &Path) -> Result<ReadHistory, String> {
    let mut history = ReadHistory::default();
    for (line, record) in crate::records::read::<Record>(file)? {
        match record {
            Record::Write {
                session,
                call,
                ret,
                key,
                value,
                version,
            } => {
                if ret.is_some_and(|r| r < call) {
                    return Err(crate::records::bad(
                        file,
                        line,
                        "the write returns before its call",
                    ));
                }
                if ret.is_none() != version.is_none() {
                    let why = "a write has a version exactly when it returned (`ret` and `version` both set or both null)";
                    return Err(crate::records::bad(file, line, why));
                }
                history.writes.push(Write {
                    session,
                    call,
                    ret,
                    key,
                    value,
                    version,
                });
            }
            Record::Read {
                session,
                call,
                ret,
                key,
                value,
                at,
                promise,
            } => {
                if ret < call {
                    return Err(crate::records::bad(
                        file,
                        line,
                        "the read returns before its call",
                    ));
                }
                let promise = match promise {
                    PromiseName::Session => Promise::Session,
                    PromiseName::Bounded => Promise::Bounded,
                    PromiseName::Monotonic => Promise::Monotonic,
                };
                history.reads.push(Read {
                    session,
                    call,
                    ret,
                    key,
                    value,
                    at,
                    promise,
                });
            }
        }
    }
    Ok(history)
}
