//! The coordinator: the jobs, their chunks, and the leases on them.
//!
//! It is a single node that never loses its disk (crashes lose only what it
//! has not synced, and it syncs every change before acting on it). A grant
//! is synced before it is sent, so a token is never issued twice. Expiry
//! timers are volatile: after a restart every recorded lease gets a fresh
//! full [`LEASE`], which can only make it last longer than the holder
//! believes, never shorter.

use super::lease::LEASE;
use super::messages::{Chunk, ChunkId, JobDone, JobId, Lease, LwBlock, LwMsg, LwTimer, Token};
use super::{LwBug, LwNode, CHUNKS_PER_JOB};
use sim::{Context, NodeId, OpId, SimDuration, SimTime, TimerId};
use std::collections::BTreeMap;

/// Coverage probe: a lease ran out without a renewal, and the chunk went
/// back to the pool.
pub const LEASE_EXPIRED: &str = "a lease expired unrenewed";
/// The coordinator.
#[derive(Clone, Debug, Hash)]
pub struct Coordinator {
    bug: Option<LwBug>,
    jobs: BTreeMap<JobId, Vec<Chunk>>,
    next_token: u64,
    /// Volatile: each lease's expiry timer.
    expiries: BTreeMap<ChunkId, TimerId>,
    /// Volatile: the client operations waiting for each job.
    waiting: BTreeMap<JobId, Vec<OpId>>,
}

impl Coordinator {
    /// A coordinator with no jobs, with a bug switched on or not.
    pub fn new(bug: Option<LwBug>) -> Coordinator {
        Coordinator {
            bug,
            jobs: BTreeMap::new(),
            next_token: 1,
            expiries: BTreeMap::new(),
            waiting: BTreeMap::new(),
        }
    }

    /// Every job and its chunks.
    pub fn jobs(&self) -> &BTreeMap<JobId, Vec<Chunk>> {
        &self.jobs
    }

    /// True when every chunk of `job` is done.
    pub fn complete(chunks: &[Chunk]) -> bool {
        chunks.iter().all(|c| c.done)
    }

    /// The coordinator as its synced jobs left it; every recorded lease
    /// gets a fresh expiry timer.
    pub fn recover(&mut self, ctx: &mut Context<'_, LwNode>) {
        let addresses: Vec<u64> = ctx.storage().synced_blocks().collect();
        for address in addresses {
            if let Ok(Some(LwBlock::Job(chunks))) = ctx.storage().read(address) {
                self.jobs
                    .insert(JobId::from_address(address), chunks.clone());
            }
        }
        let tokens = self.jobs.values().flatten().map(|c| c.last_token.0);
        self.next_token = tokens.max().unwrap_or(0) + 1;
        let leases: Vec<(ChunkId, Token)> = self.chunks_where(|c| c.lease.map(|l| l.token));
        for (chunk, token) in leases {
            self.arm_expiry(ctx, chunk, token);
        }
    }

    /// Every chunk for which `pick` says something, with what it says.
    fn chunks_where<T>(&self, pick: impl Fn(&Chunk) -> Option<T>) -> Vec<(ChunkId, T)> {
        let mut found = Vec::new();
        for (&job, chunks) in &self.jobs {
            for (part, chunk) in chunks.iter().enumerate() {
                if let Some(t) = pick(chunk) {
                    found.push((
                        ChunkId {
                            job,
                            part: part as u8,
                        },
                        t,
                    ));
                }
            }
        }
        found
    }

    /// A client submits (or resubmits) a job.
    pub fn on_submit(&mut self, ctx: &mut Context<'_, LwNode>, op: OpId, job: JobId) {
        let chunks = self
            .jobs
            .entry(job)
            .or_insert_with(|| vec![Chunk::default(); usize::from(CHUNKS_PER_JOB)]);
        if Self::complete(chunks) {
            ctx.reply(op, JobDone { job });
            return;
        }
        let block = LwBlock::Job(chunks.clone());
        ctx.storage().write(job.address(), block);
        ctx.storage().sync();
        self.waiting.entry(job).or_default().push(op);
    }

    /// Handles a worker's message.
    pub fn on_message(&mut self, ctx: &mut Context<'_, LwNode>, from: NodeId, msg: LwMsg) {
        match msg {
            LwMsg::Request { sent_at } => self.grant(ctx, from, sent_at),
            LwMsg::Renew {
                chunk,
                token,
                sent_at,
            } => self.renew(ctx, from, chunk, token, sent_at),
            LwMsg::Release { chunk, token } => {
                self.end_lease(ctx, chunk, token);
            }
            LwMsg::Computed { chunk, .. } if self.bug == Some(LwBug::CompleteBeforeStore) => {
                self.mark_done(ctx, chunk);
            }
            LwMsg::Finished { chunk, .. } => self.mark_done(ctx, chunk),
            _ => {}
        }
    }

    /// A lease's expiry timer fired (a renewal cancels the one before).
    pub fn on_expire(&mut self, ctx: &mut Context<'_, LwNode>, chunk: ChunkId, token: Token) {
        ctx.reached(LEASE_EXPIRED);
        self.end_lease(ctx, chunk, token);
    }

