//! The search: Wing and Gong's algorithm with Lowe's memoization, as in Porcupine.
//!
//! The operations of one partition become a doubly linked list of call and return
//! entries in real-time order (an indeterminate operation's return is at the end
//! of time). The search walks the list: at a call entry it tries to linearize that
//! operation now (the spec must give the recorded result); if the resulting
//! (set of linearized operations, state) pair is new, it commits, removes the
//! operation's entries from the list and starts over from the head. At a return
//! entry, the operation returning must already have been linearized, so the search
//! backtracks: it undoes the last commitment and tries the next call after it.
//!
//! One refinement: an operation the spec declares read-only
//! ([`SequentialSpec::is_read_only`]) whose recorded result matches the current
//! state is *forced*. If it can be
//! placed now, any valid completion that places it later can place it now
//! instead: reaching its call entry means every operation that returned before
//! it was invoked is already placed, and moving a read earlier changes no other
//! result. So when everything after a forced placement fails, its siblings would
//! fail too, and the search backtracks straight past it.
//!
//! When only indeterminate operations remain, the history is linearizable: each
//! may take effect after everything else, where its unknown result constrains
//! nothing, which is the same as never taking effect.

use super::budget::{Exhausted, Meter};
use super::memo::{Memo, Placed};
use crate::fxhash::{Fx, FxMap};
use crate::history::Operation;
use crate::spec::SequentialSpec;
use std::hash::{BuildHasherDefault, Hash};

const NIL: usize = usize::MAX;

/// The outcome for one partition.
pub(crate) enum Outcome {
    Linearizable,
    /// With the longest prefix of operations (indices) that was linearized.
    NotLinearizable {
        longest_prefix: Vec<usize>,
    },
    Unknown(Exhausted),
}

/// A state's hash, with the tables' hasher.
fn state_hash<T: Hash>(state: &T) -> u64 {
    use std::hash::BuildHasher;
    BuildHasherDefault::<Fx>::default().hash_one(state)
}

/// Marks a transition whose result differs from the recorded one.
const MISMATCH: u32 = u32::MAX;

/// Bytes a hash table with room for `capacity` entries of `T` occupies: the
/// buckets (7/8 load) and one control byte each.
fn table_bytes<T>(capacity: usize) -> u64 {
    (capacity as u64 * 8 / 7) * (std::mem::size_of::<T>() as u64 + 1)
}

/// The search's tables: states interned to small ids, transitions between them
/// cached, and the memo of visited (linearized set, state id) pairs. Interning
/// means a large state (a long appended string) is cloned and hashed once per
/// distinct transition, not once per search step.
pub(crate) struct Tables<S: SequentialSpec> {
    /// Each distinct state once; its index is its id.
    states: Vec<S::State>,
    /// State hash -> the newest id with that hash; `same_hash` chains the rest.
    by_hash: FxMap<u64, u32>,
    same_hash: Vec<u32>,
    transitions: FxMap<u64, u32>,
    memo: Memo,
    state_heap_bytes: u64,
    charged: u64,
}

impl<S: SequentialSpec> Tables<S> {
    fn new(initial: S::State, words: usize, ops: usize) -> Self {
        let room = ops.min(1 << 12);
        let mut transitions = FxMap::default();
        transitions.reserve(room);
        let mut by_hash = FxMap::default();
        by_hash.reserve(room);
        let mut t = Tables {
            states: Vec::with_capacity(room),
            by_hash,
            same_hash: Vec::with_capacity(room),
            transitions,
            memo: Memo::new(words, ops.min(1 << 12)),
            state_heap_bytes: 0,
            charged: 0,
        };
        t.by_hash.insert(state_hash(&initial), 0);
        t.same_hash.push(MISMATCH);
        t.states.push(initial);
        t
    }

    /// Clears the tables for another partition, keeping their room (and
    /// its charge on the meter) for reuse.
    fn reset(&mut self, initial: S::State, words: usize) {
        self.states.clear();
        self.by_hash.clear();
        self.same_hash.clear();
        self.transitions.clear();
        self.memo.reset(words);
        self.state_heap_bytes = 0;
        self.by_hash.insert(state_hash(&initial), 0);
        self.same_hash.push(MISMATCH);
        self.states.push(initial);
    }

    /// An interned state.
    fn state(&self, id: u32) -> &S::State {
        &self.states[id as usize]
    }

    /// The id of a state already interned, if any.
    fn find(&self, hash: u64, state: &S::State) -> Option<u32> {
        let mut id = *self.by_hash.get(&hash)?;
        while id != MISMATCH {
            if self.states[id as usize] == *state {
                return Some(id);
            }
            id = self.same_hash[id as usize];
        }
        None
    }

