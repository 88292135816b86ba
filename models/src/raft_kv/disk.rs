//! How raft-kv keeps its state on a disk that may lie (see `sim::disk`):
//! every block sealed with a checksum and mirrored ([`sim::sealed`]), so
//! that each lie is caught; and how its blocks rot, for the engine's
//! silent-corruption faults.
//!
//! A block that is not trusted is *damaged*, and recovery treats it as
//! Protocol-Aware Recovery does (Alagappan et al., FAST 2018): the node
//! never votes on state it cannot trust (see `node/recovery.rs`).

use super::log::Entry;
use super::messages::RaftBlock;

/// A raft-kv block as it lies on the disk.
pub type Sealed = sim::sealed::Sealed<RaftBlock>;

/// `block` rotted with `noise`: a different term, vote term, commit index
/// or repair mark under the old checksum (see `sim::Node::rot`).
pub fn rot(block: &Sealed, noise: u64) -> Option<Sealed> {
    let bump = 1 + noise % 3;
    block.rotted(|b| match *b {
        RaftBlock::Entry(e) => Some(RaftBlock::Entry(Entry {
            term: e.term + bump,
            ..e
        })),
        RaftBlock::Hard { term, voted_for } => Some(RaftBlock::Hard {
            term: term.saturating_sub(bump),
            voted_for,
        }),
        RaftBlock::HardV2 {
            term,
            voted_for,
            commit,
        } => Some(RaftBlock::HardV2 {
            term: term.saturating_sub(bump),
            voted_for,
            commit,
        }),
        RaftBlock::Commit(c) => Some(RaftBlock::Commit(c + bump)),
        RaftBlock::Repair(to) => Some(RaftBlock::Repair(to.saturating_sub(bump))),
        RaftBlock::Forfeit => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim::sealed::{load, put, Loaded};
    use sim::{DiskFault, Storage};

    #[test]
    fn a_rotten_entry_is_caught_and_believed_unchecked() {
        let entry = |term| {
            RaftBlock::Entry(Entry {
                term,
                request: None,
            })
        };
        let mut s = Storage::rotting_by(rot);
        put(&mut s, 1, entry(3));
        s.sync();
        s.fault(DiskFault::Rot { nth: 0, noise: 0 });
        assert_eq!(load(&s, 1, true), Loaded::Untrusted);
        assert_eq!(load(&s, 1, false), Loaded::Trusted(entry(4)));
    }
}
