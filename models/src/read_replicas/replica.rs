//! A replica: it pulls the primary's log in order, applies it, and serves
//! reads while it is fresh (see [`super::freshness`]) and at or past the
//! client's session token (a read that asks for no bound, at any time). A read behind the token waits for the log, up
//! to [`TOKEN_WAIT`], then goes to the primary. Its state is not durable: a
//! replica that restarts, or joins, starts empty and catches up from the
//! primary's checkpoint and then the log.

use super::freshness::{FreshUntil, FRESH_FOR, MAX_STALENESS, PULL_EVERY};
use super::messages::{Cell, Entry, ReadMode, RrMsg, RrOp, RrReply, RrTimer, Snapshot};
use super::{RrBug, RrNode, PRIMARY};
use sim::{Context, OpId, SimDuration, SimTime, TimerId};
use std::collections::BTreeMap;

/// How long a read behind its session token waits for the log.
pub const TOKEN_WAIT: sim::SimDuration = sim::SimDuration::from_millis(50);

/// Fault point: a replica's next pull comes ten intervals late (a GC
/// pause, a slow disk), so it falls far behind and must catch up.
pub const LATE_PULL: &str = "read-replicas: next pull ten intervals late";

/// The coverage probes a replica reaches.
pub mod probes {
    /// A replica caught up from the primary's checkpoint.
    pub const CHECKPOINT_INSTALLED: &str = "a replica installed a checkpoint";
    /// A bounded or session read met a replica that was not fresh, and was
    /// sent to the primary.
    pub const STALE_REPLICA_REDIRECTED: &str = "a read redirected from a stale replica";
}

/// A read waiting for the replica to reach its token.
#[derive(Clone, Debug)]
struct Parked {
    op: OpId,
    client: u16,
    key: u64,
    token: u64,
    timer: TimerId,
}

/// A replica's state.
#[derive(Clone, Debug)]
pub struct Replica {
    /// Each key's value and the version that wrote it.
    state: BTreeMap<u64, Cell>,
    /// The version applied: the state is the log's prefix `1..=applied`.
    applied: u64,
    /// Until when it may serve.
    fresh: FreshUntil,
    parked: Vec<Parked>,
    bug: Option<RrBug>,
}

/// One answer from the primary, as the replica applies it.
struct Answer {
    sent_at: SimTime,
    primary_wall: SimTime,
    commit: u64,
    snapshot: Option<Snapshot>,
    after: u64,
    entries: Vec<Entry>,
}

impl Replica {
    /// An empty replica.
    pub fn new(bug: Option<RrBug>) -> Replica {
        Replica {
            state: BTreeMap::new(),
            applied: 0,
            fresh: FreshUntil::Never,
            parked: Vec::new(),
            bug,
        }
    }

    /// The version applied.
    pub fn applied(&self) -> u64 {
        self.applied
    }

    /// Each key's value and the version that wrote it.
    pub fn state(&self) -> &BTreeMap<u64, Cell> {
        &self.state
    }

    /// Until when it believes it may serve.
    pub fn fresh(&self) -> FreshUntil {
        self.fresh
    }

    /// Starts (or restarts, empty) and pulls at once.
    pub fn start(&mut self, ctx: &mut Context<'_, RrNode>) {
        *self = Replica::new(self.bug);
        self.pull(ctx);
    }

    fn serving(&self, ctx: &Context<'_, RrNode>) -> bool {
        self.fresh.holds(ctx.monotonic(), ctx.now())
    }

    fn pull(&mut self, ctx: &mut Context<'_, RrNode>) {
        let serving = self.serving(ctx);
        let pull = RrMsg::Pull {
            sent_at: ctx.monotonic(),
            applied: self.applied,
            serving,
        };
        ctx.send(PRIMARY, pull);
        // Jittered, so the replicas' pulls do not fall into step.
        let quarter = PULL_EVERY.as_nanos() / 4;
        let mut every = ctx.rng().between(
            PULL_EVERY.as_nanos() - quarter,
            PULL_EVERY.as_nanos() + quarter,
        );
        if ctx.buggify(LATE_PULL) {
            every *= 10;
        }
        ctx.set_timer(SimDuration::from_nanos(every), RrTimer::Pull);
    }

    /// Leaving gracefully: out of the registry first.
    pub fn leave(&mut self, ctx: &mut Context<'_, RrNode>) {
        ctx.send(PRIMARY, RrMsg::Leaving);
    }

    /// A timer.
    pub fn on_timer(&mut self, ctx: &mut Context<'_, RrNode>, timer: RrTimer) {
        match timer {
            RrTimer::Pull => self.pull(ctx),
            RrTimer::TokenWait(op) => {
                if let Some(i) = self.parked.iter().position(|p| p.op == op) {
                    self.parked.remove(i);
                    ctx.reply(op, RrReply::Redirect { to: PRIMARY });
                }
            }
        }
    }