    /// Bytes the tables occupy now, plus `extra`.
    fn footprint(&self, extra: u64) -> u64 {
        self.memo.bytes()
            + table_bytes::<(u64, u32)>(self.by_hash.capacity())
            + self.same_hash.capacity() as u64 * 4
            + self.states.capacity() as u64 * std::mem::size_of::<S::State>() as u64
            + self.state_heap_bytes
            + table_bytes::<(u64, u32)>(self.transitions.capacity())
            + extra
    }

    /// Brings the meter up to date; false when over budget.
    fn settle(&mut self, meter: &Meter, extra: u64) -> bool {
        let now = self.footprint(extra);
        let ok = if now > self.charged {
            meter.charge(now - self.charged)
        } else {
            meter.refund(self.charged - now);
            true
        };
        self.charged = now;
        ok
    }

    /// Growth doubles a full table while the old one is still live: charge the
    /// peak before it happens.
    fn growth_peak(len: usize, capacity: usize, bytes: impl Fn(usize) -> u64) -> u64 {
        if len >= capacity {
            bytes(2 * capacity.max(4))
        } else {
            0
        }
    }

    /// The state reached by applying operation `op` in state `from`, or
    /// `MISMATCH` when the spec's result differs from the recorded one. `None`
    /// when the memory budget ran out.
    fn step(
        &mut self,
        spec: &S,
        ops: &[Operation<S::Input, S::Output>],
        from: u32,
        op: usize,
        meter: &Meter,
    ) -> Option<u32> {
        let key = (u64::from(from) << 32) | op as u64;
        if let Some(&to) = self.transitions.get(&key) {
            return Some(to);
        }
        if spec.is_read_only(&ops[op].input) {
            // A read leaves the state as it is: no new state to build.
            let state = &self.states[from as usize];
            let returns = |o: &S::Output| spec.read_returns(state, &ops[op].input, o);
            let to = if ops[op].output.as_ref().is_none_or(returns) {
                from
            } else {
                MISMATCH
            };
            return self.cache(key, to, meter);
        }
        let (next, output) = spec.step(&self.states[from as usize], &ops[op].input);
        let to = if ops[op].output.as_ref().is_some_and(|o| *o != output) {
            MISMATCH
        } else {
            let hash = state_hash(&next);
            match self.find(hash, &next) {
                Some(id) => id,
                None => {
                    let id = u32::try_from(self.states.len())
                        .ok()
                        .filter(|&i| i != MISMATCH)?;
                    let peak =
                        Self::growth_peak(
                            self.by_hash.len(),
                            self.by_hash.capacity(),
                            table_bytes::<(u64, u32)>,
                        ) + Self::growth_peak(self.states.len(), self.states.capacity(), |c| {
                            c as u64 * std::mem::size_of::<S::State>() as u64
                        });
                    self.state_heap_bytes += spec
                        .state_bytes(&next)
                        .saturating_sub(std::mem::size_of::<S::State>())
                        as u64;
                    if !self.settle(meter, peak) {
                        return None;
                    }
                    let previous = self.by_hash.insert(hash, id).unwrap_or(MISMATCH);
                    self.same_hash.push(previous);
                    self.states.push(next);
                    id
                }
            }
        };
        self.cache(key, to, meter)
    }

    /// Remembers transition `key` (state and operation) leads to `to`.
    fn cache(&mut self, key: u64, to: u32, meter: &Meter) -> Option<u32> {
        let peak = Self::growth_peak(
            self.transitions.len(),
            self.transitions.capacity(),
            table_bytes::<(u64, u32)>,
        );
        if peak > 0 && !self.settle(meter, peak) {
            return None;
        }
        self.transitions.insert(key, to);
        Some(to)
    }

    /// Records (linearized, state) as visited. `Some(true)` if it is new,
    /// `Some(false)` if seen before, `None` when the memory budget ran out.
    fn visit(&mut self, linearized: &Placed, state: u32, meter: &Meter) -> Option<bool> {
        let grown = self.memo.bytes_after_growth() - self.memo.bytes();
        if grown > 0 && !self.settle(meter, grown) {
            return None;
        }
        if !self.memo.visit(linearized, state) {
            return Some(false);
        }
        self.settle(meter, 0).then_some(true)
    }

    pub(crate) fn release(self, meter: &Meter) {
        meter.refund(self.charged);
    }
}

/// The call/return list.
struct Entries {
    next: Vec<usize>,
    prev: Vec<usize>,
    /// Entry -> operation; calls are `2 * op`, returns `2 * op + 1`.
    head: usize,
}

