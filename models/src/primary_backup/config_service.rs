//! The configuration service: one node (node 0) that decides, per epoch, which
//! replica is primary and which are backups. It is not replicated: the stated
//! assumption is that it may crash and restart (its state is synced before it
//! announces anything) but never loses its disk. While it is down or cut off,
//! no failover happens, and the current primary goes on serving.
//!
//! **Who holds every acknowledged write.** A primary serves an epoch only
//! once every backup has installed its snapshot and the service has made
//! that epoch the *active* one (synced, then [`PbMsg::Serve`]). So writes
//! are acknowledged only in active epochs, and every one of them is on
//! every member of its epoch. A replica that has installed the snapshot of
//! the active epoch or a later one (as a primary: taken office in it) holds
//! every acknowledged write: it is *eligible*. Replicas report what they
//! installed in their pings.
//!
//! Its rules, checked every tick:
//! 1. the primary is dead (unheard for [`DEAD_AFTER`]): promote the lowest
//!    live, eligible replica; the other live replicas become backups;
//! 2. a backup is dead: drop it;
//! 3. the current epoch is active (the primary has synced every member) or
//!    has no backup (a primary with none serves nothing), and a live
//!    replica is idle (and was not dropped in the last
//!    [`READMIT_AFTER`], so a flapping replica does not churn epochs): add
//!    it.
//!
//! And at once, when the primary reports a backup that stopped acknowledging
//! ([`PbMsg::Suspect`]): drop it, so that one slow or cut-off backup cannot
//! stall every write. A backup dropped this way is alive and stale: exactly
//! the replica that must never be promoted. `promote-stale-backup` promotes
//! the lowest live replica, eligible or not.
//!
//! A replica whose disk lost its state says so in its pings: it is never
//! promoted while it says so, and counts as dead when it is the primary.
//! The service answers it with [`PbMsg::Rejoin`]. The service's own disk is
//! assumed never to lie (the scenario keeps its disk intact); if it finds
//! its block damaged all the same, it stays silent rather than guess, and no
//! failover happens.

use super::disk::{self, Sealed};
use super::machine::StateMachine;
use super::messages::{Config, Disk, PbBlock, PbMsg, Ping};
use super::PbBug;
use sim::sealed::Loaded;
use sim::{Context, NodeId, SimDuration, SimTime};
use std::collections::{BTreeMap, BTreeSet};

/// A replica unheard for this long is presumed dead.
pub const DEAD_AFTER: SimDuration = SimDuration::from_millis(400);
/// A replica dropped from the configuration is not added back for this long.
pub const READMIT_AFTER: SimDuration = SimDuration::from_secs(1);

/// The configuration service's state.
#[derive(Clone, Debug, Hash)]
pub struct ConfigService {
    bug: Option<PbBug>,
    config: Config,
    /// The last epoch whose primary was let serve (0: none yet).
    active: u64,
    /// Per replica, the epoch of the last snapshot it reported installed.
    installed: BTreeMap<NodeId, u64>,
    last_heard: BTreeMap<NodeId, SimTime>,
    /// Replicas dropped from the configuration, and when they may return.
    dropped_until: BTreeMap<NodeId, SimTime>,
    /// Replicas whose last ping said their disk lost their state.
    unfit: BTreeSet<NodeId>,
    /// Its own block was damaged: it decides nothing.
    broken: bool,
}

impl ConfigService {
    /// A fresh service.
    pub fn new(bug: Option<PbBug>) -> Self {
        ConfigService {
            bug,
            config: Config::default(),
            active: 0,
            installed: BTreeMap::new(),
            last_heard: BTreeMap::new(),
            dropped_until: BTreeMap::new(),
            unfit: BTreeSet::new(),
            broken: false,
        }
    }