    /// Leases the first chunk no one holds to `worker`, if there is one.
    fn grant(&mut self, ctx: &mut Context<'_, LwNode>, worker: NodeId, sent_at: SimTime) {
        let free = self.jobs.iter().find_map(|(&job, chunks)| {
            let part = chunks.iter().position(|c| !c.done && c.lease.is_none())?;
            Some(ChunkId {
                job,
                part: part as u8,
            })
        });
        let Some(chunk) = free else {
            return;
        };
        let token = Token(self.next_token);
        self.next_token += 1;
        self.update(ctx, chunk, |c| {
            c.lease = Some(Lease { worker, token });
            c.last_token = token;
        });
        self.arm_expiry(ctx, chunk, token);
        let expires_at = ctx.now().after(LEASE);
        let grant = LwMsg::Grant {
            chunk,
            token,
            sent_at,
            expires_at,
        };
        ctx.send(worker, grant);
    }

    /// Extends the lease `token` on `chunk`, or says it is over.
    fn renew(
        &mut self,
        ctx: &mut Context<'_, LwNode>,
        worker: NodeId,
        chunk: ChunkId,
        token: Token,
        sent_at: SimTime,
    ) {
        let Some(record) = self.chunk(chunk) else {
            return;
        };
        let current = record
            .lease
            .is_some_and(|l| l.token == token && l.worker == worker);
        let late_but_taken = self.bug == Some(LwBug::RenewAfterExpiry) && !record.done;
        if !current && !late_but_taken {
            ctx.send(worker, LwMsg::Revoked { chunk, token });
            return;
        }
        if !current {
            // The bug: the late renewal takes the chunk back.
            self.update(ctx, chunk, |c| c.lease = Some(Lease { worker, token }));
        }
        self.arm_expiry(ctx, chunk, token);
        let expires_at = ctx.now().after(LEASE);
        let renewed = LwMsg::Renewed {
            chunk,
            token,
            sent_at,
            expires_at,
        };
        ctx.send(worker, renewed);
    }

    /// How long the coordinator waits without a renewal before it leases
    /// the chunk again: the lease, or (the bug) a moment of silence.
    fn patience(&self) -> SimDuration {
        match self.bug {
            Some(LwBug::ReassignWithoutExpiry) => SimDuration::from_nanos(LEASE.as_nanos() / 2),
            _ => LEASE,
        }
    }

    /// (Re)starts the expiry timer of the lease `token` on `chunk`.
    fn arm_expiry(&mut self, ctx: &mut Context<'_, LwNode>, chunk: ChunkId, token: Token) {
        let timer = ctx.set_timer(self.patience(), LwTimer::Expire { chunk, token });
        if let Some(before) = self.expiries.insert(chunk, timer) {
            ctx.cancel_timer(before);
        }
    }

    fn disarm_expiry(&mut self, ctx: &mut Context<'_, LwNode>, chunk: ChunkId) {
        if let Some(timer) = self.expiries.remove(&chunk) {
            ctx.cancel_timer(timer);
        }
    }

    /// Ends the lease `token` on `chunk`, if it is still the chunk's lease.
    fn end_lease(&mut self, ctx: &mut Context<'_, LwNode>, chunk: ChunkId, token: Token) {
        let held = self.chunk(chunk).and_then(|c| c.lease);
        if held.is_some_and(|l| l.token == token) {
            self.disarm_expiry(ctx, chunk);
            self.update(ctx, chunk, |c| c.lease = None);
        }
    }

    /// Marks `chunk` done; answers the job's clients when it is complete.
    fn mark_done(&mut self, ctx: &mut Context<'_, LwNode>, chunk: ChunkId) {
        if self.chunk(chunk).is_none_or(|c| c.done) {
            return;
        }
        self.disarm_expiry(ctx, chunk);
        self.update(ctx, chunk, |c| {
            c.done = true;
            c.lease = None;
        });
        let job = chunk.job;
        if self.jobs.get(&job).is_some_and(|c| Self::complete(c)) {
            for op in self.waiting.remove(&job).unwrap_or_default() {
                ctx.reply(op, JobDone { job });
            }
        }
    }

    fn chunk(&self, chunk: ChunkId) -> Option<&Chunk> {
        self.jobs.get(&chunk.job)?.get(usize::from(chunk.part))
    }

    /// Changes a known chunk's record and syncs its job.
    fn update(
        &mut self,
        ctx: &mut Context<'_, LwNode>,
        chunk: ChunkId,
        change: impl FnOnce(&mut Chunk),
    ) {
        let Some(chunks) = self.jobs.get_mut(&chunk.job) else {
            return;
        };
        let Some(record) = chunks.get_mut(usize::from(chunk.part)) else {
            return;
        };
        change(record);
        ctx.storage()
            .write(chunk.job.address(), LwBlock::Job(chunks.clone()));
        ctx.storage().sync();
    }
}
