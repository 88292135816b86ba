//! A replica: primary, backup or idle, as the configuration it knows says.
//!
//! - **Primary of epoch e.** On learning it is primary, it sends its whole
//!   state to every backup and serves nothing until each has installed it
//!   (then it is *ready*, and tells the service). It applies each client
//!   operation in order, syncs it, forwards it to every backup as operation
//!   number `index` of epoch `e`, and answers the client once every backup has
//!   acknowledged it (`ack-before-backup`: at once). Unacknowledged forwards
//!   are resent every tick.
//! - **Backup of epoch e.** It applies forwards of epoch `e` in index order,
//!   syncs, and acknowledges. A forward or snapshot from an older epoch is
//!   refused with [`PbMsg::Fenced`], and a primary told so stops serving: that
//!   is the epoch fencing that keeps a deposed primary from acknowledging
//!   anything. `no-epoch-fencing` drops the epoch checks on forwards and their
//!   acknowledgements, so indices from two epochs are confused.
//!
//! Epoch, store and applied count are synced before any message that depends
//! on them, so a restarted replica comes back with what it acknowledged.
//!
//! **A disk that lies.** A replica that finds its block damaged at recovery
//! has lost everything, its epoch too, so it could no longer fence a deposed
//! primary. It takes part in nothing until the service answers its ping with
//! [`PbMsg::Rejoin`] (matched by a nonce, so that no older answer passes for
//! it): by then the service has stopped counting it as a copy, and its epoch
//! is current. It stays *lost* (never primary, and not a copy) until it
//! installs a snapshot. A primary with no backup serves nothing, so that
//! every acknowledged write has two copies, and one of them survives any
//! one lying disk.

use super::disk::{self, Sealed};
use super::machine::StateMachine;
use super::messages::{Config, Disk, PbBlock, PbMsg, Ping};
use super::PbBug;
use crate::kv::KvStore;
use sim::sealed::Loaded;
use sim::{Context, Node, NodeId, OpId, SimDuration, SimTime};
use std::collections::BTreeMap;

/// The coverage probes a replica reaches: a sweep that never reached them
/// never tested failover.
pub mod probes {
    /// A node became primary of an epoch after the first.
    pub const BACKUP_PROMOTED: &str = "a backup promoted to primary";
    /// A backup refused a forward from a primary of an older epoch.
    pub const STALE_PRIMARY_FENCED: &str = "a stale primary's forward fenced";
    /// A backup kept a forward that arrived ahead of a gap.
    pub const FORWARD_AHEAD_OF_GAP: &str = "a forward arrived ahead of a gap";
    /// A replica found its block damaged at recovery.
    pub const STATE_LOST: &str = "a replica's disk lost its state";
    /// A replica that had lost its state installed a snapshot.
    pub const LOST_STATE_RESTORED: &str = "a lost replica restored from a snapshot";
}
/// The most forwards a backup keeps ahead of a gap.
const AHEAD_LIMIT: usize = 1024;
/// The most forwards resent to one backup in one tick.
const RESEND_BATCH: u64 = 64;
/// A backup that owes an acknowledgement this long is reported to the service.
pub const SUSPECT_AFTER: SimDuration = SimDuration::from_millis(300);

/// Who asked: a client operation, or a node's call with its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Requester {
    Client(OpId),
    Node(NodeId, u64),
}

impl Requester {
    fn answer<S: StateMachine, N: Node<Message = PbMsg<S>, Reply = S::Reply>>(
        self,
        ctx: &mut Context<'_, N>,
        reply: S::Reply,
    ) {
        match self {
            Requester::Client(op) => ctx.reply(op, reply),
            Requester::Node(node, id) => ctx.send(node, PbMsg::Answer { id, reply }),
        }
    }
}

/// The primary's bookkeeping for its epoch.
#[derive(Clone, Debug, Hash)]
struct Primary<S: StateMachine> {
    /// Per backup: `None` until it acknowledges the snapshot, then the highest
    /// index it acknowledged.
    acked: BTreeMap<NodeId, Option<u64>>,
    /// Operations not yet acknowledged by every backup, by index.
    unacked: BTreeMap<u64, S::Request>,
    /// Clients to answer once their index is acknowledged everywhere.
    waiting: Vec<(u64, Requester, S::Request, S::Reply)>,
    /// Client operations that arrived before the primary was ready.
    queued: Vec<(Requester, S::Request)>,
    /// Per backup: when it last acknowledged anything (or the epoch began).
    heard: BTreeMap<NodeId, SimTime>,
    /// The service has let it serve ([`PbMsg::Serve`]).
    confirmed: bool,
}

