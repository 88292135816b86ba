//! One Raft node: election, replication, the commit rule, persistence, and the
//! key-value state machine it drives, with the bug switches wired in.

use super::disk::Sealed;
use super::log::{Entry, Log};
use super::messages::{RaftBlock, RaftMsg, Tick, COMMIT_BLOCK};
use super::RaftBug;
use crate::kv::{KvReply, KvRequest, KvStore};
use sim::sealed as disk;
use sim::{Context, Node, NodeId, OpId, SimDuration, SimTime};
use std::collections::{BTreeMap, BTreeSet};

mod election;
mod recovery;

/// How often a leader sends heartbeats (and a candidate re-asks for votes).
const HEARTBEAT: SimDuration = SimDuration::from_millis(50);
/// Election timeouts are drawn uniformly from this range, in milliseconds.
const ELECTION_MS: (u64, u64) = (150, 300);
/// The most entries one append carries.
const MAX_BATCH: usize = 64;
const HARD_STATE_BLOCK: u64 = 0;

/// Fault point: an election timeout far shorter than the normal range.
pub const EARLY_ELECTION: &str = "raft-kv: election timeout cut short";

/// The coverage probes the node reaches: a sweep that never reached them
/// never set up the figure-8 scenario of the Raft paper.
pub mod probes {
    /// A node became leader holding entries past its commit index.
    pub const LEADER_WITH_UNCOMMITTED: &str = "leader elected with uncommitted entries";
    /// A leader saw an entry of an older term on a majority, and the
    /// commit rule held it back (§5.4.2).
    pub const OLD_TERM_ON_MAJORITY: &str = "older term's entry on a majority, not committed";
    /// A follower dropped entries that conflicted with its leader's.
    pub const CONFLICT_TRUNCATED: &str = "conflicting entries truncated";
    /// A restarted node found a damaged block in its log.
    pub const LOG_DAMAGED: &str = "log found damaged at recovery";
    /// A node whose log was damaged got it back from a leader.
    pub const REPAIRED: &str = "damaged log repaired";
    /// A restarted node found its hard state damaged, and forfeited its vote.
    pub const FORFEITED: &str = "vote forfeited to a damaged hard state";
}

/// A node's role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    /// Follows a leader (or waits for one).
    Follower,
    /// Asks for votes.
    Candidate,
    /// Asks whether it could win before it stands (pre-vote), in its
    /// current term.
    PreCandidate,
    /// Leads its term.
    Leader,
}

/// A mistake planted for a test (see [`super::mutants`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Mutant {
    /// A follower appends the leader's entries and never syncs them: a
    /// crash loses what it acknowledged.
    FollowerNeverSyncs,
    /// A restarted node reads its term and vote back, but not its log.
    RecoveryLosesTheLog,
}

/// A Raft node serving the key-value store.
#[derive(Clone, Debug, Hash)]
pub struct RaftKv {
    bug: Option<RaftBug>,
    /// A test mutant (see [`super::mutants`]), never a bug switch.
    mutant: Option<Mutant>,
    /// The version of the code this node runs: 1, or 2, which also keeps
    /// the commit index on disk (see [`RaftBlock::Commit`]).
    version: u32,
    // Persistent state (synced before any message that depends on it).
    term: u64,
    voted_for: Option<NodeId>,
    log: Log,
    // Volatile state.
    role: Role,
    leader: Option<NodeId>,
    commit: u64,
    applied: u64,
    store: KvStore,
    election_deadline: SimTime,
    next_heartbeat: SimTime,
    votes: BTreeSet<NodeId>,
    /// When this node last heard from a leader of its term (pre-votes are
    /// refused within the shortest election timeout of it), or, leading,
    /// when it took office.
    heard_leader: Option<SimTime>,
    /// Leading: when each node last answered an append of this term (the
    /// leader steps down when a majority has been silent for the longest
    /// election timeout: check-quorum).
    answered: Vec<SimTime>,
    next_index: Vec<u64>,
    match_index: Vec<u64>,
    /// Per follower: an append is in flight (one at a time, batched; a
    /// heartbeat sends regardless, so a lost reply costs one heartbeat).
    in_flight: Vec<bool>,
    /// Per follower: when the last append went out. A heartbeat skips a
    /// follower that heard from the leader within the last half interval.
    last_sent: Vec<SimTime>,
    /// Client operations waiting for their entry to apply: index -> (op, term).
    waiting: BTreeMap<u64, Vec<(OpId, u64)>>,
    /// The timer in flight and the local time it is due.
    timer: Option<(sim::TimerId, SimTime)>,
    /// Lost its hard state to a damaged disk: never votes or stands again
    /// (see `node/recovery.rs`).
    forfeited: bool,
    /// Found its log damaged: votes again once its log reaches this index,
    /// or matches a leader's whole log.
    repair_to: Option<u64>,
    /// Found its log damaged when it started (this incarnation): its
    /// rejects tell the leader so.
    lost_entries: bool,
}

