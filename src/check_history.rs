//! `faultline check-history --spec register|kv FILE`.
//!
//! Reads a Jepsen history in either form (see `sim::jepsen`), checks it against
//! the chosen spec, and prints the verdict and, when it fails, the
//! counterexample. Malformed input is reported with its line number.

use crate::cli::{EXIT_BAD_INPUT, EXIT_FAILURE_FOUND, EXIT_OK};
use sim::jepsen;
use sim::linearizability::{check_with_budget, Budget, Verdict};
use sim::spec::{kv::Kv, register::Register};
use std::path::Path;
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

/// Checks `file` and returns the exit code.
pub fn run(
    spec: SpecName,
    file: &Path,
    timeout_s: Option<u64>,
    memory_mib: u64,
    json: bool,
) -> i32 {
    let shown = file.display();
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("faultline check-history: cannot read {shown}: {e}");
            return EXIT_BAD_INPUT;
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
    let verdict = match check_text(spec, &text, budget) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("faultline check-history: {shown}: {e}");
            return EXIT_BAD_INPUT;
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
        Verdict::Linearizable => EXIT_OK,
        Verdict::NotLinearizable(_) => EXIT_FAILURE_FOUND,
        Verdict::Unknown { .. } => EXIT_BAD_INPUT,
    }
}

/// Parses and checks a history text.
pub fn check_text(
    spec: SpecName,
    text: &str,
    budget: Budget,
) -> Result<Verdict, jepsen::ImportError> {
    let (format, events) = jepsen::parse(text)?;
    let verdict = match spec {
        SpecName::Register => {
            let h = jepsen::register_history(&events, format)?;
            check_with_budget(&Register, &h, budget)
        }
        SpecName::Kv => {
            let h = jepsen::kv_history(&events, format)?;
            check_with_budget(&Kv, &h, budget)
        }
    };
    Ok(verdict.expect("pairing was checked on import"))
}
