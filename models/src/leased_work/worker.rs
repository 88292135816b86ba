//! A worker: stateless (it keeps nothing on disk, and a restart forgets its
//! chunk), it asks for a chunk, claims it at the store with the lease's
//! token, works, renews the lease while it works, writes the result under
//! the token, and reports the chunk finished.
//!
//! Between its last look at the lease and the write's arrival lies the
//! window every lease protocol has: the result is flushed for
//! [`FLUSH`] after the check, and a pause there (a garbage collection, a
//! VM migration, a `SIGSTOP`) sends the write after the lease is over.
//! Fencing at the store is what makes that harmless.

use super::lease::{Clocks, LeaseEnd, WORKER_LEASE};
use super::messages::{ChunkId, LwMsg, LwTimer, Token};
use super::{LwBug, LwNode, COORDINATOR, STORE};
use sim::{Context, SimDuration, SimTime};

/// How often an idle worker asks for a chunk.
pub const POLL: SimDuration = SimDuration::from_millis(50);
/// How often a worker looks at how much of its lease is left.
pub const RENEW_CHECK: SimDuration = SimDuration::from_millis(25);
/// A worker that asked this many times in a row for a renewal and heard
/// nothing gives its chunk up: it cannot hear the coordinator, and each
/// renewal it sends would keep the chunk from a worker that can.
pub const GIVE_UP_AFTER: u32 = 8;
/// A worker renews once less than this is left of its lease.
pub const RENEW_BELOW: SimDuration = SimDuration::from_nanos(WORKER_LEASE.as_nanos() * 2 / 3);
/// The shortest and longest computation of one chunk.
pub const WORK: (SimDuration, SimDuration) =
    (SimDuration::from_millis(50), SimDuration::from_millis(250));
/// How long writing the result out takes, after the last look at the lease.
pub const FLUSH: SimDuration = SimDuration::from_millis(100);
/// How long a worker waits for the store to answer a claim or a write
/// before it gives the chunk up.
pub const STORE_TIMEOUT: SimDuration = SimDuration::from_millis(250);

/// Where a worker is with its chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Phase {
    /// Waiting for the store to record its claim.
    Claiming,
    /// Computing.
    Working,
    /// Computed, but the lease lapsed meanwhile (a long pause, a partition
    /// from the coordinator): waiting for a renewal before writing.
    Renewing,
    /// Writing the result out (the lease was valid when this began).
    Flushing,
    /// Waiting for the store to answer the write.
    Writing,
}

/// The chunk a worker is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Assignment {
    /// The chunk.
    pub chunk: ChunkId,
    /// The lease's token.
    pub token: Token,
    /// Where the worker is with it.
    pub phase: Phase,
    /// When the worker believes the lease ends.
    pub lease: LeaseEnd,
    /// Renewals asked for since the last one was answered.
    pub unanswered: u32,
}

/// A worker.
#[derive(Clone, Debug, Hash)]
pub struct Worker {
    bug: Option<LwBug>,
    assignment: Option<Assignment>,
}

impl Worker {
    /// An idle worker, with a bug switched on or not.
    pub fn new(bug: Option<LwBug>) -> Worker {
        Worker {
            bug,
            assignment: None,
        }
    }

    /// Starts (or, after a crash, restarts: nothing is remembered) the
    /// worker's periodic timers.
    pub fn start(&mut self, ctx: &mut Context<'_, LwNode>) {
        ctx.set_timer(POLL, LwTimer::Poll);
        ctx.set_timer(RENEW_CHECK, LwTimer::RenewCheck);
    }

    /// The chunk the worker is on, if any.
    pub fn assignment(&self) -> Option<&Assignment> {
        self.assignment.as_ref()
    }

    /// The chunk the worker is on, if it believes (by `clocks`, as it
    /// measures) that its lease still holds.
    pub fn held_lease(&self, clocks: Clocks) -> Option<&Assignment> {
        let a = self.assignment.as_ref()?;
        a.lease.remaining(clocks).map(|_| a)
    }

    fn clocks(ctx: &Context<'_, LwNode>) -> Clocks {
        Clocks {
            monotonic: ctx.monotonic(),
            wall: ctx.now(),
        }
    }