impl RaftKv {
    /// A fresh node, with a bug switched on or not.
    pub fn new(bug: Option<RaftBug>) -> RaftKv {
        RaftKv::of_version(bug, 1)
    }

    /// A fresh node of `version` running `mutant`.
    pub(super) fn mutant(mutant: Mutant, version: u32) -> RaftKv {
        RaftKv {
            mutant: Some(mutant),
            ..RaftKv::of_version(None, version)
        }
    }

    /// A fresh node of `version` (1 or 2).
    pub fn of_version(bug: Option<RaftBug>, version: u32) -> RaftKv {
        assert!((1..=2).contains(&version), "raft-kv has versions 1 and 2");
        RaftKv {
            bug,
            mutant: None,
            version,
            term: 0,
            voted_for: None,
            log: Log::default(),
            role: Role::Follower,
            leader: None,
            commit: 0,
            applied: 0,
            store: KvStore::default(),
            election_deadline: SimTime::ZERO,
            next_heartbeat: SimTime::ZERO,
            votes: BTreeSet::new(),
            heard_leader: None,
            answered: Vec::new(),
            next_index: Vec::new(),
            match_index: Vec::new(),
            in_flight: Vec::new(),
            last_sent: Vec::new(),
            waiting: BTreeMap::new(),
            timer: None,
            forfeited: false,
            repair_to: None,
            lost_entries: false,
        }
    }

    /// The node's role.
    pub fn role(&self) -> Role {
        self.role
    }
    /// The leader of its term this node knows: itself when it leads.
    pub fn known_leader(&self) -> Option<NodeId> {
        self.leader
    }
    /// The current term.
    pub fn term(&self) -> u64 {
        self.term
    }
    /// The log.
    pub fn log(&self) -> &Log {
        &self.log
    }
    /// The candidate this node voted for in its current term.
    pub fn voted_for(&self) -> Option<NodeId> {
        self.voted_for
    }
    /// Whether this node forfeited its vote to a damaged hard state (see
    /// `node/recovery.rs`): it never votes or stands again.
    pub fn forfeited(&self) -> bool {
        self.forfeited
    }
    /// The commit index (volatile: 0 after a restart until a leader says more).
    pub fn commit_index(&self) -> u64 {
        self.commit
    }
    /// The state machine, as applied up to the commit index.
    pub fn store(&self) -> &KvStore {
        &self.store
    }

    /// The node's state in one line, for a stuck run's failure message.
    pub fn state_line(&self) -> String {
        let leader = self.leader.map_or("none".to_string(), |l| l.to_string());
        format!(
            "{:?} of term {}, leader {leader}, log to {}, commit {}",
            self.role,
            self.term,
            self.log.last_index(),
            self.commit
        )
        .to_lowercase()
    }

    pub(super) fn bug(&self, bug: RaftBug) -> bool {
        self.bug == Some(bug)
    }

    pub(super) fn majority(ctx: &Context<'_, Self>) -> usize {
        ctx.node_count() / 2 + 1
    }

    /// Keeps one timer set for the role's next deadline: the heartbeat for a
    /// leader, the election timeout (and, for a candidate, the vote re-request)
    /// otherwise. Deadlines move without re-arming: a timer that fires early
    /// finds its deadline later and sets itself again, so the many messages
    /// that push the election timeout back cost no timer events.
    fn arm(&mut self, ctx: &mut Context<'_, Self>) {
        let due = match self.role {
            Role::Leader => self.next_heartbeat,
            Role::Candidate | Role::PreCandidate => self.election_deadline.min(self.next_heartbeat),
            Role::Follower => self.election_deadline,
        };
        if let Some((id, set_for)) = self.timer {
            if set_for <= due {
                return;
            }
            ctx.cancel_timer(id);
        }
        let now = ctx.now();
        let after = due.since(now).max(SimDuration::from_nanos(1));
        self.timer = Some((ctx.set_timer(after, Tick), now.after(after)));
    }

