//! Standing for election without disrupting a healthy cluster: pre-vote
//! and check-quorum (Ongaro's thesis, §9.6 and §6.2).
//!
//! - **Pre-vote.** When its election timeout fires, a node first asks
//!   whether it could win. A node grants that only if the candidate's log is
//!   up to date and it has not heard from a leader within the shortest
//!   election timeout. Nobody changes its term for a pre-vote. A node that
//!   can send but not hear (a one-way partition) therefore never wins a
//!   pre-vote. Without this, it would stand in term after term, and each
//!   higher term would depose the leader it cannot hear.
//! - **Check-quorum.** A leader that has not heard from a majority within the
//!   longest election timeout steps down. Otherwise a leader that can send
//!   but not hear would keep a quorum following it forever, and nothing
//!   would commit.
//!
//! The switches `no-pre-vote` and `no-check-quorum` turn each off. Only the
//! core liveness mode (`explore --liveness core`) finds them: a full heal
//! removes the one-way cut they need.

use super::{RaftKv, Role, ELECTION_MS, HEARTBEAT};
use crate::raft_kv::messages::RaftMsg;
use crate::raft_kv::RaftBug;
use sim::{Context, NodeId, SimDuration};
use std::collections::BTreeSet;

impl RaftKv {
    /// The election timeout fired: ask for pre-votes, or (with
    /// `no-pre-vote`) stand at once.
    pub(super) fn stand(&mut self, ctx: &mut Context<'_, Self>) {
        if !self.can_vote() {
            // A node that cannot trust its disk does not stand (see
            // `recovery.rs`): it waits for a leader.
            return self.reset_election_deadline(ctx);
        }
        if self.bug(RaftBug::NoPreVote) {
            return self.start_election(ctx);
        }
        self.role = Role::PreCandidate;
        self.leader = None;
        self.votes = BTreeSet::from([ctx.id()]);
        self.reset_election_deadline(ctx);
        self.next_heartbeat = ctx.now().after(HEARTBEAT);
        if self.votes.len() >= Self::majority(ctx) {
            return self.start_election(ctx);
        }
        self.request_pre_votes(ctx);
    }

    /// Asks every node not yet granting for a pre-vote.
    pub(super) fn request_pre_votes(&mut self, ctx: &mut Context<'_, Self>) {
        let msg = RaftMsg::PreVote {
            term: self.term + 1,
            last_index: self.log.last_index(),
            last_term: self.log.last_term(),
        };
        self.ask_the_rest(ctx, msg);
    }

    /// Whether this node would vote for a candidate in `term` with this log
    /// end, without changing anything.
    pub(super) fn on_pre_vote(
        &mut self,
        ctx: &mut Context<'_, Self>,
        from: NodeId,
        (term, last_index, last_term): (u64, u64, u64),
    ) {
        let lease = SimDuration::from_millis(ELECTION_MS.0);
        let heard_lately = self
            .heard_leader
            .is_some_and(|at| ctx.now() < at.after(lease));
        let term_free = term > self.term || (term == self.term && self.voted_for.is_none());
        let granted = term_free
            && self.can_vote()
            && !heard_lately
            && self.role != Role::Leader
            && self.log_ok(last_term, last_index);
        let term = self.term;
        ctx.send(from, RaftMsg::PreVoteReply { term, granted });
    }

    /// A pre-vote answered: with a majority, stand for real.
    pub(super) fn on_pre_vote_reply(
        &mut self,
        ctx: &mut Context<'_, Self>,
        from: NodeId,
        granted: bool,
    ) {
        // A higher term in the reply has already made this node a follower
        // (`observe_term`), so only the role and the grant matter here.
        if self.role != Role::PreCandidate || !granted {
            return;
        }
        self.votes.insert(from);
        if self.votes.len() >= Self::majority(ctx) {
            self.start_election(ctx);
        }
    }

    /// Check-quorum: whether this leader has heard from fewer than a
    /// majority (itself included) within the longest election timeout, so
    /// that it must step down. Never with `no-check-quorum`.
    pub(super) fn quorum_silent(&self, ctx: &Context<'_, Self>) -> bool {
        let window = SimDuration::from_millis(ELECTION_MS.1);
        let now = ctx.now();
        let in_office_long = self.heard_leader.is_some_and(|at| now >= at.after(window));
        if self.bug(RaftBug::NoCheckQuorum) || !in_office_long {
            return false;
        }
        let me = ctx.id().index();
        let heard = (self.answered.iter().enumerate())
            .filter(|&(i, &at)| i == me || now < at.after(window))
            .count();
        heard < Self::majority(ctx)
    }
}