    /// The end of a lease granted or renewed in answer to a request sent at
    /// `sent_at`: on the monotonic clock from when it asked, with the drift
    /// margin; or (the bug) the coordinator's `expires_at`, on the worker's
    /// own wall clock, with none.
    fn lease_end(&self, sent_at: SimTime, expires_at: SimTime) -> LeaseEnd {
        match self.bug {
            Some(LwBug::LeaseByLocalClock) => LeaseEnd::Wall(expires_at),
            _ => LeaseEnd::Monotonic(sent_at.after(WORKER_LEASE)),
        }
    }

    /// The assignment, if it is on `chunk` under `token`.
    fn on(&mut self, chunk: ChunkId, token: Token) -> Option<&mut Assignment> {
        self.assignment
            .as_mut()
            .filter(|a| a.chunk == chunk && a.token == token)
    }

    /// True when the worker is on `chunk` under `token` (in `phase`, if given).
    fn is_on(&self, chunk: ChunkId, token: Token, phase: Option<Phase>) -> bool {
        self.assignment.is_some_and(|a| {
            a.chunk == chunk && a.token == token && phase.is_none_or(|p| p == a.phase)
        })
    }

    /// Handles a timer.
    pub fn on_timer(&mut self, ctx: &mut Context<'_, LwNode>, timer: LwTimer) {
        match timer {
            LwTimer::Poll => {
                ctx.set_timer(POLL, LwTimer::Poll);
                if self.assignment.is_none() {
                    let sent_at = ctx.monotonic();
                    ctx.send(COORDINATOR, LwMsg::Request { sent_at });
                }
            }
            LwTimer::RenewCheck => {
                ctx.set_timer(RENEW_CHECK, LwTimer::RenewCheck);
                self.renew_if_low(ctx);
            }
            LwTimer::WorkDone { chunk, token } => self.work_done(ctx, chunk, token),
            LwTimer::Flush { chunk, token } => {
                if let Some(a) = self.on(chunk, token).filter(|a| a.phase == Phase::Flushing) {
                    a.phase = Phase::Writing;
                    ctx.send(STORE, LwMsg::Write { chunk, token });
                    ctx.set_timer(STORE_TIMEOUT, LwTimer::WriteTimeout { chunk, token });
                }
            }
            LwTimer::ClaimTimeout { chunk, token } => {
                self.time_out(ctx, chunk, token, Phase::Claiming)
            }
            LwTimer::WriteTimeout { chunk, token } => {
                self.time_out(ctx, chunk, token, Phase::Writing)
            }
            LwTimer::Expire { .. } => {}
        }
    }

    /// The store did not answer in `phase`: give the chunk up.
    fn time_out(
        &mut self,
        ctx: &mut Context<'_, LwNode>,
        chunk: ChunkId,
        token: Token,
        phase: Phase,
    ) {
        if self.is_on(chunk, token, Some(phase)) {
            self.abandon(ctx);
        }
    }

    /// Asks for a renewal when less than [`RENEW_BELOW`] of the lease is
    /// left, or none (the coordinator decides whether it is too late).
    fn renew_if_low(&mut self, ctx: &mut Context<'_, LwNode>) {
        let Some(a) = self.assignment else {
            return;
        };
        let left = a.lease.remaining(Self::clocks(ctx));
        if a.unanswered >= GIVE_UP_AFTER {
            return self.abandon(ctx);
        }
        if left.is_none_or(|left| left < RENEW_BELOW) {
            self.assignment.as_mut().expect("assigned").unanswered += 1;
            let sent_at = ctx.monotonic();
            let (chunk, token) = (a.chunk, a.token);
            ctx.send(
                COORDINATOR,
                LwMsg::Renew {
                    chunk,
                    token,
                    sent_at,
                },
            );
        }
    }

    /// The computation is done: if the lease holds, write the result out.
    fn work_done(&mut self, ctx: &mut Context<'_, LwNode>, chunk: ChunkId, token: Token) {
        let clocks = Self::clocks(ctx);
        let Some(a) = self.on(chunk, token).filter(|a| a.phase == Phase::Working) else {
            return;
        };
        if a.lease.remaining(clocks).is_none() {
            // Ask; the coordinator says whether the lease is still ours.
            a.phase = Phase::Renewing;
            self.renew_if_low(ctx);
            return;
        }
        Self::flush(ctx, a);
    }