    /// A fresh election deadline. Fault point [`EARLY_ELECTION`]: a third
    /// of the shortest timeout, so a follower stands for election while
    /// its leader is still there, and leaders change often.
    pub(super) fn reset_election_deadline(&mut self, ctx: &mut Context<'_, Self>) {
        let mut ms = ctx.rng().between(ELECTION_MS.0, ELECTION_MS.1);
        if ctx.buggify(EARLY_ELECTION) {
            ms = ELECTION_MS.0 / 3;
        }
        self.election_deadline = ctx.now().after(SimDuration::from_millis(ms));
    }

    /// Persists the term and vote, and syncs. With `forget-vote-on-restart` the
    /// vote is never written, so a restarted node has forgotten it.
    fn save_hard_state(&mut self, ctx: &mut Context<'_, Self>) {
        let voted_for = if self.bug(RaftBug::ForgetVoteOnRestart) {
            None
        } else {
            self.voted_for
        };
        let block = match self.version >= 2 && self.bug(RaftBug::HardStateV2Only) {
            true => RaftBlock::HardV2 {
                term: self.term,
                voted_for,
                commit: self.commit,
            },
            false => RaftBlock::Hard {
                term: self.term,
                voted_for,
            },
        };
        disk::put(ctx.storage(), HARD_STATE_BLOCK, block);
        self.sync(ctx);
    }

    /// Syncs the disk. A failed sync stops the node (see `sim::storage`),
    /// except with `ignore-fsync-errors`, which takes it for success.
    fn sync(&self, ctx: &mut Context<'_, Self>) {
        if self.bug(RaftBug::IgnoreFsyncErrors) {
            let _ignored = ctx.storage().try_sync();
        } else {
            ctx.storage().sync();
        }
    }

    /// Moves to a newer term as a follower, forgetting the vote.
    fn observe_term(&mut self, ctx: &mut Context<'_, Self>, term: u64) {
        if term > self.term {
            self.term = term;
            self.voted_for = None;
            self.save_hard_state(ctx);
            self.become_follower(ctx, None);
        }
    }

    fn become_follower(&mut self, ctx: &mut Context<'_, Self>, leader: Option<NodeId>) {
        if self.role == Role::Leader {
            self.reset_election_deadline(ctx);
            // Whatever happens to those entries, this node cannot tell the
            // clients: they retry elsewhere, and sessions keep retries single.
            for (op, _) in std::mem::take(&mut self.waiting).into_values().flatten() {
                ctx.reply(op, KvReply::Redirect { hint: leader });
            }
        }
        self.role = Role::Follower;
        self.leader = leader;
    }

    pub(super) fn start_election(&mut self, ctx: &mut Context<'_, Self>) {
        self.term += 1;
        self.role = Role::Candidate;
        self.leader = None;
        self.voted_for = Some(ctx.id());
        self.save_hard_state(ctx);
        self.votes = BTreeSet::from([ctx.id()]);
        self.reset_election_deadline(ctx);
        self.next_heartbeat = ctx.now().after(HEARTBEAT);
        if self.votes.len() >= Self::majority(ctx) {
            self.become_leader(ctx);
        } else {
            self.request_votes(ctx);
        }
    }

    fn request_votes(&mut self, ctx: &mut Context<'_, Self>) {
        let msg = RaftMsg::RequestVote {
            term: self.term,
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
        };
        self.ask_the_rest(ctx, msg);
    }

    /// Sends `msg` (a vote or pre-vote request) to every node whose vote
    /// this node does not hold yet.
    pub(super) fn ask_the_rest(&self, ctx: &mut Context<'_, Self>, msg: RaftMsg) {
        for i in 0..ctx.node_count() {
            let to = NodeId::from(i);
            if !self.votes.contains(&to) {
                ctx.send(to, msg.clone());
            }
        }
    }

