//! A participant: one shard. It prepares a transaction's parts under
//! exclusive locks (no waiting: a lock held by another transaction is a no
//! vote), writes and syncs a prepare record before voting yes, applies or
//! discards on the decision, and keeps every outcome durably.
//!
//! A participant in doubt (prepared, undecided) asks the coordinator, and
//! its peers (cooperative termination), every [`QUERY_EVERY`] once it has
//! waited [`IN_DOUBT_AFTER`]. A peer that knows the outcome says it; a
//! peer that never voted yes aborts the transaction on the spot and says
//! so (the coordinator cannot have had its yes). While every participant
//! is in doubt and the coordinator is down, the transaction blocks: the
//! known price of two-phase commit.

use super::messages::{Decision, Part, PrepareRecord, TpcBlock, TpcMsg, TxnId};
use super::shard::{LockKey, ShardData};
use super::{TpcBug, TpcNode, COORDINATOR};
use sim::{Context, NodeId, SimDuration, SimTime};
use std::collections::BTreeMap;

/// How long a prepared transaction waits for its decision before asking.
pub const IN_DOUBT_AFTER: SimDuration = SimDuration::from_millis(200);
/// How often an in-doubt participant asks again.
pub const QUERY_EVERY: SimDuration = SimDuration::from_millis(100);
const DATA_BLOCK: u64 = 0;

/// A transaction's block address.
pub fn block_of(txn: TxnId) -> u64 {
    txn + 1
}

/// A participant.
#[derive(Clone, Debug, Hash)]
pub struct Participant {
    bug: Option<TpcBug>,
    data: ShardData,
    prepared: BTreeMap<TxnId, (PrepareRecord, SimTime)>,
    outcomes: BTreeMap<TxnId, Decision>,
    locks: BTreeMap<LockKey, TxnId>,
    /// Ghost: the outcomes in the order recorded, for the atomicity monitor.
    log: Vec<(TxnId, Decision)>,
}

impl Participant {
    /// An empty shard, with a bug switched on or not.
    pub fn new(bug: Option<TpcBug>) -> Participant {
        Participant {
            bug,
            data: ShardData::default(),
            prepared: BTreeMap::new(),
            outcomes: BTreeMap::new(),
            locks: BTreeMap::new(),
            log: Vec::new(),
        }
    }

    /// The shard's data.
    pub fn data(&self) -> &ShardData {
        &self.data
    }

    /// Each outcome, in the order recorded (rebuilt from disk after a restart).
    pub fn log(&self) -> &[(TxnId, Decision)] {
        &self.log
    }

    /// The outcome of `txn` here, if decided.
    pub fn outcome(&self, txn: TxnId) -> Option<Decision> {
        self.outcomes.get(&txn).copied()
    }

