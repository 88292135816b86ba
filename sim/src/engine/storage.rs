//! Durable storage: a block device with an explicit sync.
//!
//! Fault model: `write` and `delete` go to a volatile write-back buffer; `sync`
//! makes every buffered change durable at once. A crash loses the buffer, so the
//! recover handler sees exactly the synced blocks. Two storage faults are
//! opt-in: a *torn* crash keeps a random prefix of the buffered changes (as a disk
//! that wrote some sectors before power failed), and *corruption* marks a synced
//! block as unreadable, as a checksum failure would report it.
//!
//! Blocks are addressed by `u64` and hold values of the node's `Block` type; a
//! model chooses its own layout (for example block 0 for Raft's hard state and
//! block `1 + i` for log entry `i`).

use std::collections::{BTreeMap, BTreeSet};

/// A read found a block whose contents failed their checksum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("block {block} is corrupt")]
pub struct CorruptBlock {
    /// The block address.
    pub block: u64,
}

/// One node's durable storage.
#[derive(Clone, Debug)]
pub struct Storage<B> {
    synced: BTreeMap<u64, B>,
    /// Buffered changes in write order; `None` is a delete.
    pending: Vec<(u64, Option<B>)>,
    corrupt: BTreeSet<u64>,
    /// Calls of `sync` so far (what a recorded trace notes).
    syncs: u64,
}

impl<B> Default for Storage<B> {
    fn default() -> Self {
        Storage {
            synced: BTreeMap::new(),
            pending: Vec::new(),
            corrupt: BTreeSet::new(),
            syncs: 0,
        }
    }
}

impl<B: Clone> Storage<B> {
    /// Buffers a write of `value` to `block`.
    pub fn write(&mut self, block: u64, value: B) {
        self.pending.push((block, Some(value)));
    }

    /// Buffers the deletion of `block`.
    pub fn delete(&mut self, block: u64) {
        self.pending.push((block, None));
    }

    /// Makes every buffered change durable.
    pub fn sync(&mut self) {
        self.syncs += 1;
        let pending = std::mem::take(&mut self.pending);
        self.apply(pending);
    }

    /// How many times `sync` was called on this storage.
    pub fn syncs(&self) -> u64 {
        self.syncs
    }

    fn apply(&mut self, changes: Vec<(u64, Option<B>)>) {
        for (block, value) in changes {
            self.corrupt.remove(&block);
            match value {
                Some(v) => {
                    self.synced.insert(block, v);
                }
                None => {
                    self.synced.remove(&block);
                }
            }
        }
    }

    /// The current contents of `block`, including buffered changes: `Ok(None)`
    /// when it was never written or was deleted, `Err` when it is corrupt.
    pub fn read(&self, block: u64) -> Result<Option<&B>, CorruptBlock> {
        if let Some((_, v)) = self.pending.iter().rev().find(|(b, _)| *b == block) {
            return Ok(v.as_ref());
        }
        if self.corrupt.contains(&block) {
            return Err(CorruptBlock { block });
        }
        Ok(self.synced.get(&block))
    }

    /// The durable contents of `block`, ignoring buffered changes.
    pub fn read_synced(&self, block: u64) -> Result<Option<&B>, CorruptBlock> {
        if self.corrupt.contains(&block) {
            return Err(CorruptBlock { block });
        }
        Ok(self.synced.get(&block))
    }

    /// Addresses of all durable blocks, ascending.
    pub fn synced_blocks(&self) -> impl Iterator<Item = u64> + '_ {
        self.synced.keys().copied()
    }

    /// How many changes are buffered and not yet synced.
    pub fn unsynced_len(&self) -> usize {
        self.pending.len()
    }

    /// A crash: buffered changes are lost, except that `keep` of them (a prefix,
    /// in write order) survive when the crash tears. Returns how many were lost.
    pub(crate) fn crash(&mut self, keep: usize) -> usize {
        let mut pending = std::mem::take(&mut self.pending);
        let keep = keep.min(pending.len());
        let lost = pending.len() - keep;
        pending.truncate(keep);
        self.apply(pending);
        lost
    }

    /// Marks a durable block corrupt. Returns false when there is no such block.
    pub(crate) fn corrupt(&mut self, block: u64) -> bool {
        if self.synced.contains_key(&block) {
            self.corrupt.insert(block);
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_loses_exactly_the_unsynced_writes() {
        let mut s = Storage::default();
        s.write(1, "a");
        s.sync();
        s.write(2, "b");
        s.write(1, "c");
        assert_eq!(s.read(1), Ok(Some(&"c")));
        assert_eq!(s.crash(0), 2);
        assert_eq!(s.read(1), Ok(Some(&"a")));
        assert_eq!(s.read(2), Ok(None));
    }

    #[test]
    fn torn_crash_keeps_a_prefix_and_corruption_is_reported() {
        let mut s = Storage::default();
        s.write(1, 10);
        s.write(2, 20);
        s.write(3, 30);
        assert_eq!(s.crash(2), 1);
        assert_eq!(s.read(2), Ok(Some(&20)));
        assert_eq!(s.read(3), Ok(None));
        assert!(s.corrupt(1));
        assert!(!s.corrupt(9));
        assert_eq!(s.read(1), Err(CorruptBlock { block: 1 }));
        s.write(1, 11);
        s.sync();
        assert_eq!(s.read(1), Ok(Some(&11)));
    }
}
