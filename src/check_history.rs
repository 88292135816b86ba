//! `faultline check-history --spec register|kv FILE`.
//!
//! Reads a Jepsen history in either form (see `sim::jepsen`), checks it against
//! the chosen spec, and prints the verdict and, when it fails, the
//! counterexample. Malformed input is reported with its line number.

use crate::exit;
use sim::history::EventKind;
use sim::input::Input;
use sim::jepsen;
use sim::linearizability::{check_owned, Budget, Verdict};
use sim::spec::kv::Kv;
use sim::spec::one_object::OneObject;
use sim::spec::register::{RegisterFrom, RegisterInput, RegisterOutput};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The specs `check-history` offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SpecName {
    /// read / write / cas on one register; never written reads nil.
    Register,
    /// get / put / append per key; never written reads "".
    Kv,
}

/// `faultline check-history`.
#[derive(Debug, clap::Args)]
pub struct CheckHistoryArgs {
    /// The sequential spec to check against.
    #[arg(long, value_enum)]
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
}

/// The largest history read (Porcupine's largest is a few hundred
/// kilobytes; Jepsen's longest runs, tens of megabytes).
pub(crate) const MAX_BYTES: u64 = 256 << 20;

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
        let kv_only = self.spec == SpecName::Kv;
        if kv_only && (self.initial.is_some() || self.nil_reads_match_any) {
            eprintln!(
                "{me} check-history: --initial and --nil-reads-match-any are for --spec register",
                me = crate::arg::program()
            );
            return exit::BAD_INPUT;
        }
        let options = Options {
            no_partition: self.no_partition,
            initial: self.initial,
            nil_reads_match_any: self.nil_reads_match_any,
        };
        let (spec, timeout, memory) = (self.spec, self.timeout_s, self.memory_mib);
        run(spec, options, &self.file, (timeout, memory), self.json)
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
    let verdict = match check_input(spec, options, &mut input, budget) {
        Ok(v) => v,
        Err(e) => {
            eprintln!(
                "{me} check-history: {shown}: {e}",
                me = crate::arg::program()
            );
            return exit::BAD_INPUT;
        }
    };
    if json {
        println!(
            "{}",
            serde_json::to_string(&verdict).expect("a verdict serialises")
        );
    } else {
        print!("{verdict}");
    }
    match verdict {
        Verdict::Linearizable => exit::OK,
        Verdict::NotLinearizable(_) => exit::FAILURE_FOUND,
        Verdict::Unknown { .. } => exit::BAD_INPUT,
    }
}

/// Reads and checks a history.
fn check_input(
    spec: SpecName,
    options: Options,
    input: &mut Input<impl BufRead>,
    budget: Budget,
) -> Result<Verdict, jepsen::ImportError> {
    let (format, events) = jepsen::read(input)?;
    let verdict = match spec {
        SpecName::Register => {
            let mut h = jepsen::register_history(&events, format)?;
            if options.nil_reads_match_any {
                h = h.map(nil_read_matches_any);
            }
            // A register has one object: there is nothing to partition.
            check_owned(&RegisterFrom(options.initial), h, budget)
        }
        SpecName::Kv if options.no_partition => {
            check_owned(&OneObject(Kv), jepsen::kv_history(&events, format)?, budget)
        }
        SpecName::Kv => check_owned(&Kv, jepsen::kv_history(&events, format)?, budget),
    };
    Ok(verdict.expect("pairing was checked on import"))
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