    /// The primary's answer.
    pub fn on_message(&mut self, ctx: &mut Context<'_, RrNode>, msg: RrMsg) {
        let RrMsg::Catchup {
            sent_at,
            primary_wall,
            commit,
            snapshot,
            after,
            entries,
        } = msg
        else {
            return;
        };
        let answer = Answer {
            sent_at,
            primary_wall,
            commit,
            snapshot,
            after,
            entries,
        };
        let installed = self.apply(&answer);
        ctx.sometimes(probes::CHECKPOINT_INSTALLED, installed);
        let caught_up = self.applied >= answer.commit;
        if caught_up || (installed && self.bug == Some(RrBug::JoinBeforeCaughtUp)) {
            let until = if self.bug == Some(RrBug::ServePastLease) {
                FreshUntil::Wall(answer.primary_wall.after(MAX_STALENESS))
            } else {
                FreshUntil::Monotonic(answer.sent_at.after(FRESH_FOR))
            };
            self.fresh = match (self.fresh, until) {
                (FreshUntil::Monotonic(a), FreshUntil::Monotonic(b)) => {
                    FreshUntil::Monotonic(a.max(b))
                }
                (_, until) => until,
            };
        }
        self.serve_parked(ctx);
    }

    /// Installs the answer's checkpoint, if newer, and its entries in log
    /// order; returns whether it installed a checkpoint.
    fn apply(&mut self, answer: &Answer) -> bool {
        let mut installed = false;
        if let Some(snap) = answer
            .snapshot
            .as_ref()
            .filter(|s| s.version > self.applied)
        {
            self.state = snap.cells.iter().copied().collect();
            self.applied = snap.version;
            installed = true;
        }
        if self.bug == Some(RrBug::ApplyOutOfOrder) {
            // Applies whatever arrives, and takes the answer's end as its
            // version: an old answer that arrives late rolls keys back.
            for (i, e) in answer.entries.iter().enumerate() {
                self.state
                    .insert(e.key, (e.value, answer.after + i as u64 + 1));
            }
            if !answer.entries.is_empty() {
                self.applied = answer.after + answer.entries.len() as u64;
            }
            return installed;
        }
        if answer.after > self.applied {
            return installed; // a gap: wait for the entries in between
        }
        for (i, e) in answer.entries.iter().enumerate() {
            let version = answer.after + i as u64 + 1;
            if version == self.applied + 1 {
                self.state.insert(e.key, (e.value, version));
                self.applied = version;
            }
        }
        installed
    }

    /// A client's read (a write goes to the primary).
    pub fn on_client_op(&mut self, ctx: &mut Context<'_, RrNode>, op: OpId, request: RrOp) {
        let RrOp::Read { client, key, mode } = request else {
            return ctx.reply(op, RrReply::Redirect { to: PRIMARY });
        };
        // A read that asks for no bound is served however stale.
        if mode != ReadMode::Monotonic && !self.serving(ctx) {
            ctx.reached(probes::STALE_REPLICA_REDIRECTED);
            return ctx.reply(op, RrReply::Redirect { to: PRIMARY });
        }
        let token = match mode {
            ReadMode::Session { token } => token,
            _ => 0,
        };
        if self.applied < token && self.bug != Some(RrBug::IgnoreSessionToken) {
            let timer = ctx.set_timer(TOKEN_WAIT, RrTimer::TokenWait(op));
            self.parked.push(Parked {
                op,
                client,
                key,
                token,
                timer,
            });
            return;
        }
        self.answer(ctx, op, (client, mode), key);
    }

    fn answer(&self, ctx: &mut Context<'_, RrNode>, op: OpId, read: (u16, ReadMode), key: u64) {
        let (client, mode) = read;
        let reply = RrReply::Value {
            client,
            mode,
            value: self.state.get(&key).map(|&(value, _)| value),
            at: self.applied,
            by: ctx.id(),
            registry: Vec::new(),
        };
        ctx.reply(op, reply);
    }

    /// Answers the parked reads the log has reached (while fresh).
    fn serve_parked(&mut self, ctx: &mut Context<'_, RrNode>) {
        if !self.serving(ctx) {
            return;
        }
        let applied = self.applied;
        let (ready, waiting): (Vec<Parked>, Vec<Parked>) = std::mem::take(&mut self.parked)
            .into_iter()
            .partition(|p| p.token <= applied);
        self.parked = waiting;
        for p in ready {
            ctx.cancel_timer(p.timer);
            self.answer(
                ctx,
                p.op,
                (p.client, ReadMode::Session { token: p.token }),
                p.key,
            );
        }
    }
}
