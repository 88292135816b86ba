//! The storage fault atlas: where the nemesis lets a disk lie.
//!
//! A model that checksums its blocks and repairs from its peers can only be
//! asked to survive storage faults that leave some intact copy to repair
//! from. As TigerBeetle's VOPR does with its fault atlas, the nemesis
//! therefore chooses, per seed, which disks may lie: at most `nodes -
//! intact` of them, where `intact` is the quorum the model needs (declared
//! with `Scenario::lying_disks`), and never a node the model requires
//! intact (a primary-backup's configuration service, say). Every storage fault of the plan lands on
//! one of those disks, so at least `intact` nodes keep an intact copy of
//! every block for the whole run, and a failure means a bug in the model,
//! not bad luck.
//!
//! This atlas works at the grain of whole disks, which is coarser than
//! TigerBeetle's (it spreads faults over zones of every replica's disk):
//! a block that a lying disk damages is intact on every other disk.

use crate::disk::DiskFault;
use crate::node_id::NodeId;
use crate::rng::SimRng;
use serde::{Deserialize, Serialize};

/// The disks that may lie in one run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Atlas {
    /// The nodes whose disks may take storage faults, ascending.
    pub lying: Vec<NodeId>,
}

impl Atlas {
    /// The atlas for `seed` in a cluster of `nodes`, where `intact` disks
    /// must stay intact: 1 to `nodes - intact` lying disks (none when
    /// `intact >= nodes`), from a stream of their own, never among `spared`
    /// (the core of the core liveness mode, which must stay whole).
    pub fn draw(seed: u64, nodes: usize, intact: usize, spared: &[NodeId]) -> Atlas {
        let mut rng = SimRng::from_seed_and_label(seed, "nemesis-atlas");
        let mut open: Vec<NodeId> = (0..nodes)
            .map(NodeId::from)
            .filter(|n| !spared.contains(n))
            .collect();
        let most = nodes.saturating_sub(intact).min(open.len()) as u64;
        if most == 0 {
            return Atlas { lying: Vec::new() };
        }
        rng.shuffle(&mut open);
        let count = rng.between(1, most) as usize;
        let mut lying = open[..count].to_vec();
        lying.sort();
        Atlas { lying }
    }
}

/// The storage fault a disk episode drawn as `variant` injects, and the
/// fault that undoes it (`None` for the kinds that act once): latent
/// errors, rot, misdirected writes and reads, torn syncs and failed fsyncs
/// in equal shares with full and slow disks.
pub fn disk_episode(variant: u64) -> (DiskFault, Option<DiskFault>) {
    let noise = variant >> 8;
    let offset = {
        let size = 1 + (noise % 8) as i64;
        if noise & 0x100 == 0 {
            size
        } else {
            -size
        }
    };
    match variant % 8 {
        0 => (DiskFault::Unreadable { nth: noise }, None),
        1 => (
            DiskFault::Rot {
                nth: noise & 0xffff_ffff,
                noise: noise >> 32,
            },
            None,
        ),
        2 => (DiskFault::MisdirectWrite { offset }, None),
        3 => (DiskFault::MisdirectRead { offset }, None),
        4 => (DiskFault::Tear { at: noise }, None),
        5 => (DiskFault::FsyncError, None),
        6 => (DiskFault::Full, Some(DiskFault::Space)),
        _ => {
            let micros = 1_000 + noise % (DiskFault::MAX_SLOW_MICROS - 999);
            (DiskFault::Slow { micros }, Some(DiskFault::Fast))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atlas_leaves_a_quorum_of_disks_intact() {
        for seed in 0..2_000 {
            let atlas = Atlas::draw(seed, 5, 3, &[]);
            assert!((1..=2).contains(&atlas.lying.len()), "seed {seed}");
            assert!(atlas.lying.windows(2).all(|w| w[0] < w[1]));
            let core = [NodeId(0), NodeId(2), NodeId(4)];
            let outside = Atlas::draw(seed, 5, 3, &core).lying;
            assert!(outside.iter().all(|n| !core.contains(n)), "seed {seed}");
        }
        assert!(Atlas::draw(1, 3, 3, &[]).lying.is_empty());
    }

    #[test]
    fn every_drawn_disk_fault_is_valid_and_every_kind_is_drawn() {
        let mut kinds = std::collections::BTreeSet::new();
        for v in 0..4_000u64 {
            let (fault, undo) = disk_episode(v.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            assert_eq!(fault.problem(), None, "{fault:?}");
            assert_eq!(undo.is_some(), !fault.is_instant());
            kinds.insert(fault.name());
        }
        assert_eq!(kinds.len(), 8);
    }
}
