//! The counterexample: why a history is not linearizable, in words.
//!
//! It names the longest prefix of operations the search could linearize, the
//! state that prefix leaves, and the operations that could come next by real-time
//! order, each with why it cannot: either the spec gives a different result from
//! that state, or it fits but leaves the rest unplaceable.

use crate::history::Operation;
use crate::spec::SequentialSpec;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One operation, rendered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpReport {
    /// The client process.
    pub process: u64,
    /// The input, as `Debug` text.
    pub input: String,
    /// The result, or `?` when indeterminate.
    pub output: String,
    /// Recorded invoke time.
    pub call_time: u64,
    /// Recorded completion time, if any.
    pub return_time: Option<u64>,
}

impl OpReport {
    fn of<I: fmt::Debug, O: fmt::Debug>(op: &Operation<I, O>) -> OpReport {
        OpReport {
            process: op.process,
            input: format!("{:?}", op.input),
            output: op
                .output
                .as_ref()
                .map_or_else(|| "?".to_string(), |o| format!("{o:?}")),
            call_time: op.call_time,
            return_time: op.return_time,
        }
    }
}

impl fmt::Display for OpReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let until = self
            .return_time
            .map_or_else(|| "never returned".to_string(), |t| t.to_string());
        write!(
            f,
            "p{} {} -> {}  [t={}..{}]",
            self.process, self.input, self.output, self.call_time, until
        )
    }
}

/// An operation that cannot be placed after the prefix, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StuckOp {
    /// The operation.
    pub op: OpReport,
    /// Why it cannot come next.
    pub reason: String,
}

/// Why a history (or one key of it) is not linearizable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counterexample {
    /// The partition key, for keyed specs.
    pub key: Option<String>,
    /// The longest linearizable prefix, in linearization order.
    pub prefix: Vec<OpReport>,
    /// The spec state after the prefix.
    pub state_after_prefix: String,
    /// The operations that could come next by real time, none of which can.
    pub stuck: Vec<StuckOp>,
    /// Other partitions (keys) stopped unfinished once this one was proven
    /// not linearizable: the history is not linearizable whatever they hold.
    #[serde(default)]
    pub partitions_stopped: usize,
}

/// How many prefix operations the text form shows (the struct keeps them all).
const PREFIX_SHOWN: usize = 10;

impl Counterexample {
    pub(crate) fn build<S: SequentialSpec>(
        spec: &S,
        key: Option<String>,
        ops: &[Operation<S::Input, S::Output>],
        prefix: &[usize],
    ) -> Counterexample {
        let mut state = spec.init();
        let mut placed = vec![false; ops.len()];
        for &i in prefix {
            state = spec.step(&state, &ops[i].input).0;
            placed[i] = true;
        }
        let deadline = ops
            .iter()
            .enumerate()
            .filter(|(i, o)| !placed[*i] && o.output.is_some())
            .filter_map(|(_, o)| o.return_index)
            .min()
            .unwrap_or(usize::MAX);
        // A read that no order of the unplaced operations can satisfy after
        // the prefix (the search's look-ahead abandons every order that leads
        // there): reported wherever it is in the history.
        let impossible = |i: usize, o: &Operation<S::Input, S::Output>| {
            let Some(got) = &o.output else { return false };
            if placed[i] || !spec.is_read_only(&o.input) {
                return false;
            }
            let mut remaining = (0..ops.len())
                .filter(|&j| !placed[j] && j != i && spec.can_restore_reads(&ops[j].input))
                .map(|j| &ops[j].input);
            !spec.read_still_possible(&state, &o.input, got, &mut remaining)
        };
        let stuck = ops
            .iter()
            .enumerate()
            .filter(|&(i, o)| !placed[i] && (o.call_index < deadline || impossible(i, o)))
            .map(|(i, o)| {
                let (_, expected) = spec.step(&state, &o.input);
                let reason = match &o.output {
                    _ if impossible(i, o) => "no order of the operations not yet placed can \
                                              make it return this after the prefix"
                        .to_string(),
                    Some(got) if *got != expected => {
                        format!("from this state the spec returns {expected:?}")
                    }
                    _ => "it fits here, but then the remaining operations cannot all be placed"
                        .to_string(),
                };
                StuckOp {
                    op: OpReport::of(o),
                    reason,
                }
            })
            .collect();
        Counterexample {
            key,
            prefix: prefix.iter().map(|&i| OpReport::of(&ops[i])).collect(),
            state_after_prefix: format!("{state:?}"),
            stuck,
            partitions_stopped: 0,
        }
    }
}

impl fmt::Display for Counterexample {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.key {
            Some(k) => writeln!(f, "not linearizable (key {k:?})")?,
            None => writeln!(f, "not linearizable")?,
        }
        writeln!(
            f,
            "longest linearizable prefix: {} operations",
            self.prefix.len()
        )?;
        let skip = self.prefix.len().saturating_sub(PREFIX_SHOWN);
        if skip > 0 {
            writeln!(f, "  ... {skip} earlier operations")?;
        }
        for op in &self.prefix[skip..] {
            writeln!(f, "  {op}")?;
        }
        writeln!(f, "state after the prefix: {}", self.state_after_prefix)?;
        writeln!(f, "no operation can come next:")?;
        for s in &self.stuck {
            writeln!(f, "  {}: {}", s.op, s.reason)?;
        }
        if self.partitions_stopped > 0 {
            let n = self.partitions_stopped;
            writeln!(
                f,
                "({n} other keys were not checked to the end: this one decides)"
            )?;
        }
        Ok(())
    }
}
