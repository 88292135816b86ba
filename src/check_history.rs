//! `faultline check-history --spec SPEC FILE`.
//!
//! Reads a Jepsen history in any of its forms (EDN, elle-cli's JSON, or
//! `jepsen.util` logs; see `sim::jepsen`) and checks it: for linearizability
//! against a sequential spec (register, kv, mutex), or with one of Jepsen's
//! workload checkers (bank, counter, set, set-full, long-fork). It prints
//! the verdict and, when it fails, the counterexample or the findings.
//! Malformed input is reported with its line number.

use crate::exit;
use sim::history::EventKind;
use sim::input::Input;
use sim::jepsen;
use sim::linearizability::{check_owned, Budget, Verdict};
use sim::spec::kv::Kv;
use sim::spec::mutex::Mutex;
use sim::spec::one_object::OneObject;
use sim::spec::register::{RegisterFrom, RegisterInput, RegisterOutput};
use sim::workload::{Validity, WorkloadVerdict};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The specs and checkers `check-history` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SpecName {
    /// read / write / cas on one register; never written reads nil.
    #[value(alias = "cas-register")]
    Register,
    /// get / put / append per key; never written reads "".
    Kv,
    /// acquire / release one lock (Knossos's mutex).
    Mutex,
    /// Jepsen's bank: every read of the accounts sums to the total.
    Bank,
    /// Jepsen's counter: reads within the bounds of the adds.
    Counter,
    /// Jepsen's set: the final read holds every acknowledged add.
    Set,
    /// Jepsen's set-full: lost, stale and never-read elements over time.
    SetFull,
    /// Jepsen's long fork: reads of a group of keys in one order.
    LongFork,
    /// elle-cli's comments: a read that sees a write sees every write
    /// completed before it began.
    Comments,
    /// elle-cli's sequential: subkeys written in order are seen in order.
    Sequential,
}

/// `faultline check-history`.
#[derive(Debug, clap::Args)]
pub struct CheckHistoryArgs {
    /// The sequential spec to check against, or the workload checker.
    #[arg(long, value_enum, alias = "model")]
    pub spec: SpecName,
    /// The history file (`-` for standard input).
    pub file: PathBuf,
    /// Give up (verdict unknown) after this many seconds.
    #[arg(long)]
    pub timeout_s: Option<u64>,
    /// Memo-table memory budget in MiB.
    #[arg(long, default_value_t = 1024)]
    pub memory_mib: u64,
    /// Print the verdict as JSON.
    #[arg(long)]
    pub json: bool,
    /// Check every operation as one object, without splitting a keyed spec
    /// by key (as Porcupine's `KvNoPartition` benchmarks do).
    #[arg(long)]
    pub no_partition: bool,
    /// The register's value before any write (Knossos's `cas-register`
    /// starts at 0); without it, a never-written register reads nil.
    #[arg(long, allow_hyphen_values = true)]
    pub initial: Option<i64>,
    /// A read that returned nil matches any value, as in Knossos's histories
    /// where nil means the read's value is unknown.
    #[arg(long)]
    pub nil_reads_match_any: bool,
    /// (bank) The total every read must sum to; default: the first read's.
    #[arg(long, allow_hyphen_values = true)]
    pub total_amount: Option<i64>,
    /// (bank) A negative balance is allowed.
    #[arg(long)]
    pub allow_negative_balances: bool,
    /// (long-fork) How many keys every read reads.
    #[arg(long)]
    pub group_size: Option<usize>,
    /// (set-full) Stale reads break it: the set must be linearizable.
    #[arg(long)]
    pub linearizable: bool,
}

/// How to read and check the history, past its spec.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Options {
    /// Check as one object.
    pub no_partition: bool,
    /// The register's initial value.
    pub initial: Option<i64>,
    /// Reads of nil match anything.
    pub nil_reads_match_any: bool,
    /// The bank's total.
    pub total_amount: Option<i64>,
    /// The bank allows negative balances.
    pub negative_balances: bool,
    /// The long fork's group size.
    pub group_size: Option<usize>,
    /// set-full counts stale elements as errors.
    pub linearizable: bool,
}