impl<S: StateMachine> Default for Primary<S> {
    fn default() -> Self {
        Primary {
            acked: BTreeMap::new(),
            unacked: BTreeMap::new(),
            waiting: Vec::new(),
            queued: Vec::new(),
            heard: BTreeMap::new(),
            confirmed: false,
        }
    }
}

impl<S: StateMachine> Primary<S> {
    /// It has a backup, and every backup holds the snapshot: with no
    /// backup, a write would have one copy, and it serves nothing.
    fn ready(&self) -> bool {
        !self.acked.is_empty() && self.acked.values().all(Option::is_some)
    }

    /// Ready, and let serve by the service.
    fn serving(&self) -> bool {
        self.ready() && self.confirmed
    }

    /// The highest index every backup has acknowledged.
    fn durable(&self) -> u64 {
        self.acked
            .values()
            .map(|a| a.unwrap_or(0))
            .min()
            .unwrap_or(0)
    }
}

/// A replica's state.
#[derive(Clone, Debug, Hash)]
pub struct Replica<S: StateMachine = KvStore> {
    bug: Option<PbBug>,
    epoch: u64,
    store: S,
    applied: u64,
    /// The epoch of the last snapshot installed: forwards are accepted only
    /// on top of the current epoch's snapshot.
    installed: u64,
    /// The configuration of `epoch`, once learned since the last start.
    config: Option<Config>,
    /// Its bookkeeping as primary (boxed: most replicas are backups).
    primary: Option<Box<Primary<S>>>,
    /// Ghost state for the invariants, never read by the protocol: per
    /// client, the highest sequence number this replica answered as primary.
    answered: BTreeMap<u32, u32>,
    /// As a backup: forwards of its epoch that arrived ahead of a gap
    /// (reordered by the network), applied once the gap fills. Volatile.
    ahead: BTreeMap<u64, S::Request>,
    /// What its disk kept: `Lost` once its state was lost to a damaged
    /// disk, until a snapshot restores it (it is no copy of anything);
    /// `Awaiting` before that, until the service's [`PbMsg::Rejoin`] (it
    /// takes part in nothing). Only `Lost` is written down.
    disk: Disk,
}

impl<S: StateMachine> Replica<S> {
    /// A fresh replica.
    pub fn new(bug: Option<PbBug>) -> Self {
        Self::with_store(bug, S::default())
    }

    /// A fresh replica whose empty state is `store` (a machine with
    /// settings of its own, such as a queue's capacity).
    pub fn with_store(bug: Option<PbBug>, store: S) -> Self {
        Replica {
            bug,
            epoch: 0,
            store,
            applied: 0,
            installed: 0,
            config: None,
            primary: None,
            answered: BTreeMap::new(),
            ahead: BTreeMap::new(),
            disk: Disk::Whole,
        }
    }

    /// The newest epoch it has joined.
    pub fn epoch(&self) -> u64 {
        self.epoch
    }
    /// Its store.
    pub fn store(&self) -> &S {
        &self.store
    }
    /// True when it serves clients as the primary of its epoch.
    pub fn serving(&self) -> bool {
        self.primary.as_ref().is_some_and(|p| p.serving())
    }
    /// Per client, the highest sequence number it answered as primary (ghost).
    pub fn answered(&self) -> &BTreeMap<u32, u32> {
        &self.answered
    }

    /// True when its state was lost to a damaged disk and not yet restored.
    pub fn lost(&self) -> bool {
        self.disk != Disk::Whole
    }

    /// Whether it waits for the service's [`PbMsg::Rejoin`].
    fn awaiting(&self) -> bool {
        matches!(self.disk, Disk::Awaiting { .. })
    }

    fn fencing(&self) -> bool {
        self.bug != Some(PbBug::NoEpochFencing)
    }

    /// Restores the synced state after a restart. A damaged block leaves
    /// the replica empty, waiting for the service (see the module's doc).
    pub fn recover<N: Node<Block = Sealed<S>>>(&mut self, ctx: &mut Context<'_, N>) {
        match disk::load(ctx, self.bug) {
            Loaded::Absent => {}
            Loaded::Trusted(PbBlock::Replica {
                epoch,
                store,
                applied,
                installed,
                lost,
            }) => {
                self.epoch = epoch;
                self.store = store;
                self.applied = applied;
                self.installed = installed;
                self.disk = if lost { Disk::Lost } else { Disk::Whole };
            }
            Loaded::Trusted(PbBlock::Service { .. }) | Loaded::Untrusted => {
                ctx.reached(probes::STATE_LOST);
                let nonce = ctx.rng().next_u64();
                self.disk = Disk::Awaiting { nonce };
            }
        }
    }

