//! The primary: the canonical source. It orders writes into a durable log
//! (a write is acknowledged once synced, with its version), serves reads at
//! its latest version, answers replicas' pulls with a checkpoint or the
//! entries they lack, and keeps the registry of replicas serving reads.

use super::messages::{Cell, Entry, RrMsg, RrOp, RrReply, Snapshot};
use super::{RrBug, RrNode};
use sim::{Context, NodeId, OpId, SimDuration, SimTime};
use std::collections::BTreeMap;

/// A replica drops out of the registry when it has not pulled for this
/// long, on the primary's monotonic clock (it crashed, left, or is cut off).
pub const REGISTRY_TTL: SimDuration = SimDuration::from_secs(1);
/// The primary checkpoints its state every this many versions.
pub const CHECKPOINT_EVERY: u64 = 16;
/// Log entries kept for catching up, beyond the latest checkpoint: a replica
/// behind `checkpoint − RETAINED` gets the checkpoint instead.
pub const RETAINED: u64 = 32;
/// The most entries one answer carries.
pub const BATCH: usize = 64;

/// The primary's state.
#[derive(Clone, Debug, Default)]
pub struct Primary {
    /// The log: version `v` is `log[v - 1]`. Durable, block `v`.
    log: Vec<Entry>,
    /// Each key's value and the version that wrote it.
    state: BTreeMap<u64, Cell>,
    /// Each client's latest sequence number and its version (a retry of it
    /// is answered, not applied again).
    last_write: BTreeMap<u16, (u32, u64)>,
    /// Replicas serving reads, with when they last pulled (monotonic).
    registry: BTreeMap<NodeId, SimTime>,
    bug: Option<RrBug>,
}

impl Primary {
    /// A primary with an empty log.
    pub fn new(bug: Option<RrBug>) -> Primary {
        Primary {
            bug,
            ..Primary::default()
        }
    }

    /// The latest version.
    pub fn commit(&self) -> u64 {
        self.log.len() as u64
    }

    /// The log, version 1 first.
    pub fn log(&self) -> &[Entry] {
        &self.log
    }

    /// The replicas in the registry, by id.
    pub fn registry(&self) -> Vec<NodeId> {
        self.registry.keys().copied().collect()
    }

    /// After a crash: the synced log is the whole truth; the registry
    /// refills as replicas pull.
    pub fn recover(&mut self, ctx: &mut Context<'_, RrNode>) {
        *self = Primary::new(self.bug);
        let mut version = 1;
        while let Ok(Some(&entry)) = ctx.storage().read(version) {
            self.append(entry);
            version += 1;
        }
    }

    fn append(&mut self, entry: Entry) -> u64 {
        self.log.push(entry);
        let version = self.commit();
        self.state.insert(entry.key, (entry.value, version));
        self.last_write.insert(entry.client, (entry.seq, version));
        version
    }

    /// A client's write or read.
    pub fn on_client_op(&mut self, ctx: &mut Context<'_, RrNode>, op: OpId, request: RrOp) {
        match request {
            RrOp::Write {
                client,
                seq,
                key,
                value,
            } => {
                let version = match self.last_write.get(&client) {
                    Some(&(last, version)) if last == seq => version,
                    Some(&(last, _)) if last > seq => return, // a stale retry
                    _ => {
                        let entry = Entry {
                            key,
                            value,
                            client,
                            seq,
                        };
                        ctx.storage().write(self.commit() + 1, entry);
                        ctx.storage().sync();
                        self.append(entry)
                    }
                };
                let registry = self.registry();
                ctx.reply(op, RrReply::Written { version, registry });
            }
            RrOp::Read { client, key, mode } => {
                let reply = RrReply::Value {
                    client,
                    mode,
                    value: self.state.get(&key).map(|&(value, _)| value),
                    at: self.commit(),
                    by: ctx.id(),
                    registry: self.registry(),
                };
                ctx.reply(op, reply);
            }
        }
    }

    /// A replica's pull or farewell.
    pub fn on_message(&mut self, ctx: &mut Context<'_, RrNode>, from: NodeId, msg: RrMsg) {
        let now = ctx.monotonic();
        self.registry
            .retain(|_, &mut last| now.since(last) < REGISTRY_TTL);
        match msg {
            RrMsg::Pull {
                sent_at,
                applied,
                serving,
            } => {
                if serving {
                    self.registry.insert(from, now);
                } else {
                    self.registry.remove(&from);
                }
                let answer = self.catchup(ctx.now(), sent_at, applied);
                ctx.send(from, answer);
            }
            RrMsg::Leaving => {
                self.registry.remove(&from);
            }
            RrMsg::Catchup { .. } => {}
        }
    }

    /// What a replica at `applied` needs: the checkpoint if it is behind
    /// the retained log, else up to [`BATCH`] entries.
    fn catchup(&self, wall: SimTime, sent_at: SimTime, applied: u64) -> RrMsg {
        let commit = self.commit();
        let checkpoint = commit / CHECKPOINT_EVERY * CHECKPOINT_EVERY;
        let oldest_kept = checkpoint.saturating_sub(RETAINED);
        let (snapshot, after) = if applied < oldest_kept || applied > commit {
            (Some(self.snapshot_at(checkpoint)), checkpoint)
        } else {
            (None, applied)
        };
        let entries = if snapshot.is_some() {
            Vec::new()
        } else {
            self.log[after as usize..]
                .iter()
                .take(BATCH)
                .copied()
                .collect()
        };
        RrMsg::Catchup {
            sent_at,
            primary_wall: wall,
            commit,
            snapshot,
            after,
            entries,
        }
    }

    /// The state at `version`, folded from the log.
    fn snapshot_at(&self, version: u64) -> Snapshot {
        let mut cells: BTreeMap<u64, Cell> = BTreeMap::new();
        for (i, e) in self.log[..version as usize].iter().enumerate() {
            cells.insert(e.key, (e.value, i as u64 + 1));
        }
        Snapshot {
            version,
            cells: cells.into_iter().collect(),
        }
    }
}