/// The largest history read: the checkers hold what they keep of it, not
/// its text (a line, and an EDN event, are capped at 256 MB each), so this
/// bounds the time an endless input takes. A million transactions of
/// list-append are about 320 MB.
pub(crate) const MAX_BYTES: u64 = 4 << 30;

impl CheckHistoryArgs {
    /// Checks the file and returns the exit code.
    pub fn run(self) -> i32 {
        if self.timeout_s == Some(0) {
            eprintln!(
                "{me} check-history: --timeout-s must be at least 1",
                me = crate::arg::program()
            );
            return exit::BAD_INPUT;
        }
        if self.memory_mib == 0 {
            eprintln!(
                "{me} check-history: --memory-mib must be at least 1",
                me = crate::arg::program()
            );
            return exit::BAD_INPUT;
        }
        if let Some(why) = self.misplaced_option() {
            eprintln!("{me} check-history: {why}", me = crate::arg::program());
            return exit::BAD_INPUT;
        }
        let options = Options {
            no_partition: self.no_partition,
            initial: self.initial,
            nil_reads_match_any: self.nil_reads_match_any,
            total_amount: self.total_amount,
            negative_balances: self.allow_negative_balances,
            group_size: self.group_size,
            linearizable: self.linearizable,
        };
        let (spec, timeout, memory) = (self.spec, self.timeout_s, self.memory_mib);
        run(spec, options, &self.file, (timeout, memory), self.json)
    }
}

impl CheckHistoryArgs {
    /// An option given for a spec it does not apply to, as a message.
    fn misplaced_option(&self) -> Option<String> {
        let spec = self.spec;
        let given: [(&str, bool, bool); 6] = [
            (
                "--initial",
                self.initial.is_some(),
                spec == SpecName::Register,
            ),
            (
                "--nil-reads-match-any",
                self.nil_reads_match_any,
                spec == SpecName::Register,
            ),
            (
                "--total-amount",
                self.total_amount.is_some(),
                spec == SpecName::Bank,
            ),
            (
                "--allow-negative-balances",
                self.allow_negative_balances,
                spec == SpecName::Bank,
            ),
            (
                "--group-size",
                self.group_size.is_some(),
                spec == SpecName::LongFork,
            ),
            (
                "--linearizable",
                self.linearizable,
                spec == SpecName::SetFull,
            ),
        ];
        let (name, _, _) = given.iter().find(|(_, set, fits)| *set && !fits)?;
        let spec = clap::ValueEnum::to_possible_value(&self.spec).map(|v| v.get_name().to_string());
        Some(format!(
            "{name} does not apply to --spec {}",
            spec.unwrap_or_default()
        ))
    }
}

/// A history's input: standard input for `-`, else the file (a regular
/// file or a character device), read as it is parsed, at most
/// [`MAX_BYTES`] of it.
pub(crate) fn open(file: &Path) -> Result<Input<Box<dyn BufRead>>, String> {
    use sim::artifact::{open_input, Capped};
    let reader: Box<dyn BufRead> = if file == Path::new("-") {
        Box::new(std::io::stdin().lock())
    } else {
        let opened = open_input(file).map_err(|e| match e {
            Capped::Io(e) => format!("cannot read {}: {e}", file.display()),
            Capped::Invalid(why) => format!("{}: {why}", file.display()),
        })?;
        Box::new(std::io::BufReader::with_capacity(64 << 10, opened))
    };
    Ok(Input::new(reader, MAX_BYTES))
}

/// Checks `file` and returns the exit code.
fn run(
    spec: SpecName,
    options: Options,
    file: &Path,
    (timeout_s, memory_mib): (Option<u64>, u64),
    json: bool,
) -> i32 {
    let shown = file.display();
    let mut input = match open(file) {
        Ok(input) => input,
        Err(e) => {
            eprintln!("{me} check-history: {e}", me = crate::arg::program());
            return exit::BAD_INPUT;
        }
    };
    // The time limit: a timer thread cancels the check (sim never reads a clock).
    let cancel = timeout_s.map(|secs| {
        let flag = Arc::new(AtomicBool::new(false));
        let setter = Arc::clone(&flag);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(secs));
            setter.store(true, Ordering::Relaxed);
        });
        flag
    });
    let budget = Budget {
        max_memory_bytes: memory_mib.saturating_mul(1 << 20),
        cancel,
        ..Budget::default()
    };
    let answer = match check_input(spec, options, &mut input, budget) {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "{me} check-history: {shown}: {e}",
                me = crate::arg::program()
            );
            return exit::BAD_INPUT;
        }
    };
    answer.print(json);
    answer.exit_code()
}

