//! The brute-force reference: each guarantee checked straight from its
//! definition, over every pair of operations and every choice of commit
//! instants. Exponential; for the tests' small histories only.

use super::{Guarantee, ReadHistory};
use std::collections::BTreeSet;

/// The guarantees `history` breaks under staleness bound `bound`, or `None`
/// when the history is outside the reference's reach: a write with no
/// version or no acknowledgement, a log that is not exactly `1..=writes`,
/// more than 5 writes, or a write that took more than 16 time units.
pub fn violated(history: &ReadHistory, bound: u64) -> Option<BTreeSet<Guarantee>> {
    let n = history.writes.len();
    let mut by_version = vec![None; n + 1];
    for (i, w) in history.writes.iter().enumerate() {
        let v = w.version? as usize;
        w.ret.filter(|&t| t >= w.call && t - w.call <= 16)?;
        if v == 0 || v > n || by_version[v].replace(i).is_some() {
            return None;
        }
    }
    if n > 5 {
        return None;
    }
    let mut broken = BTreeSet::new();
    if history
        .reads
        .iter()
        .any(|r| !from_prefix(history, &by_version, r))
    {
        broken.insert(Guarantee::PrefixConsistency);
    }
    session_pairs(history, &mut broken);
    if !some_instants_fit(history, &by_version, bound) {
        broken.insert(Guarantee::BoundedStaleness);
    }
    Some(broken)
}

/// Whether the read returned its key's value in the prefix `1..=at`.
fn from_prefix(history: &ReadHistory, by_version: &[Option<usize>], r: &super::Read) -> bool {
    if r.at as usize >= by_version.len() {
        return false;
    }
    let expected = (1..=r.at as usize)
        .rev()
        .map(|v| &history.writes[by_version[v].expect("dense")])
        .find(|w| w.key == r.key)
        .map(|w| w.value);
    expected == r.value
}

/// Every pair of two of one session's operations, the earlier returned
/// before the later was invoked.
fn session_pairs(history: &ReadHistory, broken: &mut BTreeSet<Guarantee>) {
    let version = |w: &super::Write| w.version.expect("in reach");
    let ret = |w: &super::Write| w.ret.expect("in reach");
    for a in &history.writes {
        for b in &history.writes {
            let other = !std::ptr::eq(a, b);
            if other && a.session == b.session && ret(a) <= b.call && version(b) <= version(a) {
                broken.insert(Guarantee::MonotonicWrites);
            }
        }
        for r in &history.reads {
            let promised = r.promise.reads_own_writes();
            if promised && a.session == r.session && ret(a) <= r.call && r.at < version(a) {
                broken.insert(Guarantee::ReadYourWrites);
            }
            if a.session == r.session && r.ret <= a.call && version(a) <= r.at {
                broken.insert(Guarantee::WritesFollowReads);
            }
        }
    }
    for a in &history.reads {
        for b in &history.reads {
            let other = !std::ptr::eq(a, b);
            let promised = other && b.promise.monotonic();
            if promised && a.session == b.session && a.ret <= b.call && b.at < a.at {
                broken.insert(Guarantee::MonotonicReads);
            }
        }
    }
}

/// Tries every non-decreasing choice of whole-number commit instants, each
/// within its write's `[invoke, return]`.
fn some_instants_fit(history: &ReadHistory, by_version: &[Option<usize>], bound: u64) -> bool {
    let n = by_version.len() - 1;
    let mut instants = vec![0i64; n + 1];
    search(history, by_version, bound, &mut instants, 1)
}

fn search(
    history: &ReadHistory,
    by_version: &[Option<usize>],
    bound: u64,
    c: &mut Vec<i64>,
    v: usize,
) -> bool {
    if v == c.len() {
        return history.reads.iter().all(|r| read_fits(r, c, bound));
    }
    let w = &history.writes[by_version[v].expect("dense")];
    let from = if v == 1 {
        w.call as i64
    } else {
        (w.call as i64).max(c[v - 1])
    };
    for t in from..=w.ret.expect("in reach") as i64 {
        c[v] = t;
        if search(history, by_version, bound, c, v + 1) {
            return true;
        }
    }
    false
}

/// Whether some instant of `[call − bound, ret]` has version `at`
/// committed and `at + 1` not yet (both may commit in one nanosecond). Reads past the log are prefix
/// violations and are not judged here.
fn read_fits(r: &super::Read, c: &[i64], bound: u64) -> bool {
    let at = r.at as usize;
    if at >= c.len() {
        return true;
    }
    let floor = if r.promise.bounded() {
        r.call as i64 - bound as i64
    } else {
        i64::MIN
    };
    let from = if at == 0 { i64::MIN } else { c[at] }.max(floor);
    let to = if at + 1 < c.len() {
        c[at + 1]
    } else {
        i64::MAX
    }
    .min(r.ret as i64);
    from <= to
}
