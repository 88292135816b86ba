//! Bounded staleness: is there a commit instant for every version, inside
//! its write's `[invoke, return]` and in log order, such that every read at
//! version `a` saw the committed state at an instant of `[invoke − b,
//! return]` (version `a` committed, `a + 1` not yet)?
//!
//! Every constraint is either an upper bound (a write's return, a read's
//! return) or a lower bound that grows along the log (a write's invoke, the
//! previous version's instant, a read of the previous version). So the
//! least instants that meet the lower bounds, computed in one pass, fit
//! under the upper bounds if any instants do. A violation names the
//! cheapest witness it can: a write acknowledged more than the bound
//! before a read that missed it, or a read of a write invoked after the
//! read returned; else the version that cannot be placed.

use super::{describe, Guarantee, ReadHistory, Violation, WriteIndex};
use crate::time::{SimDuration, SimTime};

/// The violation, if the history breaks the bound.
pub(super) fn check(history: &ReadHistory, index: &WriteIndex, bound: u64) -> Option<Violation> {
    let violation = |message: String| {
        Some(Violation {
            guarantee: Guarantee::BoundedStaleness,
            message,
        })
    };
    // Versions outside 1..=writes are prefix-consistency violations,
    // reported there; here they are left out, so no table outgrows the history.
    let n = history.writes.len() as u64;
    let last = history
        .writes
        .iter()
        .filter_map(|w| w.version)
        .chain(history.reads.iter().map(|r| r.at))
        .filter(|&v| v <= n)
        .max()
        .unwrap_or(0) as usize;
    // The earliest acknowledgement of any version after each version.
    let mut acked_after = vec![None::<(u64, usize)>; last + 2];
    for (i, w) in history.writes.iter().enumerate() {
        if let (Some(v @ 1..), Some(ret)) = (w.version.filter(|&v| v <= n), w.ret) {
            let slot = &mut acked_after[v as usize - 1];
            if slot.is_none_or(|(t, _)| ret < t) {
                *slot = Some((ret, i));
            }
        }
    }
    for v in (0..=last).rev() {
        let later = acked_after[v + 1];
        if later.is_some_and(|(t, _)| acked_after[v].is_none_or(|(u, _)| t < u)) {
            acked_after[v] = later;
        }
    }
    let b = SimDuration::from_nanos(bound);
    for r in history.reads.iter().filter(|r| r.at <= n) {
        let bounded = r.promise.bounded();
        if let Some((ret, w)) =
            acked_after[r.at as usize].filter(|&(t, _)| bounded && t.saturating_add(bound) < r.call)
        {
            return violation(format!(
                "{} missed {}: it was acknowledged at {}, more than the bound of {b} before the read began",
                describe::read(r),
                describe::write(&history.writes[w]),
                SimTime(ret)
            ));
        }
        let seen = r.value.and_then(|v| index.by_value.get(&(r.key, v)));
        // A write in the read's state (a later one is prefix consistency's
        // business) that began after the read had returned.
        let in_state = |w: usize| history.writes[w].version.is_none_or(|v| v <= r.at);
        if let Some(&w) = seen.filter(|&&w| in_state(w) && history.writes[w].call > r.ret) {
            return violation(format!(
                "{} returned {}, which was invoked after the read returned",
                describe::read(r),
                describe::write(&history.writes[w])
            ));
        }
    }
    least_instants(history, index, bound, last)
        .err()
        .and_then(violation)
}

/// One version's constraints.
#[derive(Clone, Copy)]
struct Slot {
    /// It commits no earlier than this.
    lower: i128,
    /// It commits no later than this.
    upper: i128,
    /// A read at this version invoked this early (less the bound) forces the
    /// next version to commit no earlier.
    read_floor: Option<i128>,
}

/// The least commit instants, or why a version cannot be placed.
fn least_instants(
    history: &ReadHistory,
    index: &WriteIndex,
    bound: u64,
    last: usize,
) -> Result<(), String> {
    let free = Slot {
        lower: i128::MIN / 4,
        upper: i128::MAX / 4,
        read_floor: None,
    };
    let mut slots = vec![free; last + 1];
    let n = last as u64;
    for w in &history.writes {
        if let Some(v @ 1..) = w.version.filter(|&v| v <= n) {
            let slot = &mut slots[v as usize];
            slot.lower = slot.lower.max(i128::from(w.call));
            if let Some(ret) = w.ret {
                slot.upper = slot.upper.min(i128::from(ret));
            }
        }
    }
    for r in history.reads.iter().filter(|r| r.at <= n) {
        let slot = &mut slots[r.at as usize];
        slot.upper = slot.upper.min(i128::from(r.ret));
        if r.promise.bounded() {
            let floor = i128::from(r.call) - i128::from(bound);
            slot.read_floor = Some(slot.read_floor.map_or(floor, |f| f.max(floor)));
        }
        // A write seen whose version the client never learned is at or
        // below the read's version: that version committed after its invoke.
        let seen = r.value.and_then(|v| index.by_value.get(&(r.key, v)));
        if let Some(&w) = seen.filter(|&&w| history.writes[w].version.is_none()) {
            slot.lower = slot.lower.max(i128::from(history.writes[w].call));
        }
    }
    let mut previous = slots[0].lower.max(i128::MIN / 4);
    for v in 1..=last {
        let mut instant = previous.max(slots[v].lower);
        if let Some(floor) = slots[v - 1].read_floor {
            instant = instant.max(floor);
        }
        if instant > slots[v].upper {
            return Err(format!(
                "no order of commit instants fits: version {v} must commit by {} (its write's or a read's return), yet no earlier than {} (the versions before it, and reads that had not seen it that began then, less the bound)",
                SimTime(slots[v].upper.max(0) as u64),
                SimTime(instant.max(0) as u64)
            ));
        }
        previous = instant;
    }
    Ok(())
}
