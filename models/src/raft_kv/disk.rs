//! How raft-kv keeps its state on a disk that may lie (see `sim::disk`).
//!
//! Every block is written twice, at its address and at a mirror address,
//! and each copy is sealed with a checksum of its address and contents. A
//! block is trusted only when both copies are present, carry their own
//! address, pass their checksum and agree:
//! - a latent error or rot spoils one copy, and the checksum or the
//!   unreadable copy shows it;
//! - a misdirected write leaves one copy stale (the two disagree) and puts a
//!   copy where it names another address;
//! - a torn sync leaves the two copies different, or one missing;
//! - a misdirected read returns a copy that names another address.
//!
//! A block that is not trusted is *damaged*, and recovery treats it as
//! Protocol-Aware Recovery does (Alagappan et al., FAST 2018): the node
//! never votes on state it cannot trust (see `node/recovery.rs`).

use super::log::Entry;
use super::messages::RaftBlock;
use sim::{checksum, Storage};

/// Where the second copy of block `a` lives: `a ^ MIRROR`, beyond every
/// log index and apart from the other fixed blocks.
const MIRROR: u64 = 1 << 62;

/// A block as it lies on the disk: its address, its contents and their
/// checksum.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sealed {
    address: u64,
    block: RaftBlock,
    sum: u64,
}

impl Sealed {
    fn new(address: u64, block: RaftBlock) -> Sealed {
        let sum = checksum(&(address, block));
        Sealed {
            address,
            block,
            sum,
        }
    }

    fn is_sound(&self, address: u64) -> bool {
        self.address == address && self.sum == checksum(&(address, self.block))
    }

    /// The block rotted with `noise`: different contents under the old
    /// checksum (see `sim::Node::rot`).
    pub fn rot(&self, noise: u64) -> Option<Sealed> {
        let bump = 1 + noise % 3;
        let block = match self.block {
            RaftBlock::Entry(e) => RaftBlock::Entry(Entry {
                term: e.term + bump,
                ..e
            }),
            RaftBlock::Hard { term, voted_for } => RaftBlock::Hard {
                term: term.saturating_sub(bump),
                voted_for,
            },
            RaftBlock::HardV2 {
                term,
                voted_for,
                commit,
            } => RaftBlock::HardV2 {
                term: term.saturating_sub(bump),
                voted_for,
                commit,
            },
            RaftBlock::Commit(c) => RaftBlock::Commit(c + bump),
            RaftBlock::Repair(to) => RaftBlock::Repair(to.saturating_sub(bump)),
            RaftBlock::Forfeit => return None,
        };
        Some(Sealed { block, ..*self })
    }
}

/// What a read of one block found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loaded {
    /// Never written, or deleted.
    Absent,
    /// Both copies sound and the same.
    Trusted(RaftBlock),
    /// Damaged: a copy unreadable, unsound, missing or different.
    Untrusted,
}

/// Writes `block` at `address`, both copies (buffered; the caller syncs).
pub fn put(storage: &mut Storage<Sealed>, address: u64, block: RaftBlock) {
    let sealed = Sealed::new(address, block);
    storage.write(address, sealed);
    storage.write(address ^ MIRROR, sealed);
}

/// Deletes both copies of the block at `address` (buffered).
pub fn erase(storage: &mut Storage<Sealed>, address: u64) {
    storage.delete(address);
    storage.delete(address ^ MIRROR);
}

/// Reads the block at `address`. Unless `checked`, it reads one copy and
/// believes it (the `trust-unchecked-reads` bug): only an unreadable copy
/// is noticed.
pub fn load(storage: &Storage<Sealed>, address: u64, checked: bool) -> Loaded {
    let first = storage.read(address);
    if !checked {
        return match first {
            Ok(None) => Loaded::Absent,
            Ok(Some(s)) => Loaded::Trusted(s.block),
            Err(_) => Loaded::Untrusted,
        };
    }
    match (first, storage.read(address ^ MIRROR)) {
        (Ok(None), Ok(None)) => Loaded::Absent,
        (Ok(Some(a)), Ok(Some(b))) if a == b && a.is_sound(address) => Loaded::Trusted(a.block),
        _ => Loaded::Untrusted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::{DiskFault, Node};

    fn entry(term: u64) -> RaftBlock {
        RaftBlock::Entry(Entry {
            term,
            request: None,
        })
    }

    fn disk_with(blocks: &[(u64, RaftBlock)]) -> Storage<Sealed> {
        let mut s = Storage::rotting_by(crate::raft_kv::RaftKv::rot);
        for &(a, b) in blocks {
            put(&mut s, a, b);
        }
        s.sync();
        s
    }

    #[test]
    fn a_sound_block_is_trusted_and_a_missing_one_absent() {
        let s = disk_with(&[(1, entry(3))]);
        assert_eq!(load(&s, 1, true), Loaded::Trusted(entry(3)));
        assert_eq!(load(&s, 2, true), Loaded::Absent);
    }

    #[test]
    fn rot_of_either_copy_is_caught_and_believed_unchecked() {
        for nth in 0..2 {
            let mut s = disk_with(&[(1, entry(3))]);
            assert!(s.fault(DiskFault::Rot { nth, noise: 0 }));
            assert_eq!(load(&s, 1, true), Loaded::Untrusted, "copy {nth}");
        }
        let mut s = disk_with(&[(1, entry(3))]);
        s.fault(DiskFault::Rot { nth: 0, noise: 0 });
        assert_eq!(load(&s, 1, false), Loaded::Trusted(entry(4)));
    }

    #[test]
    fn a_misdirected_write_is_caught_where_it_missed_and_where_it_landed() {
        let mut s = disk_with(&[(1, entry(1)), (2, entry(1))]);
        s.fault(DiskFault::MisdirectWrite { offset: 1 });
        put(&mut s, 1, entry(2));
        s.sync();
        assert_eq!(load(&s, 1, true), Loaded::Untrusted, "its copies differ");
        assert_eq!(load(&s, 2, true), Loaded::Untrusted, "a copy names block 1");
    }

    #[test]
    fn a_torn_sync_leaves_the_block_untrusted() {
        let mut s = disk_with(&[(0, entry(1))]);
        s.fault(DiskFault::Tear { at: 0 });
        put(&mut s, 0, entry(2));
        s.sync();
        assert_eq!(load(&s, 0, true), Loaded::Untrusted);
    }
}