    fn become_leader(&mut self, ctx: &mut Context<'_, Self>) {
        ctx.sometimes(
            probes::LEADER_WITH_UNCOMMITTED,
            self.log.last_index() > self.commit,
        );
        self.role = Role::Leader;
        self.leader = Some(ctx.id());
        let n = ctx.node_count();
        // No no-op entry: reads go through the log, so the paper's §8 no-op is
        // not needed for them, and the predecessors' entries commit with the
        // first client entry of this term. (With a no-op sent along with them,
        // `commit-previous-term` could never be observed.)
        self.next_index = vec![self.log.last_index() + 1; n];
        self.match_index = vec![0; n];
        self.in_flight = vec![false; n];
        self.last_sent = vec![SimTime::ZERO; n];
        self.match_index[ctx.id().index()] = self.log.last_index();
        self.answered = vec![ctx.now(); n];
        self.heard_leader = Some(ctx.now());
        self.broadcast_append(ctx, true);
        self.advance_commit(ctx);
    }

    /// Appends an entry of the current term to the leader's log and syncs it.
    fn append_local(&mut self, ctx: &mut Context<'_, Self>, request: Option<KvRequest>) -> u64 {
        let entry = Entry {
            term: self.term,
            request,
        };
        let index = self.log.push(entry);
        disk::put(ctx.storage(), index, RaftBlock::Entry(entry));
        self.sync(ctx);
        if let Some(m) = self.match_index.get_mut(ctx.id().index()) {
            *m = index;
        }
        index
    }

    fn send_append(&mut self, ctx: &mut Context<'_, Self>, to: NodeId) {
        let next = self.next_index[to.index()].max(1);
        let prev_index = next - 1;
        let msg = RaftMsg::Append {
            term: self.term,
            prev_index,
            prev_term: self
                .log
                .term_at(prev_index)
                .expect("next_index <= last + 1"),
            entries: self.log.slice(next, MAX_BATCH).to_vec(),
            commit: self.commit,
        };
        self.in_flight[to.index()] = true;
        self.last_sent[to.index()] = ctx.now();
        ctx.send(to, msg);
    }

    /// Sends an append to every follower with none in flight; or, as a
    /// heartbeat, to every follower not sent one in the last half interval.
    fn broadcast_append(&mut self, ctx: &mut Context<'_, Self>, heartbeat: bool) {
        let recent = SimTime(ctx.now().0.saturating_sub(HEARTBEAT.as_nanos() / 2));
        for i in 0..ctx.node_count() {
            let due = if heartbeat {
                self.last_sent[i] <= recent
            } else {
                !self.in_flight[i]
            };
            if i != ctx.id().index() && due {
                self.send_append(ctx, NodeId::from(i));
            }
        }
        if heartbeat {
            self.next_heartbeat = ctx.now().after(HEARTBEAT);
        }
    }

    /// The commit rule (§5.3, §5.4.2): the highest index stored on a majority
    /// whose entry is of the current term. `commit-previous-term` drops the
    /// term condition: the figure-8 bug.
    fn advance_commit(&mut self, ctx: &mut Context<'_, Self>) {
        let majority = Self::majority(ctx);
        let mut n = self.log.last_index();
        while n > self.commit {
            let term = self.log.term_at(n).expect("n <= last");
            if term != self.term && !self.bug(RaftBug::CommitPreviousTerm) {
                let held = self.match_index.iter().filter(|&&m| m >= n).count();
                ctx.sometimes(probes::OLD_TERM_ON_MAJORITY, held >= majority);
                break; // Older entries are of older terms still.
            }
            if self.match_index.iter().filter(|&&m| m >= n).count() >= majority {
                self.commit = n;
                break;
            }
            n -= 1;
        }
        self.apply(ctx);
    }

    /// Applies committed entries to the store and answers the clients waiting
    /// on them.
    fn apply(&mut self, ctx: &mut Context<'_, Self>) {
        if self.version >= 2 && self.applied < self.commit {
            // Written now, synced with the next sync: a crash may lose it,
            // and a lower commit index is always safe to recover.
            disk::put(ctx.storage(), COMMIT_BLOCK, RaftBlock::Commit(self.commit));
        }
        while self.applied < self.commit {
            let Some(&entry) = self.log.entry(self.applied + 1) else {
                break; // Only a buggy truncation below the commit index gets here.
            };
            self.applied += 1;
            let reply = entry.request.and_then(|r| self.store.apply(&r));
            if let Some(waiters) = self.waiting.remove(&self.applied) {
                for (op, term) in waiters {
                    match (&reply, term == entry.term) {
                        (Some(reply), true) => ctx.reply(op, reply.clone()),
                        // Another entry won the index: let the client retry.
                        _ => ctx.reply(op, KvReply::Redirect { hint: self.leader }),
                    }
                }
            }
        }
    }

