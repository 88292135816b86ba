//! How primary-backup keeps its one block on a disk that may lie (see
//! `sim::disk`): sealed with a checksum and mirrored ([`sim::sealed`]), so
//! that each lie is caught; and how the block rots, for the engine's
//! silent-corruption faults.
//!
//! A replica that finds its block damaged holds nothing it can vouch for.
//! It says so to the service, which stops counting it as a copy of
//! anything (see [`super::replica`] and [`super::config_service`]).

use super::machine::StateMachine;
use super::messages::PbBlock;
use super::PbBug;
use sim::sealed::{self, Loaded};
use sim::{Context, Node};

/// A primary-backup block as it lies on the disk.
pub type Sealed<S> = sim::sealed::Sealed<PbBlock<S>>;

/// The one address every node uses.
const BLOCK: u64 = 0;

/// `block` rotted: a replica's store read back as the empty store (a
/// zeroed extent), under the old checksum; a service's block cannot rot
/// into anything else, and reads as unreadable (see `sim::Node::rot`).
pub fn rot<S: StateMachine>(block: &Sealed<S>, _noise: u64) -> Option<Sealed<S>> {
    block.rotted(|b| match b {
        PbBlock::Replica { store, .. } if *store == S::default() => None,
        PbBlock::Replica {
            epoch,
            applied,
            installed,
            lost,
            ..
        } => Some(PbBlock::Replica {
            epoch: *epoch,
            store: S::default(),
            applied: *applied,
            installed: *installed,
            lost: *lost,
        }),
        PbBlock::Service { .. } => None,
    })
}

/// Reads the node's block, checked unless `trust-unchecked-reads` is on.
pub fn load<S, N>(ctx: &mut Context<'_, N>, bug: Option<PbBug>) -> Loaded<PbBlock<S>>
where
    S: StateMachine,
    N: Node<Block = Sealed<S>>,
{
    let checked = bug != Some(PbBug::TrustUncheckedReads);
    sealed::load(ctx.storage(), BLOCK, checked)
}

/// Writes the node's block and syncs it. A failed sync stops the node
/// (see `sim::storage`), except with `ignore-fsync-errors`, which takes it
/// for success.
pub fn save<S, N>(ctx: &mut Context<'_, N>, bug: Option<PbBug>, block: PbBlock<S>)
where
    S: StateMachine,
    N: Node<Block = Sealed<S>>,
{
    sealed::put(ctx.storage(), BLOCK, block);
    if bug == Some(PbBug::IgnoreFsyncErrors) {
        let _ignored = ctx.storage().try_sync();
    } else {
        ctx.storage().sync();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::{KvCommand, KvRequest, KvStore};
    use sim::{DiskFault, Storage};

    #[test]
    fn a_rotten_store_is_caught_and_believed_unchecked() {
        let mut store = KvStore::default();
        let command = KvCommand::Put { key: 1, value: 7 };
        store.apply(&KvRequest {
            client: 0,
            seq: 1,
            command,
        });
        let block = PbBlock::Replica {
            epoch: 2,
            store,
            applied: 1,
            installed: 2,
            lost: false,
        };
        let mut s = Storage::rotting_by(rot::<KvStore>);
        sealed::put(&mut s, BLOCK, block);
        s.sync();
        s.fault(DiskFault::Rot { nth: 0, noise: 0 });
        assert_eq!(sealed::load(&s, BLOCK, true), Loaded::Untrusted);
        let Loaded::Trusted(PbBlock::Replica { store, applied, .. }) =
            sealed::load(&s, BLOCK, false)
        else {
            panic!("an unchecked read believes the rotten copy");
        };
        assert_eq!((store, applied), (KvStore::default(), 1));
    }
}
