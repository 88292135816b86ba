//! The search's memo of visited (set of placed operations, state) pairs,
//! with the set kept as a bit set and hashed incrementally.
//!
//! Each operation has a fixed random 64-bit key; a set's hash is the XOR of
//! its members' keys (Zobrist hashing), so placing or removing an operation
//! updates the hash in O(1), and a visit costs one probe, not a hash of the
//! whole set. The visited sets live in one arena of words, so a visit
//! allocates nothing; a set is compared word by word only when its hash and
//! state match one already seen.

use std::hash::BuildHasherDefault;

/// The placed operations: a bit set with its incremental hash.
#[derive(Clone, Debug)]
pub(crate) struct Placed {
    words: Vec<u64>,
    hash: u64,
}

/// Operation `i`'s key (SplitMix64 of `i`): fixed, so runs repeat exactly.
fn key(i: usize) -> u64 {
    let mut z = (i as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

impl Placed {
    /// The empty set over `n` operations.
    pub(crate) fn new(n: usize) -> Placed {
        Placed {
            words: vec![0; n.div_ceil(64)],
            hash: 0,
        }
    }

    /// How many words a set takes.
    pub(crate) fn words(&self) -> usize {
        self.words.len()
    }

    pub(crate) fn set(&mut self, i: usize) {
        debug_assert!(!self.get(i), "operation {i} is placed once");
        self.words[i / 64] |= 1 << (i % 64);
        self.hash ^= key(i);
    }

    pub(crate) fn clear(&mut self, i: usize) {
        debug_assert!(self.get(i), "operation {i} was placed");
        self.words[i / 64] &= !(1 << (i % 64));
        self.hash ^= key(i);
    }

    pub(crate) fn get(&self, i: usize) -> bool {
        self.words[i / 64] & (1 << (i % 64)) != 0
    }
}

/// A hasher for keys that are already well mixed: it keeps the value.
#[derive(Default)]
struct Premixed(u64);

impl std::hash::Hasher for Premixed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0.rotate_left(8)) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = v;
    }
}

#[allow(clippy::disallowed_types)] // probed, never iterated; fixed hasher
type Table = std::collections::HashMap<u64, u32, BuildHasherDefault<Premixed>>;

/// End of a chain.
const NONE: u32 = u32::MAX;

/// The visited pairs.
pub(crate) struct Memo {
    /// Combined hash -> the newest entry with it.
    table: Table,
    /// Per entry: the next entry with the same combined hash.
    chain: Vec<u32>,
    /// Per entry: its state.
    states: Vec<u32>,
    /// Every entry's set, `words` words each.
    arena: Vec<u64>,
    words: usize,
}

impl Memo {
    /// An empty memo for sets of `words` words, with room for `capacity`.
    pub(crate) fn new(words: usize, capacity: usize) -> Memo {
        let mut table = Table::default();
        table.reserve(capacity);
        Memo {
            table,
            chain: Vec::with_capacity(capacity),
            states: Vec::with_capacity(capacity),
            arena: Vec::with_capacity(capacity * words),
            words,
        }
    }

    /// Forgets every pair, for sets of `words` words, keeping the room.
    pub(crate) fn reset(&mut self, words: usize) {
        self.table.clear();
        self.chain.clear();
        self.states.clear();
        self.arena.clear();
        self.words = words;
    }

    fn combined(placed: &Placed, state: u32) -> u64 {
        let h = placed.hash ^ (u64::from(state).wrapping_mul(0x9e37_79b9_7f4a_7c15));
        h ^ (h >> 29)
    }

    /// Records (placed, state) as visited; true if it was not already.
    pub(crate) fn visit(&mut self, placed: &Placed, state: u32) -> bool {
        debug_assert_eq!(placed.words(), self.words, "one partition's sets");
        let h = Self::combined(placed, state);
        let head = self.table.get(&h).copied().unwrap_or(NONE);
        let mut e = head;
        while e != NONE {
            let i = e as usize;
            let stored = &self.arena[i * self.words..(i + 1) * self.words];
            if self.states[i] == state && stored == placed.words.as_slice() {
                return false;
            }
            e = self.chain[i];
        }
        let id = u32::try_from(self.states.len()).expect("fewer than 2^32 visited pairs");
        self.chain.push(head);
        self.states.push(state);
        self.arena.extend_from_slice(&placed.words);
        self.table.insert(h, id);
        true
    }

    /// How many pairs are recorded.
    pub(crate) fn len(&self) -> usize {
        self.states.len()
    }

    /// Bytes the memo holds now, counting room reserved.
    pub(crate) fn bytes(&self) -> u64 {
        let table = (self.table.capacity() as u64 * 8 / 7) * (12 + 1);
        table
            + self.chain.capacity() as u64 * 4
            + self.states.capacity() as u64 * 4
            + self.arena.capacity() as u64 * 8
    }

    /// Bytes it would hold after the next visit, if that makes a table grow.
    pub(crate) fn bytes_after_growth(&self) -> u64 {
        let grows = |len: usize, cap: usize| len >= cap;
        let n = self.len();
        let mut extra = 0;
        if grows(n, self.table.capacity()) {
            extra += (2 * self.table.capacity().max(4) as u64 * 8 / 7) * 13;
        }
        if grows(n, self.states.capacity()) {
            extra += 2 * (self.states.capacity().max(4) as u64) * (8 + 8 * self.words as u64);
        }
        self.bytes() + extra
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pair_is_new_once_whatever_order_its_set_was_built_in() {
        let mut memo = Memo::new(2, 4);
        let mut a = Placed::new(100);
        a.set(3);
        a.set(70);
        let mut b = Placed::new(100);
        b.set(70);
        b.set(3);
        assert!(memo.visit(&a, 1));
        assert!(!memo.visit(&b, 1), "the same set, the same state");
        assert!(memo.visit(&b, 2), "another state");
        b.clear(3);
        assert!(memo.visit(&b, 1), "another set");
        b.set(3);
        assert!(!memo.visit(&b, 1));
        assert_eq!(memo.len(), 3);
    }
}
