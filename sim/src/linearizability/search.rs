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
use crate::history::Operation;
use crate::spec::SequentialSpec;
use std::hash::{BuildHasherDefault, Hash, Hasher};

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

/// A fixed bit set over operation indices.
#[derive(Clone, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn clear(&mut self, i: usize) {
        self.0[i / 64] &= !(1 << (i % 64));
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
}

/// FxHash with a final avalanche: the tables are only probed, never iterated, so
/// a fast fixed hash is both quick and deterministic. The avalanche matters: the
/// raw multiply's low bits depend only on the key's low bits, and the hash table
/// picks buckets by the low bits.
#[derive(Default)]
struct Fx(u64);
impl Hasher for Fx {
    fn finish(&self) -> u64 {
        // MurmurHash3's fmix64.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

#[allow(clippy::disallowed_types)] // probed, never iterated; fixed hasher
type FxSet<K> = std::collections::HashSet<K, BuildHasherDefault<Fx>>;
#[allow(clippy::disallowed_types)] // probed, never iterated; fixed hasher
type FxMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fx>>;

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

/// Heap bytes of one bit set, with the allocator's rounding and header.
fn bits_heap_bytes(words: usize) -> u64 {
    (words as u64 * 8).div_ceil(16) * 16 + 16
}

/// The search's tables: states interned to small ids, transitions between them
/// cached, and the memo of visited (linearized set, state id) pairs. Interning
/// means a large state (a long appended string) is cloned and hashed once per
/// distinct transition, not once per search step.
struct Tables<S: SequentialSpec> {
    /// Each distinct state once; its index is its id.
    states: Vec<S::State>,
    /// State hash -> the newest id with that hash; `same_hash` chains the rest.
    by_hash: FxMap<u64, u32>,
    same_hash: Vec<u32>,
    transitions: FxMap<u64, u32>,
    memo: FxSet<(Bits, u32)>,
    state_heap_bytes: u64,
    bits_heap: u64,
    charged: u64,
}

impl<S: SequentialSpec> Tables<S> {
    fn new(initial: S::State, words: usize) -> Self {
        let mut t = Tables {
            states: Vec::new(),
            by_hash: FxMap::default(),
            same_hash: Vec::new(),
            transitions: FxMap::default(),
            memo: FxSet::default(),
            state_heap_bytes: 0,
            bits_heap: bits_heap_bytes(words),
            charged: 0,
        };
        t.by_hash.insert(state_hash(&initial), 0);
        t.same_hash.push(MISMATCH);
        t.states.push(initial);
        t
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
        table_bytes::<(Bits, u32)>(self.memo.capacity())
            + self.memo.len() as u64 * self.bits_heap
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
    fn visit(&mut self, linearized: &Bits, state: u32, meter: &Meter) -> Option<bool> {
        let peak = Self::growth_peak(
            self.memo.len(),
            self.memo.capacity(),
            table_bytes::<(Bits, u32)>,
        );
        if peak > 0 && !self.settle(meter, peak) {
            return None;
        }
        if !self.memo.insert((linearized.clone(), state)) {
            return Some(false);
        }
        self.settle(meter, 0).then_some(true)
    }

    fn release(self, meter: &Meter) {
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
const READ_LOOKAHEAD: usize = 64;

/// Whether every determinate read among the first [`READ_LOOKAHEAD`] entries
/// of the list (none of them placed yet) can still return its recorded value
/// after `state` ([`SequentialSpec::read_still_possible`]). Any unplaced
/// operation is placed after everything placed so far, so asking it of any
/// unplaced read is sound; the nearest reads are the ones a wrong order of
/// writes contradicts first.
fn reads_ahead_possible<S: SequentialSpec>(
    spec: &S,
    ops: &[Operation<S::Input, S::Output>],
    entries: &Entries,
    linearized: &Bits,
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
                let mut remaining = unplaced(entries, linearized).map(|i| &ops[i].input);
                if !spec.read_still_possible(state, &ops[op].input, output, &mut remaining) {
                    return false;
                }
            }
        }
        entry = entries.next[entry];
    }
    true
}

/// Every operation not yet placed, in history order from the head of the
/// list (so the nearest come first).
fn unplaced<'a>(entries: &'a Entries, linearized: &'a Bits) -> impl Iterator<Item = usize> + 'a {
    let mut entry = entries.first();
    std::iter::from_fn(move || {
        while entry != NIL {
            let e = entry;
            entry = entries.next[e];
            if e.is_multiple_of(2) && !linearized.get(e / 2) {
                return Some(e / 2);
            }
        }
        None
    })
}

/// The search's position: what is placed, in what order, and the state.
struct Walk<'a, S: SequentialSpec> {
    spec: &'a S,
    ops: &'a [Operation<S::Input, S::Output>],
    entries: Entries,
    linearized: Bits,
    tables: Tables<S>,
    state: u32,
    /// (operation, state before it, whether it was a forced read-only placement)
    stack: Vec<(usize, u32, bool)>,
    longest: Vec<usize>,
    determinate_left: usize,
}

/// What trying to place an operation at its call entry did.
enum Placed {
    /// Placed: the walk starts over from the head of the list.
    Yes,
    /// Not here: the walk goes on to the next entry.
    No,
}

impl<'a, S: SequentialSpec> Walk<'a, S> {
    fn new(spec: &'a S, ops: &'a [Operation<S::Input, S::Output>]) -> Self {
        let linearized = Bits::new(ops.len());
        let tables = Tables::new(spec.init(), linearized.0.len());
        Walk {
            spec,
            ops,
            entries: Entries::build(ops),
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
    fn try_place(&mut self, op: usize, meter: &Meter) -> Result<Placed, Exhausted> {
        let (spec, ops) = (self.spec, self.ops);
        let next = self
            .tables
            .step(spec, ops, self.state, op, meter)
            .ok_or(Exhausted::Memory)?;
        if next == MISMATCH {
            return Ok(Placed::No);
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
                    &self.linearized,
                    self.tables.state(next),
                )
        };
        if !fresh || dead_end() {
            self.linearized.clear(op);
            return Ok(Placed::No);
        }
        self.stack.push((op, self.state, read_only));
        self.state = next;
        self.entries.lift(op);
        if ops[op].output.is_some() {
            self.determinate_left -= 1;
        }
        Ok(Placed::Yes)
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

    /// Walks the list until a verdict or a budget's end.
    fn run(&mut self, meter: &Meter) -> Outcome {
        let mut steps: u64 = 0;
        let mut entry = self.entries.first();
        loop {
            if self.determinate_left == 0 {
                return Outcome::Linearizable;
            }
            steps += 1;
            if steps > meter.max_steps() {
                return Outcome::Unknown(Exhausted::Steps);
            }
            if steps.is_multiple_of(4096) && meter.cancelled() {
                return Outcome::Unknown(Exhausted::Cancelled);
            }
            debug_assert!(
                entry != NIL,
                "a determinate return always precedes the end of the list"
            );
            entry = if entry.is_multiple_of(2) {
                match self.try_place(entry / 2, meter) {
                    Err(exhausted) => return Outcome::Unknown(exhausted),
                    Ok(Placed::Yes) => self.entries.first(),
                    Ok(Placed::No) => self.entries.next[entry],
                }
            } else {
                match self.backtrack() {
                    Some(next) => next,
                    None => {
                        let longest_prefix = std::mem::take(&mut self.longest);
                        return Outcome::NotLinearizable { longest_prefix };
                    }
                }
            };
        }
    }
}

/// Searches for a linearization of `ops` (one partition).
pub(crate) fn search<S: SequentialSpec>(
    spec: &S,
    ops: &[Operation<S::Input, S::Output>],
    meter: &Meter,
) -> Outcome {
    let mut walk = Walk::new(spec, ops);
    let outcome = walk.run(meter);
    walk.tables.release(meter);
    outcome
}
