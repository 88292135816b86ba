//! The coordinator: it splits a client's transaction into each shard's
//! parts, asks every participant to prepare, and decides: commit when every
//! vote is yes, abort on a no or when a vote is late ([`VOTE_TIMEOUT`]). It
//! writes and syncs the decision before it tells anyone, answers the
//! client, and re-sends the decision to each participant until it is
//! acknowledged. After a restart it re-sends every logged decision, and
//! answers a query about a transaction it has no decision for with abort,
//! logged first (presumed abort).

use super::messages::{
    Decision, Part, PartResult, Step, StepResult, TpcBlock, TpcMsg, TpcTimer, TxnId, TxnReply,
    TxnRequest,
};
use super::participant::block_of;
use super::{shard_of, TpcBug, TpcNode};
use sim::{Context, NodeId, OpId, SimDuration};
use std::collections::{BTreeMap, BTreeSet};

/// Coverage probe: a participant in doubt asked the coordinator for the
/// decision (recovery).
pub const RECOVERY_QUERY: &str = "a participant in doubt asked for the decision";
/// Coverage probe: a participant voted no, and the transaction aborted.
pub const VOTED_NO: &str = "a participant voted no";
/// How long the coordinator waits for the votes.
pub const VOTE_TIMEOUT: SimDuration = SimDuration::from_millis(150);
/// How long the `decide-before-log` bug's decision takes to reach the disk.
pub const SLOW_LOG: SimDuration = SimDuration::from_millis(20);

/// A transaction being decided.
#[derive(Clone, Debug, Hash)]
struct Active {
    op: OpId,
    steps: Vec<Step>,
    participants: Vec<NodeId>,
    votes: BTreeMap<NodeId, Vec<(u32, PartResult)>>,
}

/// The coordinator.
#[derive(Clone, Debug, Hash)]
pub struct Coordinator {
    bug: Option<TpcBug>,
    decisions: BTreeMap<TxnId, (Decision, Vec<NodeId>)>,
    active: BTreeMap<TxnId, Active>,
    /// Decided (bug: sent to one participant) but not yet on disk.
    logging: BTreeMap<TxnId, (Decision, Active)>,
    unacked: BTreeMap<TxnId, BTreeSet<NodeId>>,
}

/// Each shard's parts of `steps`, with the step indices.
pub fn split(steps: &[Step]) -> BTreeMap<NodeId, Vec<(u32, Part)>> {
    let mut parts: BTreeMap<NodeId, Vec<(u32, Part)>> = BTreeMap::new();
    for (i, step) in steps.iter().enumerate() {
        let i = i as u32;
        let mut add =
            |key: u32, part: Part| parts.entry(shard_of(key)).or_default().push((i, part));
        match *step {
            Step::Append { key, value } => add(key, Part::Append { key, value }),
            Step::Read { key } => add(key, Part::Read { key }),
            Step::Transfer { from, to, amount } => {
                add(
                    from,
                    Part::Debit {
                        account: from,
                        amount,
                    },
                );
                add(
                    to,
                    Part::Credit {
                        account: to,
                        amount,
                    },
                );
            }
            Step::Balance { account } => add(account, Part::Balance { account }),
        }
    }
    parts
}

impl Coordinator {
    /// A coordinator with no decisions, with a bug switched on or not.
    pub fn new(bug: Option<TpcBug>) -> Coordinator {
        Coordinator {
            bug,
            decisions: BTreeMap::new(),
            active: BTreeMap::new(),
            logging: BTreeMap::new(),
            unacked: BTreeMap::new(),
        }
    }

    /// The logged decision of `txn`, if any.
    pub fn decision(&self, txn: TxnId) -> Option<(Decision, &[NodeId])> {
        self.decisions.get(&txn).map(|(d, p)| (*d, p.as_slice()))
    }

    /// Every logged decision.
    pub fn decisions(&self) -> impl Iterator<Item = (TxnId, Decision, &[NodeId])> {
        self.decisions
            .iter()
            .map(|(&t, (d, p))| (t, *d, p.as_slice()))
    }

    /// Reloads the logged decisions, to be sent again until acknowledged.
    pub fn recover(&mut self, ctx: &mut Context<'_, TpcNode>) {
        let blocks: Vec<u64> = ctx.storage().synced_blocks().collect();
        for block in blocks {
            if let Ok(Some(TpcBlock::Decision {
                decision,
                participants,
            })) = ctx.storage().read(block)
            {
                let participants = participants.clone();
                self.unacked
                    .insert(block - 1, participants.iter().copied().collect());
                self.decisions.insert(block - 1, (*decision, participants));
            }
        }
    }

    /// A client's transaction: ask each shard to prepare its parts.
    pub fn on_client_op(&mut self, ctx: &mut Context<'_, TpcNode>, op: OpId, request: TxnRequest) {
        let txn = op.0;
        let parts = split(&request.steps);
        if parts.is_empty() {
            return ctx.reply(op, TxnReply::Committed(Vec::new()));
        }
        let participants: Vec<NodeId> = parts.keys().copied().collect();
        for (&to, parts) in &parts {
            let prepare = TpcMsg::Prepare {
                txn,
                parts: parts.clone(),
                participants: participants.clone(),
            };
            ctx.send(to, prepare);
        }
        ctx.set_timer(VOTE_TIMEOUT, TpcTimer::VoteTimeout { txn });
        let active = Active {
            op,
            steps: request.steps,
            participants,
            votes: BTreeMap::new(),
        };
        self.active.insert(txn, active);
    }