impl Entries {
    /// Orders entries by history position; indeterminate returns go last, by op.
    fn build<I, O>(ops: &[Operation<I, O>]) -> Entries {
        let n = ops.len();
        let mut order: Vec<(usize, usize, usize)> = Vec::with_capacity(2 * n);
        for (i, op) in ops.iter().enumerate() {
            order.push((op.call_index, 0, 2 * i));
            order.push((op.return_index.unwrap_or(usize::MAX), 1, 2 * i + 1));
        }
        order.sort_unstable();
        let total = 2 * n;
        // Slot `total` is the head sentinel.
        let mut next = vec![NIL; total + 1];
        let mut prev = vec![NIL; total + 1];
        let mut last = total;
        for &(_, _, e) in &order {
            next[last] = e;
            prev[e] = last;
            last = e;
        }
        Entries {
            next,
            prev,
            head: total,
        }
    }

    fn first(&self) -> usize {
        self.next[self.head]
    }

    /// Removes an operation's call and return entries.
    fn lift(&mut self, op: usize) {
        for e in [2 * op, 2 * op + 1] {
            let (p, n) = (self.prev[e], self.next[e]);
            self.next[p] = n;
            if n != NIL {
                self.prev[n] = p;
            }
        }
    }

    /// Puts them back (exact inverse of `lift`, in reverse order).
    fn unlift(&mut self, op: usize) {
        for e in [2 * op + 1, 2 * op] {
            let (p, n) = (self.prev[e], self.next[e]);
            self.next[p] = e;
            if n != NIL {
                self.prev[n] = e;
            }
        }
    }
}

/// How many list entries past the head the look-ahead examines for reads.
const READ_LOOKAHEAD: usize = 16;

/// Whether every determinate read among the first [`READ_LOOKAHEAD`] entries
/// of the list (none of them placed yet) can still return its recorded value
/// after `state` ([`SequentialSpec::read_still_possible`]), given the
/// operations that can still restore a read: `writers`
/// ([`SequentialSpec::can_restore_reads`]) not yet placed. Any unplaced operation is placed
/// after everything placed so far, so asking it of any unplaced read is
/// sound; the nearest reads are the ones a wrong order of writes
/// contradicts first.
fn reads_ahead_possible<S: SequentialSpec>(
    spec: &S,
    ops: &[Operation<S::Input, S::Output>],
    entries: &Entries,
    writers: &[usize],
    linearized: &Placed,
    state: &S::State,
) -> bool {
    let mut entry = entries.first();
    for _ in 0..READ_LOOKAHEAD {
        if entry == NIL {
            break;
        }
        let op = entry / 2;
        if entry.is_multiple_of(2) && !linearized.get(op) && spec.is_read_only(&ops[op].input) {
            if let Some(output) = &ops[op].output {
                let unplaced = writers.iter().filter(|&&w| !linearized.get(w));
                let mut remaining = unplaced.map(|&w| &ops[w].input);
                if !spec.read_still_possible(state, &ops[op].input, output, &mut remaining) {
                    return false;
                }
            }
        }
        entry = entries.next[entry];
    }
    true
}

/// The search's position: what is placed, in what order, and the state. A
/// walk can be advanced a number of steps at a time ([`Walk::advance`]), so
/// that the partitions of one history take turns.
pub(crate) struct Walk<'a, S: SequentialSpec> {
    spec: &'a S,
    ops: &'a [Operation<S::Input, S::Output>],
    entries: Entries,
    linearized: Placed,
    tables: Tables<S>,
    state: u32,
    /// (operation, state before it, whether it was a forced read-only placement)
    stack: Vec<(usize, u32, bool)>,
    longest: Vec<usize>,
    determinate_left: usize,
    /// The list entry the walk looks at next.
    entry: usize,
    /// The operations that can make an impossible read possible again
    /// ([`SequentialSpec::can_restore_reads`]), in history order.
    writers: Vec<usize>,
    /// Steps taken so far.
    steps: u64,
}

/// What trying to place an operation at its call entry did.
enum Tried {
    /// Placed: the walk starts over from the head of the list.
    Yes,
    /// Not here: the walk goes on to the next entry.
    No,
}