    /// The transactions prepared here and not yet decided.
    pub fn in_doubt(&self) -> impl Iterator<Item = TxnId> + '_ {
        self.prepared.keys().copied()
    }

    /// Reloads the synced data, records and outcomes; a transaction still
    /// prepared takes its locks again and is in doubt (or, with
    /// `no-recovery-query`, is aborted on the spot).
    pub fn recover(&mut self, ctx: &mut Context<'_, TpcNode>) {
        let blocks: Vec<u64> = ctx.storage().synced_blocks().collect();
        for block in blocks {
            match ctx.storage().read(block).ok().flatten().cloned() {
                Some(TpcBlock::Data(data)) => self.data = data,
                Some(TpcBlock::Outcome(d)) => {
                    self.outcomes.insert(block - 1, d);
                    self.log.push((block - 1, d));
                }
                Some(TpcBlock::Prepared(record)) => {
                    self.prepared.insert(block - 1, (record, SimTime::ZERO));
                }
                _ => {}
            }
        }
        let doubtful: Vec<TxnId> = self.prepared.keys().copied().collect();
        for txn in doubtful {
            if self.bug == Some(TpcBug::NoRecoveryQuery) {
                self.prepared.remove(&txn);
                self.record(ctx, txn, Decision::Abort);
                ctx.storage().sync();
            } else {
                let parts = self.prepared[&txn].0.parts.clone();
                self.lock(txn, &parts);
            }
        }
    }

    /// Handles a message.
    pub fn on_message(&mut self, ctx: &mut Context<'_, TpcNode>, from: NodeId, msg: TpcMsg) {
        match msg {
            TpcMsg::Prepare {
                txn,
                parts,
                participants,
            } => self.prepare(ctx, txn, parts, participants),
            TpcMsg::Decide { txn, decision } => self.decide(ctx, txn, decision),
            TpcMsg::Query { txn } => self.answer_peer(ctx, from, txn),
            _ => {}
        }
    }

    fn vote(ctx: &mut Context<'_, TpcNode>, txn: TxnId, record: Option<&PrepareRecord>) {
        let results = record.map(|r| r.results.clone()).unwrap_or_default();
        let yes = record.is_some();
        ctx.send(COORDINATOR, TpcMsg::Vote { txn, yes, results });
    }

    fn prepare(
        &mut self,
        ctx: &mut Context<'_, TpcNode>,
        txn: TxnId,
        parts: Vec<(u32, Part)>,
        participants: Vec<NodeId>,
    ) {
        if let Some(d) = self.outcomes.get(&txn) {
            if *d == Decision::Abort {
                Self::vote(ctx, txn, None);
            }
            return;
        }
        if let Some((record, _)) = self.prepared.get(&txn) {
            return Self::vote(ctx, txn, Some(record)); // asked again
        }
        let taken = parts
            .iter()
            .any(|(_, p)| self.locks.get(&LockKey::of(p)).is_some_and(|&h| h != txn));
        let Some(results) = self.data.try_run(&parts).filter(|_| !taken) else {
            return Self::vote(ctx, txn, None);
        };
        let record = PrepareRecord {
            parts,
            participants,
            results,
        };
        ctx.storage()
            .write(block_of(txn), TpcBlock::Prepared(record.clone()));
        if self.bug != Some(TpcBug::ForgetPrepare) {
            ctx.storage().sync();
        }
        if self.bug != Some(TpcBug::ReleaseLocksAtPrepare) {
            self.lock(txn, &record.parts);
        }
        Self::vote(ctx, txn, Some(&record));
        self.prepared.insert(txn, (record, ctx.monotonic()));
    }

    fn lock(&mut self, txn: TxnId, parts: &[(u32, Part)]) {
        for (_, p) in parts {
            self.locks.insert(LockKey::of(p), txn);
        }
    }

    /// Applies or discards `txn`. A commit of a transaction never prepared
    /// here cannot be applied: it is recorded as aborted, which breaks
    /// atomicity, and only a bug elsewhere sends one.
    fn decide(&mut self, ctx: &mut Context<'_, TpcNode>, txn: TxnId, decision: Decision) {
        if self.outcomes.contains_key(&txn) {
            return ctx.send(COORDINATOR, TpcMsg::Ack { txn });
        }
        let outcome = match self.prepared.remove(&txn) {
            Some((record, _)) => {
                if decision == Decision::Commit {
                    self.data.apply(&record.parts);
                    ctx.storage()
                        .write(DATA_BLOCK, TpcBlock::Data(self.data.clone()));
                }
                self.locks.retain(|_, holder| *holder != txn);
                decision
            }
            None => Decision::Abort,
        };
        self.record(ctx, txn, outcome);
        ctx.storage().sync();
        ctx.send(COORDINATOR, TpcMsg::Ack { txn });
    }

    fn record(&mut self, ctx: &mut Context<'_, TpcNode>, txn: TxnId, outcome: Decision) {
        self.outcomes.insert(txn, outcome);
        self.log.push((txn, outcome));
        ctx.storage()
            .write(block_of(txn), TpcBlock::Outcome(outcome));
    }

    /// A peer in doubt asks: say the outcome if known; if this shard never
    /// voted yes, abort here and say so.
    fn answer_peer(&mut self, ctx: &mut Context<'_, TpcNode>, from: NodeId, txn: TxnId) {
        if self.prepared.contains_key(&txn) {
            return; // in doubt too
        }
        let decision = match self.outcomes.get(&txn) {
            Some(&d) => d,
            None => {
                self.record(ctx, txn, Decision::Abort);
                ctx.storage().sync();
                Decision::Abort
            }
        };
        ctx.send(from, TpcMsg::Decide { txn, decision });
    }

    /// Asks about every transaction in doubt for long enough.
    pub fn on_tick(&mut self, ctx: &mut Context<'_, TpcNode>) {
        let now = ctx.monotonic();
        let asking: Vec<(TxnId, Vec<NodeId>)> = self
            .prepared
            .iter()
            .filter(|(_, (_, since))| now.since(*since) >= IN_DOUBT_AFTER || *since > now)
            .map(|(&txn, (record, _))| (txn, record.participants.clone()))
            .collect();
        let me = ctx.id();
        for (txn, peers) in asking {
            ctx.send(COORDINATOR, TpcMsg::Query { txn });
            for peer in peers.into_iter().filter(|&p| p != me) {
                ctx.send(peer, TpcMsg::Query { txn });
            }
        }
    }
}