    /// Handles a participant's message.
    pub fn on_message(&mut self, ctx: &mut Context<'_, TpcNode>, from: NodeId, msg: TpcMsg) {
        match msg {
            TpcMsg::Vote { txn, yes, results } => self.on_vote(ctx, from, txn, yes, results),
            TpcMsg::Ack { txn } => {
                if let Some(waiting) = self.unacked.get_mut(&txn) {
                    waiting.remove(&from);
                    if waiting.is_empty() {
                        self.unacked.remove(&txn);
                    }
                }
            }
            TpcMsg::Query { txn } => self.on_query(ctx, from, txn),
            _ => {}
        }
    }

    fn on_vote(
        &mut self,
        ctx: &mut Context<'_, TpcNode>,
        from: NodeId,
        txn: TxnId,
        yes: bool,
        results: Vec<(u32, PartResult)>,
    ) {
        let Some(active) = self.active.get_mut(&txn) else {
            return;
        };
        if !yes {
            ctx.reached(VOTED_NO);
            return self.decide(ctx, txn, Decision::Abort);
        }
        active.votes.insert(from, results);
        if active.votes.len() == active.participants.len() {
            self.decide(ctx, txn, Decision::Commit);
        }
    }

    /// The votes are late: abort, or (the bug) count the missing ones as yes.
    pub fn on_vote_timeout(&mut self, ctx: &mut Context<'_, TpcNode>, txn: TxnId) {
        if self.active.contains_key(&txn) {
            let decision = match self.bug {
                Some(TpcBug::CommitWithoutAllVotes) => Decision::Commit,
                _ => Decision::Abort,
            };
            self.decide(ctx, txn, decision);
        }
    }

    fn decide(&mut self, ctx: &mut Context<'_, TpcNode>, txn: TxnId, decision: Decision) {
        let Some(active) = self.active.remove(&txn) else {
            return;
        };
        if self.bug == Some(TpcBug::DecideBeforeLog) && decision == Decision::Commit {
            // The bug: the first participant hears before the log is on disk.
            ctx.send(active.participants[0], TpcMsg::Decide { txn, decision });
            ctx.set_timer(SLOW_LOG, TpcTimer::Logged { txn });
            self.logging.insert(txn, (decision, active));
            return;
        }
        self.log_and_tell(ctx, txn, decision, active);
    }

    /// The bug's slow log reached the disk.
    pub fn on_logged(&mut self, ctx: &mut Context<'_, TpcNode>, txn: TxnId) {
        if let Some((decision, active)) = self.logging.remove(&txn) {
            self.log_and_tell(ctx, txn, decision, active);
        }
    }

    /// Logs the decision (synced), answers the client, and tells every participant.
    fn log_and_tell(
        &mut self,
        ctx: &mut Context<'_, TpcNode>,
        txn: TxnId,
        decision: Decision,
        active: Active,
    ) {
        let participants = active.participants.clone();
        self.log(ctx, txn, decision, &participants);
        let reply = match decision {
            Decision::Commit => TxnReply::Committed(results(&active)),
            Decision::Abort => TxnReply::Aborted,
        };
        ctx.reply(active.op, reply);
        for &p in &participants {
            ctx.send(p, TpcMsg::Decide { txn, decision });
        }
        self.unacked.insert(txn, participants.into_iter().collect());
    }

    fn log(
        &mut self,
        ctx: &mut Context<'_, TpcNode>,
        txn: TxnId,
        decision: Decision,
        participants: &[NodeId],
    ) {
        let block = TpcBlock::Decision {
            decision,
            participants: participants.to_vec(),
        };
        ctx.storage().write(block_of(txn), block);
        ctx.storage().sync();
        self.decisions
            .insert(txn, (decision, participants.to_vec()));
    }

    /// A participant in doubt asks: the logged decision, or (none logged,
    /// and not being decided) abort, logged first.
    fn on_query(&mut self, ctx: &mut Context<'_, TpcNode>, from: NodeId, txn: TxnId) {
        ctx.reached(RECOVERY_QUERY);
        if self.active.contains_key(&txn) || self.logging.contains_key(&txn) {
            return;
        }
        let decision = match self.decisions.get(&txn) {
            Some((d, _)) => *d,
            None => {
                self.log(ctx, txn, Decision::Abort, &[from]);
                Decision::Abort
            }
        };
        ctx.send(from, TpcMsg::Decide { txn, decision });
    }

    /// Sends every unacknowledged decision again.
    pub fn on_tick(&mut self, ctx: &mut Context<'_, TpcNode>) {
        for (&txn, waiting) in &self.unacked {
            let decision = self.decisions[&txn].0;
            for &p in waiting {
                ctx.send(p, TpcMsg::Decide { txn, decision });
            }
        }
    }
}

/// Each step's result, from the votes (a read a shard never answered is
/// unknown).
fn results(active: &Active) -> Vec<StepResult> {
    let mut by_step: BTreeMap<u32, PartResult> = BTreeMap::new();
    for results in active.votes.values() {
        for (i, r) in results {
            by_step.insert(*i, r.clone());
        }
    }
    active
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| match (step, by_step.get(&(i as u32))) {
            (Step::Read { .. }, Some(PartResult::List(l))) => StepResult::List(Some(l.clone())),
            (Step::Read { .. }, _) => StepResult::List(None),
            (Step::Balance { .. }, Some(PartResult::Balance(b))) => StepResult::Balance(Some(*b)),
            (Step::Balance { .. }, _) => StepResult::Balance(None),
            _ => StepResult::Done,
        })
        .collect()
}