impl<'a, S: SequentialSpec> Walk<'a, S> {
    /// A walk over one partition's operations, at the start, using the
    /// tables of an ended walk if given (cleared; their room kept).
    pub(crate) fn new(
        spec: &'a S,
        ops: &'a [Operation<S::Input, S::Output>],
        recycled: Option<Tables<S>>,
    ) -> Self {
        let linearized = Placed::new(ops.len());
        let tables = match recycled {
            Some(mut t) => {
                t.reset(spec.init(), linearized.words());
                t
            }
            None => Tables::new(spec.init(), linearized.words(), ops.len()),
        };
        let entries = Entries::build(ops);
        let writers = (0..ops.len())
            .filter(|&i| S::READ_LOOK_AHEAD && spec.can_restore_reads(&ops[i].input))
            .collect();
        Walk {
            spec,
            ops,
            entry: entries.first(),
            writers,
            steps: 0,
            entries,
            linearized,
            tables,
            state: 0,
            stack: Vec::new(),
            longest: Vec::new(),
            determinate_left: ops.iter().filter(|o| o.output.is_some()).count(),
        }
    }

    /// Tries to linearize `op` now: the spec must give its recorded result,
    /// and the (placed set, state) pair must be new and not a dead end.
    fn try_place(&mut self, op: usize, meter: &Meter) -> Result<Tried, Exhausted> {
        let (spec, ops) = (self.spec, self.ops);
        let next = self
            .tables
            .step(spec, ops, self.state, op, meter)
            .ok_or(Exhausted::Memory)?;
        if next == MISMATCH {
            return Ok(Tried::No);
        }
        self.linearized.set(op);
        let fresh = self
            .tables
            .visit(&self.linearized, next, meter)
            .ok_or(Exhausted::Memory)?;
        let read_only = spec.is_read_only(&ops[op].input);
        // A dead end (recorded as visited): some read ahead can no longer
        // return what it returned.
        let dead_end = || {
            S::READ_LOOK_AHEAD
                && !read_only
                && !reads_ahead_possible(
                    spec,
                    ops,
                    &self.entries,
                    &self.writers,
                    &self.linearized,
                    self.tables.state(next),
                )
        };
        if !fresh || dead_end() {
            self.linearized.clear(op);
            return Ok(Tried::No);
        }
        self.stack.push((op, self.state, read_only));
        self.state = next;
        self.entries.lift(op);
        if ops[op].output.is_some() {
            self.determinate_left -= 1;
        }
        Ok(Tried::Yes)
    }

    /// At a return entry: undoes placements back to the last one that was
    /// not forced (see the module doc) and returns the entry after its call,
    /// or `None` when nothing is left to undo.
    fn backtrack(&mut self) -> Option<usize> {
        if self.stack.len() > self.longest.len() {
            self.longest = self.stack.iter().map(|(op, _, _)| *op).collect();
        }
        loop {
            let (undo, previous, forced) = self.stack.pop()?;
            self.state = previous;
            self.linearized.clear(undo);
            self.entries.unlift(undo);
            if self.ops[undo].output.is_some() {
                self.determinate_left += 1;
            }
            if !forced {
                return Some(self.entries.next[2 * undo]);
            }
        }
    }

    /// Walks the list for at most `quantum` more steps: the verdict, if it
    /// reached one (or a budget's end), else `None`.
    pub(crate) fn advance(&mut self, meter: &Meter, quantum: u64) -> Option<Outcome> {
        let stop = self.steps.saturating_add(quantum);
        while self.steps < stop {
            if let Some(outcome) = self.step(meter) {
                return Some(outcome);
            }
        }
        None
    }

    /// One step of the walk.
    #[inline]
    fn step(&mut self, meter: &Meter) -> Option<Outcome> {
        if self.determinate_left == 0 {
            return Some(Outcome::Linearizable);
        }
        self.steps += 1;
        if self.steps > meter.max_steps() {
            return Some(Outcome::Unknown(Exhausted::Steps));
        }
        if self.steps.is_multiple_of(4096) && meter.cancelled() {
            return Some(Outcome::Unknown(Exhausted::Cancelled));
        }
        let entry = self.entry;
        debug_assert!(
            entry != NIL,
            "a determinate return always precedes the end of the list"
        );
        self.entry = if entry.is_multiple_of(2) {
            match self.try_place(entry / 2, meter) {
                Err(exhausted) => return Some(Outcome::Unknown(exhausted)),
                Ok(Tried::Yes) => self.entries.first(),
                Ok(Tried::No) => self.entries.next[entry],
            }
        } else {
            match self.backtrack() {
                Some(next) => next,
                None => {
                    let longest_prefix = std::mem::take(&mut self.longest);
                    return Some(Outcome::NotLinearizable { longest_prefix });
                }
            }
        };
        None
    }

    /// Gives the walk's memory back to the meter.
    pub(crate) fn release(self, meter: &Meter) {
        self.tables.release(meter);
    }

    /// Ends the walk, keeping its tables for another (see [`Walk::new`]).
    pub(crate) fn into_tables(self) -> Tables<S> {
        self.tables
    }
}