    /// Whether a candidate's log is up to date enough for this node's vote
    /// (or pre-vote): with `vote-without-log-check`, any log is.
    pub(super) fn log_ok(&self, last_term: u64, last_index: u64) -> bool {
        self.bug(RaftBug::VoteWithoutLogCheck)
            || self.log.candidate_up_to_date(last_term, last_index)
    }

    fn on_request_vote(
        &mut self,
        ctx: &mut Context<'_, Self>,
        from: NodeId,
        (term, last_index, last_term): (u64, u64, u64),
    ) {
        let granted = term == self.term
            && self.can_vote()
            && self.voted_for.is_none_or(|v| v == from)
            && self.log_ok(last_term, last_index)
            && self.role != Role::Leader;
        if granted {
            self.voted_for = Some(from);
            self.save_hard_state(ctx);
            self.reset_election_deadline(ctx);
        }
        let term = self.term;
        ctx.send(from, RaftMsg::Vote { term, granted });
    }

    fn on_append(
        &mut self,
        ctx: &mut Context<'_, Self>,
        from: NodeId,
        (term, prev_index, prev_term, commit): (u64, u64, u64, u64),
        entries: Vec<Entry>,
    ) {
        if term < self.term {
            let msg = RaftMsg::AppendReply {
                term: self.term,
                success: false,
                index: 0,
                lost: false,
            };
            ctx.send(from, msg);
            return;
        }
        self.become_follower(ctx, Some(from));
        self.heard_leader = Some(ctx.now());
        self.reset_election_deadline(ctx);
        let lost = self.lost_entries;
        let reject = |index| RaftMsg::AppendReply {
            term,
            success: false,
            index,
            lost,
        };
        match self.log.term_at(prev_index) {
            None => return ctx.send(from, reject(self.log.last_index())),
            Some(t) if t != prev_term => {
                let skip_to = self.log.first_index_of_term_run(prev_index) - 1;
                return ctx.send(from, reject(skip_to));
            }
            Some(_) => {}
        }
        let old_last = self.log.last_index();
        let mut changed = false;
        for (k, entry) in entries.iter().enumerate() {
            let index = prev_index + 1 + k as u64;
            match self.log.term_at(index) {
                Some(t) if t == entry.term => continue,
                Some(_) => {
                    ctx.reached(probes::CONFLICT_TRUNCATED);
                    self.log.truncate(index - 1);
                }
                None => {}
            }
            self.log.push(*entry);
            disk::put(ctx.storage(), index, RaftBlock::Entry(*entry));
            changed = true;
        }
        for gone in (self.log.last_index() + 1..=old_last).filter(|_| changed) {
            disk::erase(ctx.storage(), gone);
        }
        // An empty append that matches here: this log holds the leader's.
        changed |= self.note_repair(ctx, entries.is_empty());
        if changed && self.mutant != Some(Mutant::FollowerNeverSyncs) {
            self.sync(ctx);
        }
        let matched = prev_index + entries.len() as u64;
        if commit.min(matched) > self.commit {
            self.commit = commit.min(matched);
            self.apply(ctx);
        }
        let msg = RaftMsg::AppendReply {
            term,
            success: true,
            index: matched,
            lost: false,
        };
        ctx.send(from, msg);
    }

    fn on_append_reply(
        &mut self,
        ctx: &mut Context<'_, Self>,
        from: NodeId,
        (term, success, index, lost): (u64, bool, u64, bool),
    ) {
        if self.role != Role::Leader || term != self.term {
            return;
        }
        let f = from.index();
        self.in_flight[f] = false;
        self.answered[f] = ctx.now();
        if success {
            self.match_index[f] = self.match_index[f].max(index);
            self.next_index[f] = self.next_index[f].max(index + 1);
            self.advance_commit(ctx);
            let behind = self.next_index[f] <= self.log.last_index();
            if behind || self.bug(RaftBug::ResendOnEveryReply) {
                self.send_append(ctx, from);
            }
        } else {
            if lost {
                // Its disk lost entries: what matched before may not now.
                self.match_index[f] = self.match_index[f].min(index);
            }
            let floor = self.match_index[f] + 1;
            self.next_index[f] = (index + 1).min(self.next_index[f]).max(floor);
            self.send_append(ctx, from);
        }
    }
}

