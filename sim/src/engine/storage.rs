//! Durable storage: a block device with an explicit sync, and the ways it
//! lies.
//!
//! Fault model: `write` and `delete` go to a volatile write-back buffer; `sync`
//! makes every buffered change durable at once. A crash loses the buffer, so the
//! recover handler sees exactly the synced blocks. A *torn* crash keeps a
//! random prefix of the buffered changes (as a disk that wrote some sectors
//! before power failed), and *corruption* marks a synced block as unreadable.
//!
//! The storage faults of [`DiskFault`] go further, as real disks do:
//! - a latent sector error makes a durable block unreadable;
//! - silent corruption makes it read back wrong, with no error, as the
//!   model's [`crate::Node::rot`] says;
//! - a misdirected write lands at another address and leaves the intended
//!   block as it was; a misdirected read returns another block;
//! - a torn sync is a power loss in the middle of a sync: a prefix of the
//!   buffered writes is durable, the write at the tear lands rotten, the rest
//!   are lost, and the node stops at once;
//! - a failed fsync (an injected EIO, or a full disk) has Linux's
//!   semantics: the buffered changes are dropped from the way to the disk,
//!   yet still read back until a crash, and the next sync succeeds.
//!   [`Storage::sync`] treats a failure as PostgreSQL has since 2018: the
//!   node stops at once (nothing it sends or answers after the failed sync
//!   leaves it) and restarts from its disk. [`Storage::try_sync`] returns
//!   the error, for a model that handles it;
//! - a slow disk keeps the node busy after each handler that synced.
//!
//! Blocks are addressed by `u64` and hold values of the node's `Block` type; a
//! model chooses its own layout (for example block 0 for Raft's hard state and
//! block `1 + i` for log entry `i`). [`checksum`] is a portable checksum a
//! model can seal its blocks with.

use crate::disk::DiskFault;
use crate::time::SimDuration;
use crate::trace::WordHasher;
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};

/// A read found a block whose contents failed their checksum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("block {block} is corrupt")]
pub struct CorruptBlock {
    /// The block address.
    pub block: u64,
}

/// Why a sync failed (see [`Storage::try_sync`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DiskError {
    /// The fsync failed (EIO): the buffered changes will never be durable.
    #[error("the fsync failed (EIO)")]
    Io,
    /// The disk is full (ENOSPC): the buffered changes will never be durable.
    #[error("the disk is full (ENOSPC)")]
    NoSpace,
    /// Power was lost during the sync: the node is stopping.
    #[error("power was lost during the sync")]
    PowerLoss,
}

/// A portable 64-bit checksum of `value` (the same in every process and on
/// every machine), for a model that seals its blocks.
pub fn checksum<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut h = WordHasher::default();
    value.hash(&mut h);
    h.finish()
}

/// The faults armed on one disk, and what they did.
#[derive(Clone, Debug, Default)]
struct Armed {
    misdirect_write: Option<i64>,
    misdirect_read: Cell<Option<i64>>,
    tear: Option<u64>,
    fsync_error: bool,
    full: bool,
    slow_micros: u64,
    /// Slow syncs since the engine last collected them.
    slow_syncs: u64,
    /// A sync failed or tore: the node stops when its handler returns.
    halted: bool,
}

/// One node's durable storage.
#[derive(Clone, Debug)]
pub struct Storage<B> {
    synced: BTreeMap<u64, B>,
    /// Buffered changes in write order; `None` is a delete.
    pending: Vec<(u64, Option<B>)>,
    /// Changes a failed sync dropped: read back, never durable, gone at a crash.
    dropped: BTreeMap<u64, Option<B>>,
    corrupt: BTreeSet<u64>,
    /// Calls of `sync` so far (what a recorded trace notes).
    syncs: u64,
    armed: Armed,
    /// How this disk's blocks rot ([`crate::Node::rot`]).
    rot: fn(&B, u64) -> Option<B>,
    /// Addresses a storage fault has damaged.
    damaged: BTreeSet<u64>,
}

impl<B> Default for Storage<B> {
    fn default() -> Self {
        Storage {
            synced: BTreeMap::new(),
            pending: Vec::new(),
            dropped: BTreeMap::new(),
            corrupt: BTreeSet::new(),
            syncs: 0,
            armed: Armed::default(),
            rot: |_, _| None,
            damaged: BTreeSet::new(),
        }
    }
}

impl<B: Hash> Storage<B> {
    /// Folds what a later read or crash can see into `h`: the synced
    /// blocks, the buffered and dropped changes, the damage, and whether
    /// the node has stopped (for a state's fingerprint; the sync count and
    /// the armed faults, which no exhaustive search arms, are left out).
    pub(crate) fn fingerprint(&self, h: &mut impl Hasher) {
        self.synced.hash(h);
        self.pending.hash(h);
        self.dropped.hash(h);
        self.corrupt.hash(h);
        self.damaged.hash(h);
        self.armed.halted.hash(h);
    }
}

