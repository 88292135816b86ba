//! The session guarantees of Terry et al.: read-your-writes, monotonic
//! reads, monotonic writes and writes-follow-reads, per session. "After"
//! is real time: the earlier operation returned before the later one was
//! invoked.

use super::{describe, Guarantee, ReadHistory, Violation};
use std::collections::BTreeMap;

/// One of a session's operations.
#[derive(Clone, Copy)]
enum Op {
    Write(usize),
    Read(usize),
}

/// What a session's operations that have returned so far established: the
/// two latest acknowledged writes and the two latest read states (from
/// different operations), so that an operation that returned the instant
/// it was invoked is never held against itself.
#[derive(Default)]
struct Seen {
    wrote: Top2,
    read: Top2,
}

/// The two largest (version, operation) pairs seen, from different operations.
#[derive(Default, Clone, Copy)]
struct Top2([Option<(u64, usize)>; 2]);

impl Top2 {
    fn add(&mut self, version: u64, op: usize) {
        let [first, second] = &mut self.0;
        if first.is_none_or(|(v, _)| version > v) {
            *second = *first;
            *first = Some((version, op));
        } else if second.is_none_or(|(v, _)| version > v) {
            *second = Some((version, op));
        }
    }

    /// The largest, from an operation other than `me`.
    fn best_except(&self, me: usize) -> Option<(u64, usize)> {
        self.0.into_iter().flatten().find(|&(_, op)| op != me)
    }
}

/// One violation per broken guarantee, for the first operation that broke it.
pub(super) fn check(history: &ReadHistory) -> Vec<Violation> {
    let mut sessions: BTreeMap<u64, Vec<(u64, Option<u64>, Op)>> = BTreeMap::new();
    for (i, w) in history.writes.iter().enumerate() {
        sessions
            .entry(w.session)
            .or_default()
            .push((w.call, w.ret, Op::Write(i)));
    }
    for (i, r) in history.reads.iter().enumerate() {
        sessions
            .entry(r.session)
            .or_default()
            .push((r.call, Some(r.ret), Op::Read(i)));
    }
    let mut found: BTreeMap<Guarantee, Violation> = BTreeMap::new();
    for ops in sessions.values() {
        check_session(history, ops, &mut found);
    }
    found.into_values().collect()
}

/// Walks one session's operations by invocation, folding in each earlier
/// operation once it has returned.
fn check_session(
    history: &ReadHistory,
    ops: &[(u64, Option<u64>, Op)],
    found: &mut BTreeMap<Guarantee, Violation>,
) {
    let mut by_call: Vec<usize> = (0..ops.len()).collect();
    by_call.sort_by_key(|&i| ops[i].0);
    let mut by_ret: Vec<(u64, usize)> = ops
        .iter()
        .enumerate()
        .filter_map(|(i, op)| op.1.map(|ret| (ret, i)))
        .collect();
    by_ret.sort_unstable();
    let mut seen = Seen::default();
    let mut returned = 0;
    for i in by_call {
        let call = ops[i].0;
        while returned < by_ret.len() && by_ret[returned].0 <= call {
            fold(history, ops[by_ret[returned].1].2, &mut seen);
            returned += 1;
        }
        judge(history, ops[i].2, &seen, found);
    }
}

/// Adds a returned operation to what the session has seen.
fn fold(history: &ReadHistory, op: Op, seen: &mut Seen) {
    match op {
        Op::Write(w) => {
            if let Some(v) = history.writes[w].version {
                seen.wrote.add(v, w);
            }
        }
        Op::Read(r) => seen.read.add(history.reads[r].at, r),
    }
}

/// Holds one operation against what its session saw before it.
fn judge(history: &ReadHistory, op: Op, seen: &Seen, found: &mut BTreeMap<Guarantee, Violation>) {
    let mut report = |guarantee: Guarantee, message: String| {
        found
            .entry(guarantee)
            .or_insert(Violation { guarantee, message });
    };
    match op {
        Op::Read(r) => {
            let read = &history.reads[r];
            let own_writes = read.promise.reads_own_writes();
            if let Some((v, w)) = seen.wrote.0[0].filter(|&(v, _)| own_writes && read.at < v) {
                let write = describe::write(&history.writes[w]);
                let msg = format!(
                    "{} is older than the session's own {write} (version {v})",
                    describe::read(read)
                );
                report(Guarantee::ReadYourWrites, msg);
            }
            let monotonic = read.promise.monotonic();
            let earlier = seen.read.best_except(r);
            if let Some((at, e)) = earlier.filter(|&(at, _)| monotonic && read.at < at) {
                let earlier = describe::read(&history.reads[e]);
                let msg = format!(
                    "{} went back from the session's earlier {earlier} (version {at})",
                    describe::read(read)
                );
                report(Guarantee::MonotonicReads, msg);
            }
        }
        Op::Write(w) => {
            let write = &history.writes[w];
            let Some(version) = write.version else { return };
            if let Some((v, e)) = seen.wrote.best_except(w).filter(|&(v, _)| version <= v) {
                let earlier = describe::write(&history.writes[e]);
                let msg = format!(
                    "{} is not after the session's earlier {earlier} (version {v})",
                    describe::write(write)
                );
                report(Guarantee::MonotonicWrites, msg);
            }
            if let Some((at, r)) = seen.read.0[0].filter(|&(at, _)| version <= at) {
                let read = describe::read(&history.reads[r]);
                let msg = format!(
                    "{} is not after the state of the session's earlier {read} (version {at})",
                    describe::write(write)
                );
                report(Guarantee::WritesFollowReads, msg);
            }
        }
    }
}
