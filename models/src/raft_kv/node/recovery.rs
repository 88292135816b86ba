//! Recovery from a disk that may lie, as Protocol-Aware Recovery does it
//! (Alagappan et al., FAST 2018): a node never votes on state it cannot
//! trust, and gets its log back from a leader.
//!
//! - **Hard state damaged.** The node cannot know whom it voted for, nor
//!   in which term, so it *forfeits*: it never votes or stands again, and
//!   says so on its disk ([`RaftBlock::Forfeit`]). It still follows a
//!   leader and stores entries. This is safe at any number of forfeits:
//!   a commit quorum without its non-voters still meets every quorum of
//!   voters, since two quorums together outnumber the cluster.
//! - **Log damaged at index k.** The log ends before k. The node writes
//!   down the last present index ([`RaftBlock::Repair`]) and syncs, and
//!   only then erases the blocks from k to it (in the other order, a torn
//!   sync could erase the damaged block and lose the mark, and the next
//!   recovery would find a short log that looks whole). It votes again once
//!   its log reaches that index, or once an empty append matches its log
//!   end (the leader then had nothing more: this log holds the leader's,
//!   and so every entry a quorum with this node's old acknowledgement
//!   committed). Until then a candidate missing an entry this node once
//!   acknowledged could win with its vote.
//! - **Commit index damaged** (version 2). Ignored: a lower commit index is
//!   always safe.
//!
//! The switch `trust-unchecked-reads` reads one copy and believes it;
//! `vote-while-damaged` votes and stands regardless.

use super::{probes, Mutant, RaftKv};
use crate::raft_kv::messages::{RaftBlock, COMMIT_BLOCK, FORFEIT_BLOCK, REPAIR_BLOCK};
use crate::raft_kv::RaftBug;
use sim::sealed::{self as disk, Loaded};
use sim::Context;

impl RaftKv {
    /// Reads the node's state back from its disk after a restart.
    pub(super) fn recover(&mut self, ctx: &mut Context<'_, Self>) {
        let mut wrote = self.recover_hard_state(ctx);
        if self.mutant != Some(Mutant::RecoveryLosesTheLog) {
            wrote |= self.recover_log(ctx);
        }
        if wrote {
            self.sync(ctx);
        }
        if self.version >= 2 {
            if let Loaded::Trusted(RaftBlock::Commit(c)) = self.load(ctx, COMMIT_BLOCK) {
                self.commit = self.commit.max(c);
            }
            // Entries up to a commit index once known stay in any log.
            self.commit = self.commit.min(self.log.last_index());
            self.apply(ctx);
        }
    }

    /// Whether this node may vote (or stand): not when it forfeited, nor
    /// while its log awaits repair; always with `vote-while-damaged`.
    pub(super) fn can_vote(&self) -> bool {
        self.bug(RaftBug::VoteWhileDamaged)
            || (!self.forfeited && self.repair_to.is_none_or(|to| self.log.last_index() >= to))
    }

    /// After an append matched: the log is repaired once it reaches the
    /// index recovery wrote down, or when `whole` (the leader had nothing
    /// past it). Returns true when it wrote to the disk.
    pub(super) fn note_repair(&mut self, ctx: &mut Context<'_, Self>, whole: bool) -> bool {
        match self.repair_to {
            Some(to) if whole || self.log.last_index() >= to => {
                self.repair_to = None;
                disk::erase(ctx.storage(), REPAIR_BLOCK);
                ctx.reached(probes::REPAIRED);
                true
            }
            _ => false,
        }
    }

    fn load(&self, ctx: &mut Context<'_, Self>, address: u64) -> Loaded<RaftBlock> {
        disk::load(
            ctx.storage(),
            address,
            !self.bug(RaftBug::TrustUncheckedReads),
        )
    }

    /// The term, the vote and (version 2) the commit index; a forfeit when
    /// they are damaged. Returns true when it wrote to the disk.
    fn recover_hard_state(&mut self, ctx: &mut Context<'_, Self>) -> bool {
        match self.load(ctx, super::HARD_STATE_BLOCK) {
            Loaded::Trusted(RaftBlock::Hard { term, voted_for }) => {
                (self.term, self.voted_for) = (term, voted_for);
            }
            Loaded::Trusted(RaftBlock::HardV2 {
                term,
                voted_for,
                commit,
            }) if self.version >= 2 => {
                (self.term, self.voted_for, self.commit) = (term, voted_for, commit);
            }
            // Version 1 knows no other format: it starts as if new.
            Loaded::Trusted(_) | Loaded::Absent => {}
            Loaded::Untrusted => self.forfeited = true,
        }
        match self.load(ctx, FORFEIT_BLOCK) {
            Loaded::Trusted(RaftBlock::Forfeit) => {
                self.forfeited = true;
                return false;
            }
            Loaded::Absent if !self.forfeited => return false,
            _ => {}
        }
        self.forfeited = true;
        ctx.reached(probes::FORFEITED);
        disk::put(ctx.storage(), FORFEIT_BLOCK, RaftBlock::Forfeit);
        true
    }

    /// The log, up to its first damaged block; the repair mark when there
    /// is one. Returns true when it wrote to the disk.
    fn recover_log(&mut self, ctx: &mut Context<'_, Self>) -> bool {
        let mut index = 1;
        let damaged = loop {
            match self.load(ctx, index) {
                Loaded::Trusted(RaftBlock::Entry(entry)) => {
                    self.log.push(entry);
                }
                Loaded::Absent => break false,
                Loaded::Trusted(_) | Loaded::Untrusted => break true,
            }
            index += 1;
        };
        let mut repair_to = match self.load(ctx, REPAIR_BLOCK) {
            Loaded::Trusted(RaftBlock::Repair(to)) => Some(to),
            Loaded::Absent => None,
            // How far to repair is lost: never vote again.
            _ => {
                self.forfeited = true;
                None
            }
        };
        if damaged {
            ctx.reached(probes::LOG_DAMAGED);
            self.lost_entries = true;
            let mut last = index;
            while self.load(ctx, last + 1) != Loaded::Absent {
                last += 1;
            }
            // The mark is durable before any block goes: a crash between
            // the two must not leave a short log that looks whole.
            let to = repair_to.map_or(last, |to| to.max(last));
            disk::put(ctx.storage(), REPAIR_BLOCK, RaftBlock::Repair(to));
            self.sync(ctx);
            for gone in index..=last {
                disk::erase(ctx.storage(), gone);
            }
            repair_to = Some(to);
        }
        self.repair_to = repair_to;
        damaged || self.note_repair(ctx, false)
    }
}