    /// The current configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Restores the synced state after a restart.
    pub fn recover<S: StateMachine, N: sim::Node<Block = Sealed<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
    ) {
        match disk::load(ctx, None) {
            Loaded::Absent => {}
            Loaded::Trusted(PbBlock::Service { config, active }) => {
                self.config = config;
                self.active = active;
            }
            Loaded::Trusted(PbBlock::Replica { .. }) | Loaded::Untrusted => self.broken = true,
        }
    }

    /// A ping from replica `from`.
    pub fn on_ping<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = Sealed<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        ping: Ping,
    ) {
        if self.broken {
            return;
        }
        self.last_heard.insert(from, ctx.now());
        let current = self.config.epoch;
        let installed = if ping.disk == Disk::Whole {
            self.unfit.remove(&from);
            ping.installed
        } else {
            self.unfit.insert(from);
            0
        };
        self.installed.insert(from, installed);
        if ping.ready && ping.epoch == current && self.config.primary == Some(from) {
            if self.active != current {
                self.active = current;
                self.save(ctx);
            }
            ctx.send(from, PbMsg::Serve { epoch: current });
        }
        if let Disk::Awaiting { nonce } = ping.disk {
            ctx.send(
                from,
                PbMsg::Rejoin {
                    nonce,
                    epoch: current,
                },
            );
        } else if ping.epoch != current {
            ctx.send(from, PbMsg::Config(self.config.clone()));
        }
    }

    /// Whether `r` holds every acknowledged write, as far as it reported.
    fn eligible(&self, r: NodeId) -> bool {
        !self.unfit.contains(&r) && self.installed.get(&r).is_some_and(|&i| i >= self.active)
    }

    fn save<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = Sealed<S>>>(
        &self,
        ctx: &mut Context<'_, N>,
    ) {
        let block = PbBlock::Service {
            config: self.config.clone(),
            active: self.active,
        };
        disk::save(ctx, None, block);
    }

    /// Applies the rules; announces a new configuration if one is made.
    pub fn on_tick<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = Sealed<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
    ) {
        if self.broken {
            return;
        }
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
    pub fn on_suspect<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = Sealed<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        epoch: u64,
        backup: NodeId,
    ) {
        let c = &self.config;
        let stale = epoch != c.epoch || c.primary != Some(from);
        if self.broken || stale || !c.backups.contains(&backup) {
            return;
        }
        let mut next = c.clone();
        next.epoch += 1;
        next.backups.remove(&backup);
        self.reconfigure(ctx, next);
    }

    /// Adopts `next`, syncs it, and announces it to every replica.
    fn reconfigure<S: StateMachine, N: sim::Node<Message = PbMsg<S>, Block = Sealed<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        next: Config,
    ) {
        let members = next.members();
        let until = ctx.now().after(READMIT_AFTER);
        for gone in self.config.members().difference(&members) {
            self.dropped_until.insert(*gone, until);
        }
        self.config = next;
        self.save(ctx);
        for r in 1..ctx.node_count() {
            ctx.send(NodeId::from(r), PbMsg::Config(self.config.clone()));
        }
    }

    fn next_config(&self, live: &BTreeSet<NodeId>, readmit: &BTreeSet<NodeId>) -> Option<Config> {
        let c = &self.config;
        let epoch = c.epoch + 1;
        let primary_live = c
            .primary
            .is_some_and(|p| live.contains(&p) && !self.unfit.contains(&p));
        if !primary_live {
            let stale_ok = self.bug == Some(PbBug::PromoteStaleBackup) || c.epoch == 0;
            let primary = live
                .iter()
                .copied()
                .filter(|r| Some(*r) != c.primary && !self.unfit.contains(r))
                .find(|&r| stale_ok || self.eligible(r))?;
            let backups = live.iter().copied().filter(|&r| r != primary).collect();
            let primary = Some(primary);
            return Some(Config {
                epoch,
                primary,
                backups,
            });
        }
        let dead_backups = c.backups.iter().any(|b| !live.contains(b));
        // With no backup, the primary serves nothing, and holds all there is.
        let all_synced = self.active == c.epoch || c.backups.is_empty();
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