    fn save<N: Node<Message = PbMsg<S>, Block = Sealed<S>>>(&self, ctx: &mut Context<'_, N>) {
        let block = PbBlock::Replica {
            epoch: self.epoch,
            store: self.store.clone(),
            applied: self.applied,
            installed: self.installed,
            lost: self.disk != Disk::Whole,
        };
        disk::save(ctx, self.bug, block);
    }

    /// What its pings say.
    fn ping(&self) -> Ping {
        let epoch = self.config.as_ref().map_or(0, |c| c.epoch);
        let disk = self.disk;
        let installed = if disk == Disk::Whole {
            self.installed
        } else {
            0
        };
        Ping {
            epoch,
            ready: self
                .primary
                .as_ref()
                .is_some_and(|p| p.ready() && !p.confirmed),
            installed,
            disk,
        }
    }

    /// The service's answer to a ping from the replica that lost its state.
    fn on_rejoin<N: Node<Message = PbMsg<S>, Block = Sealed<S>>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        nonce: u64,
        epoch: u64,
    ) {
        if self.disk != (Disk::Awaiting { nonce }) {
            return;
        }
        self.disk = Disk::Lost;
        self.epoch = self.epoch.max(epoch);
        self.save(ctx);
    }

    /// Stops serving: every client waiting here is sent to `hint`.
    fn step_down<N: Node<Message = PbMsg<S>, Block = Sealed<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        hint: Option<NodeId>,
    ) {
        if let Some(p) = self.primary.take() {
            let ops = p.waiting.into_iter().map(|(_, who, _, _)| who);
            for who in ops.chain(p.queued.into_iter().map(|(who, _)| who)) {
                who.answer(ctx, S::redirect(hint));
            }
        }
    }

    /// A configuration from the service.
    pub fn on_config<N: Node<Message = PbMsg<S>, Block = Sealed<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        config: Config,
    ) {
        let known = self.config.as_ref().map_or(0, |c| c.epoch);
        if config.epoch < self.epoch || config.epoch <= known || self.awaiting() {
            return;
        }
        self.step_down(ctx, config.primary);
        let promoted = config.primary == Some(ctx.id()) && !self.lost();
        // As primary, its own state is the epoch's snapshot: written down
        // before it serves, so that it tells the service so after a crash.
        let installed = if promoted {
            config.epoch
        } else {
            self.installed
        };
        if config.epoch > self.epoch || installed != self.installed {
            self.epoch = self.epoch.max(config.epoch);
            self.installed = installed;
            self.ahead.clear();
            self.save(ctx);
        }
        if promoted {
            ctx.sometimes(probes::BACKUP_PROMOTED, self.epoch > 1);
            let acked = config.backups.iter().map(|&b| (b, None)).collect();
            let now = ctx.now();
            let heard = config.backups.iter().map(|&b| (b, now)).collect();
            self.primary = Some(Box::new(Primary {
                acked,
                heard,
                ..Primary::default()
            }));
            self.send_snapshots(ctx);
        }
        self.config = Some(config);
        self.after_acks(ctx);
    }

    fn send_snapshots<N: Node<Message = PbMsg<S>, Block = Sealed<S>>>(
        &self,
        ctx: &mut Context<'_, N>,
    ) {
        let Some(p) = &self.primary else { return };
        for (&b, _) in p.acked.iter().filter(|(_, a)| a.is_none()) {
            let msg = PbMsg::Snapshot {
                epoch: self.epoch,
                store: self.store.clone(),
                applied: self.applied,
            };
            ctx.send(b, msg);
        }
    }

    /// The periodic tick: ping the service, resend what is unacknowledged.
    pub fn on_tick<N: Node<Message = PbMsg<S>, Block = Sealed<S>>>(
        &self,
        ctx: &mut Context<'_, N>,
    ) {
        ctx.send(NodeId::from(0), PbMsg::Ping(self.ping()));
        let Some(p) = &self.primary else { return };
        self.send_snapshots(ctx);
        let now = ctx.now();
        for (&b, &acked) in &p.acked {
            let owes = acked.is_none_or(|a| a < self.applied);
            let silent = p
                .heard
                .get(&b)
                .is_some_and(|&t| now.since(t) >= SUSPECT_AFTER);
            if owes && silent {
                let epoch = self.epoch;
                ctx.send(NodeId::from(0), PbMsg::Suspect { epoch, backup: b });
            }
        }
        for (&b, &acked) in &p.acked {
            let Some(acked) = acked else { continue };
            for (&index, &request) in p.unacked.range(acked + 1..=acked + RESEND_BATCH) {
                let epoch = self.epoch;
                ctx.send(
                    b,
                    PbMsg::Forward {
                        epoch,
                        index,
                        request,
                    },
                );
            }
        }
    }

    /// A client operation.
    pub fn on_client_op<N: Node<Message = PbMsg<S>, Block = Sealed<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        op: OpId,
        request: S::Request,
    ) {
        self.on_request(ctx, Requester::Client(op), request);
    }

    /// A request from a client, or from another node ([`PbMsg::Call`]).
    fn on_request<N: Node<Message = PbMsg<S>, Block = Sealed<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        who: Requester,
        mut request: S::Request,
    ) {
        let Some(p) = &mut self.primary else {
            let hint = self.config.as_ref().and_then(|c| c.primary);
            return who.answer(ctx, S::redirect(hint));
        };
        if !p.serving() {
            return p.queued.push((who, request));
        }
        S::stamp(&mut request, ctx.now());
        // Every request, a retry too, takes the ordered path, so its answer
        // waits until what it saw is on every backup; the sessions keep a
        // retried write from applying twice.
        let Some(reply) = self.store.apply(&request) else {
            return; // older than its client's session: the client has moved on
        };
        self.applied += 1;
        let index = self.applied;
        self.save(ctx);
        let p = self.primary.as_mut().expect("primary");
        p.unacked.insert(index, request);
        if self.bug == Some(PbBug::AckBeforeBackup) {
            self.answer(ctx, who, request, reply);
        } else {
            p.waiting.push((index, who, request, reply));
        }
        let epoch = self.epoch;
        for &b in self.primary.as_ref().expect("primary").acked.keys() {
            ctx.send(
                b,
                PbMsg::Forward {
                    epoch,
                    index,
                    request,
                },
            );
        }
        self.after_acks(ctx);
    }

    fn answer<N: Node<Message = PbMsg<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        who: Requester,
        request: S::Request,
        reply: S::Reply,
    ) {
        let (client, seq) = S::session(&request);
        let seen = self.answered.entry(client).or_insert(0);
        *seen = (*seen).max(seq);
        who.answer(ctx, reply);
    }

    /// Answers what every backup now holds; starts serving once all have the
    /// snapshot.
    fn after_acks<N: Node<Message = PbMsg<S>, Block = Sealed<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
    ) {
        let Some(p) = &mut self.primary else { return };
        if !p.serving() {
            return;
        }
        let durable = p.durable();
        p.unacked = p.unacked.split_off(&(durable + 1));
        let (done, waiting): (Vec<_>, Vec<_>) = p.waiting.drain(..).partition(|w| w.0 <= durable);
        p.waiting = waiting;
        let queued = std::mem::take(&mut p.queued);
        for (_, who, request, reply) in done {
            self.answer(ctx, who, request, reply);
        }
        for (who, request) in queued {
            self.on_request(ctx, who, request);
        }
    }

    fn heard_from<N: Node>(&mut self, ctx: &mut Context<'_, N>, backup: NodeId) {
        let now = ctx.now();
        if let Some(t) = self.primary.as_mut().and_then(|p| p.heard.get_mut(&backup)) {
            *t = now;
        }
    }

    /// A message from another replica.
    pub fn on_message<N: Node<Message = PbMsg<S>, Block = Sealed<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        msg: PbMsg<S>,
    ) {
        match msg {
            PbMsg::Config(config) => self.on_config(ctx, config),
            PbMsg::Rejoin { nonce, epoch } => self.on_rejoin(ctx, nonce, epoch),
            PbMsg::Serve { epoch } => {
                if let Some(p) = self.primary.as_mut().filter(|p| p.ready()) {
                    p.confirmed |= epoch == self.epoch;
                }
                self.after_acks(ctx);
            }
            PbMsg::Snapshot {
                epoch,
                store,
                applied,
            } => self.on_snapshot(ctx, from, epoch, store, applied),
            PbMsg::SnapshotAck { epoch } => self.on_snapshot_ack(ctx, from, epoch),
            PbMsg::Forward {
                epoch,
                index,
                request,
            } => self.on_forward(ctx, from, epoch, index, request),
            PbMsg::ForwardAck { epoch, index } => {
                if self.fencing() && epoch != self.epoch {
                    return;
                }
                let applied = self.applied;
                self.heard_from(ctx, from);
                if let Some(Some(a)) = self.primary.as_mut().and_then(|p| p.acked.get_mut(&from)) {
                    *a = (*a).max(index.min(applied));
                }
                self.after_acks(ctx);
            }
            PbMsg::Fenced { epoch } => {
                if epoch > self.epoch {
                    self.step_down(ctx, None);
                    self.config = None;
                }
            }
            PbMsg::Call { id, request } => self.on_request(ctx, Requester::Node(from, id), request),
            PbMsg::Ping(_) | PbMsg::Suspect { .. } | PbMsg::Answer { .. } => {}
        }
    }

    /// A primary's whole state, at the start of its epoch (or resent).
    fn on_snapshot<N: Node<Message = PbMsg<S>, Block = Sealed<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        epoch: u64,
        store: S,
        applied: u64,
    ) {
        if self.awaiting() {
            return;
        }
        if epoch < self.epoch {
            return ctx.send(from, PbMsg::Fenced { epoch: self.epoch });
        }
        if epoch > self.epoch {
            self.step_down(ctx, Some(from));
            self.config = None;
        }
        self.epoch = epoch;
        // A snapshot resent within an epoch may arrive late, behind
        // forwards already applied on top of an earlier copy.
        if epoch > self.installed || applied >= self.applied {
            self.ahead.clear();
            self.store = store;
            self.applied = applied;
            self.installed = epoch;
            ctx.sometimes(probes::LOST_STATE_RESTORED, self.disk == Disk::Lost);
            self.disk = Disk::Whole;
        }
        self.save(ctx);
        ctx.send(from, PbMsg::SnapshotAck { epoch });
    }

    /// A backup holds the snapshot; the primary serves once every backup does.
    fn on_snapshot_ack<N: Node<Message = PbMsg<S>, Block = Sealed<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        epoch: u64,
    ) {
        if epoch != self.epoch {
            return;
        }
        // Nothing is applied while a snapshot is unacknowledged, so the
        // snapshot held everything up to `applied`.
        let applied = self.applied;
        self.heard_from(ctx, from);
        if let Some(a) = self.primary.as_mut().and_then(|p| p.acked.get_mut(&from)) {
            if a.is_none() {
                *a = Some(applied);
            }
        }
        let was_ready = self.primary.as_ref().is_some_and(|p| p.ready());
        self.after_acks(ctx);
        if !was_ready && self.primary.as_ref().is_some_and(|p| p.ready()) {
            ctx.send(NodeId::from(0), PbMsg::Ping(self.ping()));
        }
    }

    /// Operation `index` of `epoch`, forwarded by the primary.
    fn on_forward<N: Node<Message = PbMsg<S>, Block = Sealed<S>, Reply = S::Reply>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        epoch: u64,
        index: u64,
        request: S::Request,
    ) {
        if self.awaiting() {
            return;
        }
        if self.fencing() && (epoch != self.epoch || epoch != self.installed) {
            if epoch < self.epoch {
                ctx.reached(probes::STALE_PRIMARY_FENCED);
                ctx.send(from, PbMsg::Fenced { epoch: self.epoch });
            }
            return;
        }
        if index > self.applied + 1 {
            ctx.reached(probes::FORWARD_AHEAD_OF_GAP);
            // A gap: keep it for when the gap fills (the primary resends).
            if self.ahead.len() < AHEAD_LIMIT {
                self.ahead.insert(index, request);
            }
            return;
        }
        let mut index = index;
        if index == self.applied + 1 {
            self.store.apply(&request);
            self.applied = index;
            while let Some(next) = self.ahead.remove(&(self.applied + 1)) {
                self.store.apply(&next);
                self.applied += 1;
            }
            self.ahead = self.ahead.split_off(&(self.applied + 1));
            index = self.applied;
            self.save(ctx);
        }
        let epoch = self.epoch;
        ctx.send(from, PbMsg::ForwardAck { epoch, index });
    }
}