impl Node for RaftKv {
    type Message = RaftMsg;
    type Timer = Tick;
    type Block = Sealed;
    type Op = KvRequest;
    type Reply = KvReply;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        self.reset_election_deadline(ctx);
        self.next_heartbeat = self.election_deadline;
        self.arm(ctx);
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        self.recover(ctx);
        self.on_start(ctx);
    }

    fn rot(block: &Sealed, noise: u64) -> Option<Sealed> {
        super::disk::rot(block, noise)
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, _tick: Tick) {
        self.timer = None;
        let now = ctx.now();
        match self.role {
            Role::Leader if now >= self.next_heartbeat && self.quorum_silent(ctx) => {
                self.become_follower(ctx, None);
            }
            Role::Leader if now >= self.next_heartbeat => self.broadcast_append(ctx, true),
            Role::Leader => {}
            _ if now >= self.election_deadline => self.stand(ctx),
            Role::Candidate if now >= self.next_heartbeat => {
                self.next_heartbeat = now.after(HEARTBEAT);
                self.request_votes(ctx);
            }
            Role::PreCandidate if now >= self.next_heartbeat => {
                self.next_heartbeat = now.after(HEARTBEAT);
                self.request_pre_votes(ctx);
            }
            _ => {}
        }
        self.arm(ctx);
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: RaftMsg) {
        let term = match &msg {
            // A pre-vote names a term nobody is in yet: it moves no one.
            RaftMsg::PreVote { .. } => self.term,
            RaftMsg::RequestVote { term, .. }
            | RaftMsg::Vote { term, .. }
            | RaftMsg::PreVoteReply { term, .. }
            | RaftMsg::Append { term, .. }
            | RaftMsg::AppendReply { term, .. } => *term,
        };
        self.observe_term(ctx, term);
        match msg {
            RaftMsg::RequestVote {
                term,
                last_index,
                last_term,
            } => self.on_request_vote(ctx, from, (term, last_index, last_term)),
            RaftMsg::PreVote {
                term,
                last_index,
                last_term,
            } => self.on_pre_vote(ctx, from, (term, last_index, last_term)),
            RaftMsg::PreVoteReply { granted, .. } => self.on_pre_vote_reply(ctx, from, granted),
            RaftMsg::Vote { term, granted } => {
                if self.role == Role::Candidate && term == self.term && granted {
                    self.votes.insert(from);
                    if self.votes.len() >= Self::majority(ctx) {
                        self.become_leader(ctx);
                    }
                }
            }
            RaftMsg::Append {
                term,
                prev_index,
                prev_term,
                entries,
                commit,
            } => self.on_append(ctx, from, (term, prev_index, prev_term, commit), entries),
            RaftMsg::AppendReply {
                term,
                success,
                index,
                lost,
            } => self.on_append_reply(ctx, from, (term, success, index, lost)),
        }
        self.arm(ctx);
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op: OpId, request: KvRequest) {
        if self.role != Role::Leader {
            if let (crate::kv::KvCommand::Get { key }, true) =
                (request.command, self.bug(RaftBug::ReadFromFollower))
            {
                return ctx.reply(op, KvReply::Value(self.store.get(key).to_vec()));
            }
            let hint = self.leader.filter(|&l| l != ctx.id());
            return ctx.reply(op, KvReply::Redirect { hint });
        }
        match self.store.last_seq(request.client) {
            // Applied already: its first reply again.
            Some(seq) if seq == request.seq => {
                let reply = self.store.apply(&request).expect("same sequence number");
                return ctx.reply(op, reply);
            }
            Some(seq) if seq > request.seq => return, // the client has moved on
            _ => {}
        }
        let index = self.append_local(ctx, Some(request));
        if self.bug(RaftBug::AckBeforeCommit) && !request.command.is_read() {
            ctx.reply(op, KvReply::Done);
        } else {
            self.waiting.entry(index).or_default().push((op, self.term));
        }
        self.broadcast_append(ctx, false);
        self.advance_commit(ctx);
    }
}
