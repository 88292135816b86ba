//! The configuration service: one node (node 0) that decides, per epoch, which
//! replica is primary and which are backups. It is not replicated: the stated
//! assumption is that it may crash and restart (its state is synced before it
//! announces anything) but never loses its disk. While it is down or cut off,
//! no failover happens, and the current primary goes on serving.
//!
//! Its rules, checked every tick:
//! 1. the primary is dead (unheard for [`DEAD_AFTER`]): promote the lowest
//!    live replica that is *synced* (known to hold every acknowledged write);
//!    the other live replicas become backups;
//! 2. a backup is dead: drop it;
//! 3. the primary has synced every member, and a live replica is idle (and
//!    was not dropped in the last [`READMIT_AFTER`], so a flapping replica
//!    does not churn epochs): add it.
//!
//! And at once, when the primary reports a backup that stopped acknowledging
//! ([`PbMsg::Suspect`]): drop it, so that one slow or cut-off backup cannot
//! stall every write. A backup dropped this way is alive and stale: exactly
//! the replica that must never be promoted.
//!
//! A replica becomes synced when the primary of the current epoch reports that
//! every backup installed its snapshot; a replica dropped from the
//! configuration stops being synced. `promote-stale-backup` promotes the lowest
//! live replica whether synced or not.

use super::machine::StateMachine;
use super::messages::{Config, PbBlock, PbMsg};
use super::PbBug;
use sim::{Context, NodeId, SimDuration, SimTime};
use std::collections::{BTreeMap, BTreeSet};

/// A replica unheard for this long is presumed dead.
pub const DEAD_AFTER: SimDuration = SimDuration::from_millis(400);
/// A replica dropped from the configuration is not added back for this long.
pub const READMIT_AFTER: SimDuration = SimDuration::from_secs(1);

/// The configuration service's state.
#[derive(Clone, Debug)]
pub struct ConfigService {
    bug: Option<PbBug>,
    config: Config,
    synced: BTreeSet<NodeId>,
    last_heard: BTreeMap<NodeId, SimTime>,
    /// Replicas dropped from the configuration, and when they may return.
    dropped_until: BTreeMap<NodeId, SimTime>,
}

impl ConfigService {
    /// A fresh service.
    pub fn new(bug: Option<PbBug>) -> Self {
        ConfigService {
            bug,
            config: Config::default(),
            synced: BTreeSet::new(),
            last_heard: BTreeMap::new(),
            dropped_until: BTreeMap::new(),
        }
    }

    /// The current configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Restores the synced state after a restart.
    pub fn recover<S: StateMachine>(&mut self, block: Option<&PbBlock<S>>) {
        if let Some(PbBlock::Service { config, synced }) = block {
            self.config = config.clone();
            self.synced = synced.clone();
        }
    }

    /// A ping from replica `from`.
    pub fn on_ping<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = PbBlock<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        epoch: u64,
        ready: bool,
    ) {
        self.last_heard.insert(from, ctx.now());
        let current = self.config.epoch;
        if ready && epoch == current && self.config.primary == Some(from) {
            let members = self.config.members();
            if self.synced != members {
                self.synced = members;
                self.save(ctx);
            }
        }
        if epoch != current {
            ctx.send(from, PbMsg::Config(self.config.clone()));
        }
    }

    fn save<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = PbBlock<S>>>(
        &self,
        ctx: &mut Context<'_, N>,
    ) {
        let block = PbBlock::Service {
            config: self.config.clone(),
            synced: self.synced.clone(),
        };
        ctx.storage().write(0, block);
        ctx.storage().sync();
    }

    /// Applies the rules; announces a new configuration if one is made.
    pub fn on_tick<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = PbBlock<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
    ) {
        let now = ctx.now();
        let live: BTreeSet<NodeId> = (1..ctx.node_count())
            .map(NodeId::from)
            .filter(|r| {
                self.last_heard
                    .get(r)
                    .is_some_and(|&t| now.since(t) < DEAD_AFTER)
            })
            .collect();
        let readmit: BTreeSet<NodeId> = live
            .iter()
            .copied()
            .filter(|r| self.dropped_until.get(r).is_none_or(|&t| t <= now))
            .collect();
        if let Some(next) = self.next_config(&live, &readmit) {
            self.reconfigure(ctx, next);
        }
    }

    /// The primary of `epoch` reports that `backup` stopped acknowledging.
    pub fn on_suspect<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = PbBlock<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        epoch: u64,
        backup: NodeId,
    ) {
        let c = &self.config;
        if epoch != c.epoch || c.primary != Some(from) || !c.backups.contains(&backup) {
            return;
        }
        let mut next = c.clone();
        next.epoch += 1;
        next.backups.remove(&backup);
        self.reconfigure(ctx, next);
    }

    /// Adopts `next`, syncs it, and announces it to every replica.
    fn reconfigure<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = PbBlock<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        next: Config,
    ) {
        let members = next.members();
        let until = ctx.now().after(READMIT_AFTER);
        for gone in self.config.members().difference(&members) {
            self.dropped_until.insert(*gone, until);
        }
        self.synced = if self.config.epoch == 0 {
            members // nothing was ever written: every member holds all of it
        } else {
            self.synced.intersection(&members).copied().collect()
        };
        self.config = next;
        self.save(ctx);
        for r in 1..ctx.node_count() {
            ctx.send(NodeId::from(r), PbMsg::Config(self.config.clone()));
        }
    }

    fn next_config(&self, live: &BTreeSet<NodeId>, readmit: &BTreeSet<NodeId>) -> Option<Config> {
        let c = &self.config;
        let epoch = c.epoch + 1;
        let primary_live = c.primary.is_some_and(|p| live.contains(&p));
        if !primary_live {
            let stale_ok = self.bug == Some(PbBug::PromoteStaleBackup) || c.epoch == 0;
            let primary = live
                .iter()
                .copied()
                .filter(|r| Some(*r) != c.primary)
                .find(|r| stale_ok || self.synced.contains(r))?;
            let backups = live.iter().copied().filter(|&r| r != primary).collect();
            let primary = Some(primary);
            return Some(Config {
                epoch,
                primary,
                backups,
            });
        }
        let dead_backups = c.backups.iter().any(|b| !live.contains(b));
        let all_synced = self.synced == c.members();
        let members = c.members();
        let idle = readmit.iter().any(|r| !members.contains(r));
        if dead_backups || (all_synced && idle) {
            let backups = if dead_backups {
                c.backups.intersection(live).copied().collect()
            } else {
                let mut b = c.backups.clone();
                b.extend(readmit.iter().copied().filter(|&r| Some(r) != c.primary));
                b
            };
            return Some(Config {
                epoch,
                primary: c.primary,
                backups,
            });
        }
        None
    }
}
