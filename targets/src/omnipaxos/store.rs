//! omnipaxos's storage, made durable on faultline's: omnipaxos calls a
//! `Storage` it is handed and takes every write as durable once the call
//! returns. [`Store`] keeps the state the calls read, and remembers what
//! they changed; after each call into omnipaxos the replica writes those
//! changes to the node's storage and syncs ([`Store::flush`]), before any
//! message of that call is sent. A restart rebuilds the store from what was
//! synced ([`Store::recover`]), and omnipaxos recovers from it on its own
//! (a stored promise puts it in its recovery phase).
//!
//! Blocks: [`META`] holds the promise, the accepted round and the decided
//! index; [`GENERATION`] the restart count (which numbers the node's
//! sessions); block `ENTRIES + i` holds entry `i` (from 0). No snapshots, no
//! trimming, no reconfiguration: the replica uses none.

use models::kv::KvRequest;
use omnipaxos::ballot_leader_election::Ballot;
use omnipaxos::storage::{NoSnapshot, StopSign, Storage, StorageOp, StorageResult};
use std::cell::RefCell;
use std::rc::Rc;

/// The block of the promise, the accepted round and the decided index.
pub(crate) const META: u64 = 0;
/// The block of the restart count.
pub(crate) const GENERATION: u64 = 1;
/// The block of entry 0.
pub(crate) const ENTRIES: u64 = 16;

/// A log entry: a client's request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Command(pub KvRequest);

impl omnipaxos::storage::Entry for Command {
    type Snapshot = NoSnapshot;
}

/// A ballot as stored: (configuration, number, priority, node).
pub(crate) type StoredBallot = (u32, u32, u32, u64);

/// A block's value.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Block {
    /// The promise, the accepted round and the decided index.
    Meta {
        /// The promised ballot.
        promise: Option<StoredBallot>,
        /// The round entries were last accepted in.
        accepted: Option<StoredBallot>,
        /// How many entries are decided.
        decided: u64,
    },
    /// A log entry.
    Entry(Command),
    /// How many times the node has restarted.
    Generation(u64),
}

fn stored(b: Ballot) -> StoredBallot {
    (b.config_id, b.n, b.priority, b.pid)
}

fn ballot((config_id, n, priority, pid): StoredBallot) -> Ballot {
    Ballot {
        config_id,
        n,
        priority,
        pid,
    }
}

/// The state omnipaxos reads, and what its writes changed since the last
/// flush.
#[derive(Debug, Default)]
struct State {
    log: Vec<Command>,
    promise: Option<Ballot>,
    accepted: Option<Ballot>,
    decided: usize,
    /// The first log index written since the last flush.
    dirty_from: Option<usize>,
    meta_dirty: bool,
    /// The log's length on the node's storage.
    flushed_len: usize,
}

/// The storage handed to omnipaxos; the replica holds another handle to
/// flush it.
#[derive(Clone, Debug, Default)]
pub(crate) struct Store(Rc<RefCell<State>>);

impl Store {
    /// Writes what changed since the last flush to `storage`, and syncs.
    pub(crate) fn flush(&self, storage: &mut sim::Storage<Block>) {
        let mut s = self.0.borrow_mut();
        if let Some(from) = s.dirty_from.take() {
            for (i, e) in s.log.iter().enumerate().skip(from) {
                storage.write(ENTRIES + i as u64, Block::Entry(*e));
            }
            for i in s.log.len()..s.flushed_len {
                storage.delete(ENTRIES + i as u64);
            }
            s.flushed_len = s.log.len();
        }
        if std::mem::take(&mut s.meta_dirty) {
            let meta = Block::Meta {
                promise: s.promise.map(stored),
                accepted: s.accepted.map(stored),
                decided: s.decided as u64,
            };
            storage.write(META, meta);
        }
        storage.sync();
    }

    /// The store a restart finds; `None` when a block is corrupt.
    pub(crate) fn recover(storage: &sim::Storage<Block>) -> Option<Store> {
        let mut state = State::default();
        if let Some(Block::Meta {
            promise,
            accepted,
            decided,
        }) = storage.read(META).ok()?
        {
            state.promise = promise.map(ballot);
            state.accepted = accepted.map(ballot);
            state.decided = *decided as usize;
        }
        while let Some(Block::Entry(e)) = storage.read(ENTRIES + state.log.len() as u64).ok()? {
            state.log.push(*e);
        }
        state.flushed_len = state.log.len();
        Some(Store(Rc::new(RefCell::new(state))))
    }