impl<B: Clone> Storage<B> {
    /// An empty disk whose blocks rot as `rot` says (see [`crate::Node::rot`]).
    pub fn rotting_by(rot: fn(&B, u64) -> Option<B>) -> Self {
        Storage {
            rot,
            ..Storage::default()
        }
    }

    /// Buffers a write of `value` to `block` (or to another block, when a
    /// misdirected write is armed). Does nothing once the node has stopped.
    pub fn write(&mut self, block: u64, value: B) {
        if self.armed.halted {
            return;
        }
        let block = match self.armed.misdirect_write.take() {
            Some(offset) => {
                let lands = block.wrapping_add_signed(offset);
                self.damaged.extend([block, lands]);
                lands
            }
            None => block,
        };
        self.pending.push((block, Some(value)));
    }

    /// Buffers the deletion of `block`. Does nothing once the node has stopped.
    pub fn delete(&mut self, block: u64) {
        if !self.armed.halted {
            self.pending.push((block, None));
        }
    }

    /// Makes every buffered change durable. If the sync fails (see
    /// [`Storage::try_sync`]) the node stops, as PostgreSQL does: nothing it
    /// sends or answers after this call leaves it, and it restarts from its
    /// disk.
    pub fn sync(&mut self) {
        if self.try_sync().is_err() {
            self.armed.halted = true;
        }
    }

    /// Makes every buffered change durable, or says why it could not: a
    /// failed fsync or a full disk drop the buffered changes from the way to
    /// the disk (they still read back until a crash, and a later sync does
    /// not bring them back), and a power loss stops the node.
    pub fn try_sync(&mut self) -> Result<(), DiskError> {
        if self.armed.halted {
            return Err(DiskError::PowerLoss);
        }
        self.syncs += 1;
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        if let Some(at) = self.armed.tear.take() {
            self.tear(pending, at);
            self.armed.halted = true;
            return Err(DiskError::PowerLoss);
        }
        let failed = match (self.armed.full, std::mem::take(&mut self.armed.fsync_error)) {
            (true, _) => Some(DiskError::NoSpace),
            (false, true) => Some(DiskError::Io),
            (false, false) => None,
        };
        if let Some(error) = failed {
            self.dropped.extend(pending);
            return Err(error);
        }
        if self.armed.slow_micros > 0 {
            self.armed.slow_syncs += 1;
        }
        self.apply(pending);
        Ok(())
    }

    /// How many times `sync` was called on this storage.
    pub fn syncs(&self) -> u64 {
        self.syncs
    }