/// What a check answers: a linearizability verdict, or a workload
/// checker's.
enum Answer {
    Linear(Verdict),
    Workload(WorkloadVerdict),
}

impl Answer {
    fn print(&self, json: bool) {
        let text = match (self, json) {
            (Answer::Linear(v), true) => serde_json::to_string(v).map(|t| t + "\n"),
            (Answer::Workload(v), true) => serde_json::to_string(v).map(|t| t + "\n"),
            (Answer::Linear(v), false) => Ok(v.to_string()),
            (Answer::Workload(v), false) => Ok(v.to_string()),
        };
        print!("{}", text.expect("a verdict serialises"));
    }

    /// Valid exits 0, invalid 1, and unknown 2.
    fn exit_code(&self) -> i32 {
        match self {
            Answer::Linear(Verdict::Linearizable) => exit::OK,
            Answer::Linear(Verdict::NotLinearizable(_)) => exit::FAILURE_FOUND,
            Answer::Linear(Verdict::Unknown { .. }) => exit::BAD_INPUT,
            Answer::Workload(v) => match v.validity {
                Validity::Valid => exit::OK,
                Validity::Invalid => exit::FAILURE_FOUND,
                Validity::Unknown(_) => exit::BAD_INPUT,
            },
        }
    }
}

/// Reads and checks a history.
fn check_input(
    spec: SpecName,
    options: Options,
    input: &mut Input<impl BufRead>,
    budget: Budget,
) -> Result<Answer, jepsen::ImportError> {
    use sim::workload::{bank, comments, counter, long_fork, sequential, set, set_full};
    let (format, events) = jepsen::read(input)?;
    let linear = |verdict: Result<Verdict, _>| {
        Answer::Linear(verdict.expect("pairing was checked on import"))
    };
    Ok(match spec {
        SpecName::Register => {
            let mut h = jepsen::register_history(&events, format)?;
            if options.nil_reads_match_any {
                h = h.map(nil_read_matches_any);
            }
            // A register has one object: there is nothing to partition.
            linear(check_owned(&RegisterFrom(options.initial), h, budget))
        }
        SpecName::Kv if options.no_partition => {
            let h = jepsen::kv_history(&events, format)?;
            linear(check_owned(&OneObject(Kv), h, budget))
        }
        SpecName::Kv => linear(check_owned(
            &Kv,
            jepsen::kv_history(&events, format)?,
            budget,
        )),
        SpecName::Mutex => linear(check_owned(&Mutex, jepsen::mutex_history(&events)?, budget)),
        SpecName::Bank => {
            let bank_options = bank::BankOptions {
                total: options.total_amount,
                negative_balances: options.negative_balances,
            };
            Answer::Workload(bank::check(&events, &bank_options)?)
        }
        SpecName::Counter => Answer::Workload(counter::check(&events)?),
        SpecName::Set => Answer::Workload(set::check(&events)?),
        SpecName::SetFull => Answer::Workload(set_full::check(&events, options.linearizable)?),
        SpecName::LongFork => Answer::Workload(long_fork::check(&events, options.group_size)?),
        SpecName::Comments => Answer::Workload(comments::check(&events)?),
        SpecName::Sequential => Answer::Workload(sequential::check(&events)?),
    })
}

/// A read that returned nil completes with an unknown result: it matches
/// whatever the register holds.
fn nil_read_matches_any(
    kind: &EventKind<RegisterInput, RegisterOutput>,
) -> EventKind<RegisterInput, RegisterOutput> {
    match kind {
        EventKind::Ok(RegisterOutput::Read(None)) => EventKind::Info,
        other => other.clone(),
    }
}