    fn edit(&self, op: StorageOp<Command>) {
        let mut s = self.0.borrow_mut();
        let from =
            |s: &mut State, i: usize| s.dirty_from = Some(s.dirty_from.map_or(i, |d| d.min(i)));
        match op {
            StorageOp::AppendEntry(e) => {
                let at = s.log.len();
                s.log.push(e);
                from(&mut s, at);
            }
            StorageOp::AppendEntries(es) => {
                let at = s.log.len();
                s.log.extend(es);
                from(&mut s, at);
            }
            StorageOp::AppendOnPrefix(at, es) => {
                s.log.truncate(at);
                s.log.extend(es);
                from(&mut s, at);
            }
            StorageOp::SetPromise(b) => (s.promise, s.meta_dirty) = (Some(b), true),
            StorageOp::SetDecidedIndex(d) => (s.decided, s.meta_dirty) = (d, true),
            StorageOp::SetAcceptedRound(b) => (s.accepted, s.meta_dirty) = (Some(b), true),
            // A sync clears the stop sign it does not carry, and moves no
            // compaction that never happened.
            StorageOp::SetStopsign(None) | StorageOp::SetSnapshot(None) => {}
            StorageOp::SetCompactedIdx(0) | StorageOp::Trim(0) => {}
            StorageOp::SetCompactedIdx(_)
            | StorageOp::Trim(_)
            | StorageOp::SetSnapshot(Some(_)) => {
                unreachable!("the replica never trims, compacts or snapshots")
            }
            StorageOp::SetStopsign(Some(_)) => unreachable!("the replica never reconfigures"),
        }
    }
}

impl Storage<Command> for Store {
    fn write_atomically(&mut self, ops: Vec<StorageOp<Command>>) -> StorageResult<()> {
        ops.into_iter().for_each(|op| self.edit(op));
        Ok(())
    }
    fn append_entry(&mut self, entry: Command) -> StorageResult<()> {
        self.edit(StorageOp::AppendEntry(entry));
        Ok(())
    }
    fn append_entries(&mut self, entries: Vec<Command>) -> StorageResult<()> {
        self.edit(StorageOp::AppendEntries(entries));
        Ok(())
    }
    fn append_on_prefix(&mut self, from_idx: usize, entries: Vec<Command>) -> StorageResult<()> {
        self.edit(StorageOp::AppendOnPrefix(from_idx, entries));
        Ok(())
    }
    fn set_promise(&mut self, n_prom: Ballot) -> StorageResult<()> {
        self.edit(StorageOp::SetPromise(n_prom));
        Ok(())
    }
    fn set_decided_idx(&mut self, ld: usize) -> StorageResult<()> {
        self.edit(StorageOp::SetDecidedIndex(ld));
        Ok(())
    }
    fn get_decided_idx(&self) -> StorageResult<usize> {
        Ok(self.0.borrow().decided)
    }
    fn set_accepted_round(&mut self, na: Ballot) -> StorageResult<()> {
        self.edit(StorageOp::SetAcceptedRound(na));
        Ok(())
    }
    fn get_accepted_round(&self) -> StorageResult<Option<Ballot>> {
        Ok(self.0.borrow().accepted)
    }
    fn get_entries(&self, from: usize, to: usize) -> StorageResult<Vec<Command>> {
        Ok(self
            .0
            .borrow()
            .log
            .get(from..to)
            .map_or(Vec::new(), <[Command]>::to_vec))
    }
    fn get_log_len(&self) -> StorageResult<usize> {
        Ok(self.0.borrow().log.len())
    }
    fn get_suffix(&self, from: usize) -> StorageResult<Vec<Command>> {
        Ok(self
            .0
            .borrow()
            .log
            .get(from..)
            .map_or(Vec::new(), <[Command]>::to_vec))
    }
    fn get_promise(&self) -> StorageResult<Option<Ballot>> {
        Ok(self.0.borrow().promise)
    }
    fn set_stopsign(&mut self, s: Option<StopSign>) -> StorageResult<()> {
        self.edit(StorageOp::SetStopsign(s));
        Ok(())
    }
    fn get_stopsign(&self) -> StorageResult<Option<StopSign>> {
        Ok(None)
    }
    fn trim(&mut self, idx: usize) -> StorageResult<()> {
        self.edit(StorageOp::Trim(idx));
        Ok(())
    }
    fn set_compacted_idx(&mut self, idx: usize) -> StorageResult<()> {
        self.edit(StorageOp::SetCompactedIdx(idx));
        Ok(())
    }
    fn get_compacted_idx(&self) -> StorageResult<usize> {
        Ok(0)
    }
    fn set_snapshot(&mut self, snapshot: Option<NoSnapshot>) -> StorageResult<()> {
        self.edit(StorageOp::SetSnapshot(snapshot));
        Ok(())
    }
    fn get_snapshot(&self) -> StorageResult<Option<NoSnapshot>> {
        Ok(None)
    }
}