    fn apply(&mut self, changes: Vec<(u64, Option<B>)>) {
        for (block, value) in changes {
            self.corrupt.remove(&block);
            self.dropped.remove(&block);
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

    /// A power loss at write `at` (modulo their number) of `pending`: the
    /// writes before it are durable, it lands torn, the rest are lost.
    fn tear(&mut self, mut pending: Vec<(u64, Option<B>)>, at: u64) {
        let k = (at % pending.len() as u64) as usize;
        pending.truncate(k + 1);
        let (block, torn) = pending.pop().expect("the torn write");
        self.apply(pending);
        if let Some(value) = torn {
            self.land_rotten(block, &value, at);
        }
    }

    /// Puts `value` at `block` rotten (or unreadable, when the block type
    /// cannot rot).
    fn land_rotten(&mut self, block: u64, value: &B, noise: u64) {
        self.damaged.insert(block);
        match (self.rot)(value, noise) {
            Some(rotten) => {
                self.synced.insert(block, rotten);
            }
            None => {
                self.synced.insert(block, value.clone());
                self.corrupt.insert(block);
            }
        }
    }

    /// The current contents of `block`, including buffered changes: `Ok(None)`
    /// when it was never written or was deleted, `Err` when it is corrupt.
    pub fn read(&self, block: u64) -> Result<Option<&B>, CorruptBlock> {
        if let Some((_, v)) = self.pending.iter().rev().find(|(b, _)| *b == block) {
            return Ok(v.as_ref());
        }
        if let Some(v) = self.dropped.get(&block) {
            return Ok(v.as_ref());
        }
        let block = match self.armed.misdirect_read.take() {
            Some(offset) => block.wrapping_add_signed(offset),
            None => block,
        };
        self.read_synced(block)
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

    /// Addresses a storage fault has damaged on this disk, ascending: made
    /// unreadable or rotten, torn, or hit by a misdirected write (both the
    /// block it missed and the one it landed on).
    pub fn damaged_blocks(&self) -> impl Iterator<Item = u64> + '_ {
        self.damaged.iter().copied()
    }

    /// How many changes are buffered and not yet synced.
    pub fn unsynced_len(&self) -> usize {
        self.pending.len()
    }

    /// A crash: buffered changes are lost, except that `keep` of them (a prefix,
    /// in write order) survive when the crash tears. Returns how many were lost.
    /// The disk's own faults (armed misdirections, a full or slow disk) stay.
    pub(crate) fn crash(&mut self, keep: usize) -> usize {
        let mut pending = std::mem::take(&mut self.pending);
        let keep = keep.min(pending.len());
        let lost = pending.len() - keep;
        pending.truncate(keep);
        self.apply(pending);
        self.dropped.clear();
        self.armed.halted = false;
        self.armed.slow_syncs = 0;
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

    /// True when a sync failed or tore in the handler that is running: the
    /// node stops when it returns.
    #[inline]
    pub(crate) fn is_halted(&self) -> bool {
        self.armed.halted
    }

    /// True when a sync failed or tore, or a slow sync is owed: what the
    /// engine must act on after a handler.
    #[inline]
    pub(crate) fn needs_attention(&self) -> bool {
        self.armed.halted || self.armed.slow_syncs > 0
    }

    /// How long the slow syncs since the last call keep the node busy
    /// (zero when the disk is not slow).
    #[inline]
    pub(crate) fn take_slow(&mut self) -> SimDuration {
        let syncs = std::mem::take(&mut self.armed.slow_syncs);
        SimDuration::from_micros(syncs * self.armed.slow_micros)
    }

    /// Applies a storage fault, as the engine does for a
    /// [`crate::Fault::Disk`] (a model's tests of its disk layout call it
    /// directly). Returns false when it changed nothing: no
    /// durable block to damage, or space on a disk that was not full, fast
    /// syncs on a disk that was not slow (so the heals before a liveness
    /// phase leave the traces of runs without storage faults as they were).
    pub fn fault(&mut self, fault: DiskFault) -> bool {
        let a = &mut self.armed;
        match fault {
            DiskFault::Unreadable { nth } => return self.damage(nth, None),
            DiskFault::Rot { nth, noise } => return self.damage(nth, Some(noise)),
            DiskFault::MisdirectWrite { offset } => a.misdirect_write = Some(offset),
            DiskFault::MisdirectRead { offset } => a.misdirect_read.set(Some(offset)),
            DiskFault::Tear { at } => a.tear = Some(at),
            DiskFault::FsyncError => a.fsync_error = true,
            DiskFault::Full => a.full = true,
            DiskFault::Space => return std::mem::take(&mut a.full),
            DiskFault::Slow { micros } => a.slow_micros = micros,
            DiskFault::Fast => return std::mem::take(&mut a.slow_micros) > 0,
        }
        true
    }

    /// Makes the `nth` durable block (modulo their number) unreadable, or
    /// rotten with `noise`.
    fn damage(&mut self, nth: u64, rot: Option<u64>) -> bool {
        let count = self.synced.len() as u64;
        if count == 0 {
            return false;
        }
        let block = self
            .synced_blocks()
            .nth((nth % count) as usize)
            .expect("nth < count");
        match rot {
            Some(noise) => {
                let value = self.synced[&block].clone();
                self.land_rotten(block, &value, noise);
            }
            None => {
                self.damaged.insert(block);
                self.corrupt.insert(block);
            }
        }
        true
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

    /// A block type that rots by adding the noise, as a model's would.
    fn rotting() -> Storage<u64> {
        Storage::rotting_by(|v, noise| Some(v.wrapping_add(noise | 1)))
    }

    #[test]
    fn a_latent_error_makes_the_nth_durable_block_unreadable() {
        let mut s = rotting();
        for b in [3, 5, 7] {
            s.write(b, b * 10);
        }
        s.sync();
        assert!(s.fault(DiskFault::Unreadable { nth: 4 }));
        assert_eq!(s.read(5), Err(CorruptBlock { block: 5 }));
        assert_eq!(s.read(3), Ok(Some(&30)));
        assert_eq!(s.damaged_blocks().collect::<Vec<_>>(), [5]);
        assert!(!Storage::<u64>::default().fault(DiskFault::Unreadable { nth: 0 }));
    }

    #[test]
    fn silent_corruption_reads_back_wrong_with_no_error() {
        let mut s = rotting();
        s.write(1, 100);
        s.sync();
        assert!(s.fault(DiskFault::Rot { nth: 0, noise: 4 }));
        assert_eq!(s.read(1), Ok(Some(&105)));
        // A block type that cannot rot turns unreadable instead.
        let mut plain = Storage::default();
        plain.write(1, 100u64);
        plain.sync();
        plain.fault(DiskFault::Rot { nth: 0, noise: 4 });
        assert_eq!(plain.read(1), Err(CorruptBlock { block: 1 }));
    }

    #[test]
    fn a_misdirected_write_lands_elsewhere_and_leaves_the_old_block() {
        let mut s = rotting();
        s.write(4, 1);
        s.sync();
        s.fault(DiskFault::MisdirectWrite { offset: -2 });
        s.write(4, 2);
        s.write(4, 3);
        s.sync();
        assert_eq!(
            s.read(2),
            Ok(Some(&2)),
            "the first write landed 2 blocks down"
        );
        assert_eq!(
            s.read(4),
            Ok(Some(&3)),
            "the next write was not misdirected"
        );
        assert_eq!(s.damaged_blocks().collect::<Vec<_>>(), [2, 4]);
    }

    #[test]
    fn a_misdirected_read_returns_another_block_once() {
        let mut s = rotting();
        s.write(1, 10);
        s.write(2, 20);
        s.sync();
        s.fault(DiskFault::MisdirectRead { offset: 1 });
        assert_eq!(s.read(1), Ok(Some(&20)));
        assert_eq!(s.read(1), Ok(Some(&10)));
    }

    #[test]
    fn a_torn_sync_keeps_a_prefix_lands_one_write_rotten_and_stops() {
        let mut s = rotting();
        s.fault(DiskFault::Tear { at: 7 });
        for b in 0..4 {
            s.write(b, 100 + b);
        }
        assert_eq!(s.try_sync(), Err(DiskError::PowerLoss));
        assert!(s.is_halted());
        s.write(9, 9); // ignored: the node has stopped
        s.crash(0);
        // 7 mod 4 = 3: blocks 0..3 durable, block 3 torn.
        assert_eq!(s.read(0), Ok(Some(&100)));
        assert_eq!(s.read(2), Ok(Some(&102)));
        assert_eq!(s.read(3), Ok(Some(&(103 + 7))));
        assert_eq!(s.read(9), Ok(None));
        assert!(!s.is_halted());
    }

    #[test]
    fn a_failed_fsync_drops_the_writes_yet_they_read_back_until_a_crash() {
        let mut s = rotting();
        s.write(1, 1);
        s.sync();
        s.fault(DiskFault::FsyncError);
        s.write(1, 2);
        assert_eq!(s.try_sync(), Err(DiskError::Io));
        assert_eq!(s.read(1), Ok(Some(&2)), "the page cache still shows it");
        assert_eq!(s.try_sync(), Ok(()), "the error is reported once");
        assert_eq!(
            s.read_synced(1),
            Ok(Some(&1)),
            "but it never reached the disk"
        );
        s.crash(0);
        assert_eq!(s.read(1), Ok(Some(&1)));
        // `sync` stops the node instead.
        s.fault(DiskFault::FsyncError);
        s.write(1, 3);
        s.sync();
        assert!(s.is_halted());
    }

    #[test]
    fn a_full_disk_fails_every_sync_with_writes_until_it_has_space() {
        let mut s = rotting();
        s.fault(DiskFault::Full);
        assert_eq!(
            s.try_sync(),
            Ok(()),
            "a sync with nothing to write succeeds"
        );
        s.write(1, 1);
        assert_eq!(s.try_sync(), Err(DiskError::NoSpace));
        s.write(2, 2);
        assert_eq!(s.try_sync(), Err(DiskError::NoSpace));
        s.fault(DiskFault::Space);
        s.write(3, 3);
        assert_eq!(s.try_sync(), Ok(()));
        s.crash(0);
        assert_eq!(s.synced_blocks().collect::<Vec<_>>(), [3]);
    }

    #[test]
    fn a_slow_disk_charges_each_sync_with_writes() {
        let mut s = rotting();
        s.fault(DiskFault::Slow { micros: 2_000 });
        s.write(1, 1);
        s.sync();
        s.write(2, 2);
        s.sync();
        s.sync();
        assert_eq!(s.take_slow(), SimDuration::from_millis(4));
        assert_eq!(s.take_slow(), SimDuration::ZERO);
        s.fault(DiskFault::Fast);
        s.write(3, 3);
        s.sync();
        assert_eq!(s.take_slow(), SimDuration::ZERO);
    }

    #[test]
    fn checksums_are_portable() {
        const PINNED: u64 = 4_702_499_983_551_233_337;
        // Pinned: a checksum a model writes must read back the same in any
        // process and on any machine.
        assert_eq!(checksum(&(1u64, 2u32)), PINNED);
        assert_ne!(checksum(&1u64), checksum(&2u64));
    }
}