    /// Starts writing the result out, with the lease valid now.
    fn flush(ctx: &mut Context<'_, LwNode>, a: &mut Assignment) {
        let (chunk, token) = (a.chunk, a.token);
        a.phase = Phase::Flushing;
        ctx.send(COORDINATOR, LwMsg::Computed { chunk, token });
        ctx.set_timer(FLUSH, LwTimer::Flush { chunk, token });
    }

    /// A renewal was granted: the lease runs to `end`, and a result waiting
    /// for it is written out.
    fn renewed(
        &mut self,
        ctx: &mut Context<'_, LwNode>,
        chunk: ChunkId,
        token: Token,
        end: LeaseEnd,
    ) {
        let clocks = Self::clocks(ctx);
        let Some(a) = self.on(chunk, token) else {
            return;
        };
        a.lease = a.lease.extend(end);
        a.unanswered = 0;
        if a.phase == Phase::Renewing && a.lease.remaining(clocks).is_some() {
            Self::flush(ctx, a);
        }
    }

    /// Handles a message from the coordinator or the store.
    pub fn on_message(&mut self, ctx: &mut Context<'_, LwNode>, msg: LwMsg) {
        match msg {
            LwMsg::Grant {
                chunk,
                token,
                sent_at,
                expires_at,
            } => {
                let lease = self.lease_end(sent_at, expires_at);
                self.granted(ctx, chunk, token, lease);
            }
            LwMsg::Renewed {
                chunk,
                token,
                sent_at,
                expires_at,
            } => {
                let end = self.lease_end(sent_at, expires_at);
                self.renewed(ctx, chunk, token, end);
            }
            LwMsg::Claimed {
                chunk,
                token,
                applied,
            } => self.claimed(ctx, chunk, token, applied),
            LwMsg::Stored { chunk, token } if self.is_on(chunk, token, Some(Phase::Writing)) => {
                self.finish(ctx);
            }
            LwMsg::Revoked { chunk, token } | LwMsg::Fenced { chunk, token, .. }
                if self.is_on(chunk, token, None) =>
            {
                self.abandon(ctx);
            }
            _ => {}
        }
    }

    /// A lease arrived: take it if idle and it has not already run out;
    /// otherwise give it back at once.
    fn granted(
        &mut self,
        ctx: &mut Context<'_, LwNode>,
        chunk: ChunkId,
        token: Token,
        lease: LeaseEnd,
    ) {
        if self.is_on(chunk, token, None) {
            return; // a duplicate of the grant it works under
        }
        if self.assignment.is_some() || lease.remaining(Self::clocks(ctx)).is_none() {
            ctx.send(COORDINATOR, LwMsg::Release { chunk, token });
            return;
        }
        self.assignment = Some(Assignment {
            chunk,
            token,
            phase: Phase::Claiming,
            lease,
            unanswered: 0,
        });
        ctx.send(STORE, LwMsg::Claim { chunk, token });
        ctx.set_timer(STORE_TIMEOUT, LwTimer::ClaimTimeout { chunk, token });
    }

    /// The store recorded the claim: work, or report a chunk already stored.
    fn claimed(
        &mut self,
        ctx: &mut Context<'_, LwNode>,
        chunk: ChunkId,
        token: Token,
        applied: bool,
    ) {
        let Some(a) = self.on(chunk, token).filter(|a| a.phase == Phase::Claiming) else {
            return;
        };
        if applied {
            self.finish(ctx);
            return;
        }
        a.phase = Phase::Working;
        let (lo, hi) = WORK;
        let work = SimDuration::from_nanos(ctx.rng().between(lo.as_nanos(), hi.as_nanos()));
        ctx.set_timer(work, LwTimer::WorkDone { chunk, token });
    }

    /// The result is stored: report it, and ask for more.
    fn finish(&mut self, ctx: &mut Context<'_, LwNode>) {
        if let Some(a) = self.assignment.take() {
            let (chunk, token) = (a.chunk, a.token);
            ctx.send(COORDINATOR, LwMsg::Finished { chunk, token });
            let sent_at = ctx.monotonic();
            ctx.send(COORDINATOR, LwMsg::Request { sent_at });
        }
    }

    /// Gives the chunk up.
    fn abandon(&mut self, ctx: &mut Context<'_, LwNode>) {
        if let Some(a) = self.assignment.take() {
            let (chunk, token) = (a.chunk, a.token);
            ctx.send(COORDINATOR, LwMsg::Release { chunk, token });
        }
    }
}
