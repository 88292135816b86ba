//! Sealed, mirrored blocks: a layout on a [`Storage`] that catches every
//! lie of a disk (see [`crate::disk`]), for a model that would rather not
//! write its own.
//!
//! Every block is written twice, at its address and at a mirror address
//! (`address ^ `[`MIRROR`]), and each copy is sealed with a [`checksum`] of
//! its address and contents. A block is trusted only when both copies are
//! present, name their own address, pass their checksum and agree:
//! - a latent error or rot spoils one copy, and the error or the checksum
//!   shows it;
//! - a misdirected write leaves the two copies different, and puts a copy
//!   where it names another address;
//! - a torn sync leaves the two copies different, or one missing;
//! - a misdirected read returns a copy that names another address.
//!
//! What a model does with a block it cannot trust is its own protocol:
//! raft-kv's is in `models/src/raft_kv/node/recovery.rs`.

use crate::storage::{checksum, Storage};
use std::hash::Hash;

/// Where the second copy of block `a` lives: `a ^ MIRROR`. A model's own
/// addresses stay below it.
pub const MIRROR: u64 = 1 << 62;

/// A block as it lies on the disk: its address, its contents, and their
/// checksum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Sealed<T> {
    address: u64,
    value: T,
    sum: u64,
}

impl<T: Hash> Sealed<T> {
    /// `value`, sealed for `address`.
    pub fn new(address: u64, value: T) -> Sealed<T> {
        let sum = checksum(&(address, &value));
        Sealed {
            address,
            value,
            sum,
        }
    }

    /// Whether this copy names `address` and passes its checksum.
    pub fn is_sound(&self, address: u64) -> bool {
        self.address == address && self.sum == checksum(&(address, &self.value))
    }

    /// The block with its contents rotted by `rot`, under the old checksum:
    /// what a model's [`crate::Node::rot`] returns, so that a check finds
    /// the rot. `None` when `rot` cannot change the contents.
    pub fn rotted(&self, rot: impl FnOnce(&T) -> Option<T>) -> Option<Sealed<T>> {
        let value = rot(&self.value)?;
        Some(Sealed {
            address: self.address,
            value,
            sum: self.sum,
        })
    }
}

/// What a read of one block found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loaded<T> {
    /// Never written, or deleted: both copies absent.
    Absent,
    /// Both copies sound and the same.
    Trusted(T),
    /// Damaged: a copy unreadable, unsound, missing, or different.
    Untrusted,
}

/// Writes `value` at `address`, both copies (buffered: the caller syncs).
pub fn put<T: Hash + Clone>(storage: &mut Storage<Sealed<T>>, address: u64, value: T) {
    debug_assert!(address & MIRROR == 0, "address {address} is a mirror's");
    let sealed = Sealed::new(address, value);
    storage.write(address, sealed.clone());
    storage.write(address ^ MIRROR, sealed);
}

/// Deletes both copies of the block at `address` (buffered).
pub fn erase<T: Clone>(storage: &mut Storage<Sealed<T>>, address: u64) {
    storage.delete(address);
    storage.delete(address ^ MIRROR);
}

/// Reads the block at `address`. Unless `checked`, it reads one copy and
/// believes it, as a model that trusts its disk would: only an unreadable
/// copy is noticed.
pub fn load<T: Hash + Clone + PartialEq>(
    storage: &Storage<Sealed<T>>,
    address: u64,
    checked: bool,
) -> Loaded<T> {
    let first = storage.read(address);
    if !checked {
        return match first {
            Ok(None) => Loaded::Absent,
            Ok(Some(s)) => Loaded::Trusted(s.value.clone()),
            Err(_) => Loaded::Untrusted,
        };
    }
    match (first, storage.read(address ^ MIRROR)) {
        (Ok(None), Ok(None)) => Loaded::Absent,
        (Ok(Some(a)), Ok(Some(b))) if a == b && a.is_sound(address) => {
            Loaded::Trusted(a.value.clone())
        }
        _ => Loaded::Untrusted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::disk::DiskFault;

    /// A disk of sealed numbers that rot by adding one.
    fn disk_with(blocks: &[(u64, u64)]) -> Storage<Sealed<u64>> {
        let mut s = Storage::rotting_by(|b: &Sealed<u64>, _| b.rotted(|v| Some(v + 1)));
        for &(a, v) in blocks {
            put(&mut s, a, v);
        }
        s.sync();
        s
    }

    #[test]
    fn a_sound_block_is_trusted_and_a_missing_one_absent() {
        let s = disk_with(&[(1, 3)]);
        assert_eq!(load(&s, 1, true), Loaded::Trusted(3));
        assert_eq!(load(&s, 2, true), Loaded::Absent);
    }

    #[test]
    fn rot_of_either_copy_is_caught_and_believed_unchecked() {
        for nth in 0..2 {
            let mut s = disk_with(&[(1, 3)]);
            assert!(s.fault(DiskFault::Rot { nth, noise: 0 }));
            assert_eq!(load(&s, 1, true), Loaded::Untrusted, "copy {nth}");
        }
        let mut s = disk_with(&[(1, 3)]);
        s.fault(DiskFault::Rot { nth: 0, noise: 0 });
        assert_eq!(load(&s, 1, false), Loaded::Trusted(4));
    }

    #[test]
    fn a_latent_error_is_caught() {
        let mut s = disk_with(&[(1, 3)]);
        s.fault(DiskFault::Unreadable { nth: 1 });
        assert_eq!(load(&s, 1, true), Loaded::Untrusted);
    }

    #[test]
    fn a_misdirected_write_is_caught_where_it_missed_and_where_it_landed() {
        let mut s = disk_with(&[(1, 1), (2, 1)]);
        s.fault(DiskFault::MisdirectWrite { offset: 1 });
        put(&mut s, 1, 2);
        s.sync();
        assert_eq!(load(&s, 1, true), Loaded::Untrusted, "its copies differ");
        assert_eq!(load(&s, 2, true), Loaded::Untrusted, "a copy names block 1");
    }

    #[test]
    fn a_misdirected_read_is_caught() {
        let s = disk_with(&[(1, 1), (2, 2)]);
        let mut s = s;
        s.fault(DiskFault::MisdirectRead { offset: 1 });
        assert_eq!(load(&s, 1, true), Loaded::Untrusted);
        assert_eq!(load(&s, 1, true), Loaded::Trusted(1));
    }

    #[test]
    fn a_torn_sync_leaves_the_block_untrusted() {
        for at in 0..2 {
            let mut s = disk_with(&[(0, 1)]);
            s.fault(DiskFault::Tear { at });
            put(&mut s, 0, 2);
            s.sync();
            assert_eq!(load(&s, 0, true), Loaded::Untrusted, "torn at {at}");
        }
    }
}
