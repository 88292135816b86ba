//! The determinism self-check: run the same scenario twice and compare the two
//! traces event by event.
//!
//! The engine itself is deterministic, so a divergence means the model (or the
//! harness driving it) consults something outside the seed: a `HashMap`'s
//! iteration order, the wall clock, a global counter, an OS-seeded RNG. The report
//! names the first event at which the runs differ, from each run, which is where
//! to start looking.

use crate::engine::Simulation;
use crate::node::Node;
use crate::trace::{hash_hex, TraceRecord};
use std::fmt;

/// Where two runs of the same scenario first differ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// Index of the first differing event.
    pub index: usize,
    /// That event in the first run (`None` if the first run ended earlier).
    pub first: Option<TraceRecord>,
    /// That event in the second run (`None` if the second run ended earlier).
    pub second: Option<TraceRecord>,
    /// The two final trace hashes.
    pub hashes: (u64, u64),
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |r: &Option<TraceRecord>| {
            r.as_ref()
                .map_or_else(|| "(run ended)".to_string(), |r| r.to_string())
        };
        writeln!(
            f,
            "nondeterminism: the runs diverge at event {}",
            self.index
        )?;
        writeln!(f, "  first run:  {}", show(&self.first))?;
        writeln!(f, "  second run: {}", show(&self.second))?;
        write!(
            f,
            "  trace hashes: {} vs {}",
            hash_hex(self.hashes.0),
            hash_hex(self.hashes.1)
        )
    }
}

impl std::error::Error for Divergence {}

/// The first index at which two recorded traces differ, if any.
pub fn first_divergence(a: &[TraceRecord], b: &[TraceRecord]) -> Option<usize> {
    let common = a.len().min(b.len());
    (0..common)
        .find(|&i| a[i] != b[i])
        .or((a.len() != b.len()).then_some(common))
}

/// Builds the scenario with `make`, drives it with `drive`, twice, with full
/// recording, and compares. Returns the trace hash when the runs agree.
pub fn check<N: Node>(
    mut make: impl FnMut() -> Simulation<N>,
    mut drive: impl FnMut(&mut Simulation<N>),
) -> Result<u64, Box<Divergence>> {
    let mut run = || {
        let mut sim = make();
        sim.set_recording(true);
        drive(&mut sim);
        sim
    };
    let (a, b) = (run(), run());
    let (ra, rb) = (
        a.trace().records().unwrap_or_default(),
        b.trace().records().unwrap_or_default(),
    );
    let hashes = (a.trace_hash(), b.trace_hash());
    match first_divergence(ra, rb) {
        None if hashes.0 == hashes.1 => Ok(hashes.0),
        found => {
            // Equal records but different hashes can only come from events before
            // recording was switched on; report the start.
            let index = found.unwrap_or(0);
            Err(Box::new(Divergence {
                index,
                first: ra.get(index).cloned(),
                second: rb.get(index).cloned(),
                hashes,
            }))
        }
    }
}
