//! omnipaxos's storage, made durable on faultline's: omnipaxos calls a
//! `Storage` it is handed and takes every write as durable once the call
//! returns. [`Store`] keeps the state the calls read, and remembers what
//! they changed; after each call into omnipaxos the replica writes those
//! changes to the node's storage and syncs ([`Store::flush`]), before any
//! message of that call is sent. A restart rebuilds the store from what was
//! synced ([`Store::recover`]), and omnipaxos recovers from it on its own
//! (a stored promise puts it in its recovery phase).
//!
//! The store itself knows no release: each release's module expands
//! [`storage!`], which implements that release's `Storage` on [`Store`] by
//! way of the release-free [`Edit`].
//!
//! Blocks: [`META`] holds the promise, the accepted round and the decided
//! index; [`GENERATION`] the restart count (which numbers the node's
//! sessions); block `ENTRIES + i` holds entry `i` (from 0). No snapshots, no
//! trimming, no reconfiguration: the replica uses none.

use faultline::models::kv::KvRequest;
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

/// One write omnipaxos asks for, in no release's types.
#[derive(Debug)]
pub(crate) enum Edit {
    /// Entries written at an index (`None`: at the log's end); the log is
    /// cut there first.
    Entries(Option<usize>, Vec<Command>),
    /// A new promise.
    Promise(StoredBallot),
    /// A new accepted round.
    Accepted(StoredBallot),
    /// A new decided index.
    Decided(usize),
}

/// The state omnipaxos reads, and what its writes changed since the last
/// flush.
#[derive(Debug, Default)]
struct State {
    log: Vec<Command>,
    promise: Option<StoredBallot>,
    accepted: Option<StoredBallot>,
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
    pub(crate) fn flush(&self, storage: &mut faultline::sim::Storage<Block>) {
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
                promise: s.promise,
                accepted: s.accepted,
                decided: s.decided as u64,
            };
            storage.write(META, meta);
        }
        storage.sync();
    }

    /// The store a restart finds; `None` when a block is corrupt.
    pub(crate) fn recover(storage: &faultline::sim::Storage<Block>) -> Option<Store> {
        let mut state = State::default();
        if let Some(Block::Meta {
            promise,
            accepted,
            decided,
        }) = storage.read(META).ok()?
        {
            state.promise = *promise;
            state.accepted = *accepted;
            state.decided = *decided as usize;
        }
        while let Some(Block::Entry(e)) = storage.read(ENTRIES + state.log.len() as u64).ok()? {
            state.log.push(*e);
        }
        state.flushed_len = state.log.len();
        Some(Store(Rc::new(RefCell::new(state))))
    }

    /// Applies one write; it reaches the node's storage at the next flush.
    pub(crate) fn edit(&self, edit: Edit) {
        let mut s = self.0.borrow_mut();
        match edit {
            Edit::Entries(at, es) => {
                let at = at.unwrap_or(s.log.len());
                s.log.truncate(at);
                s.log.extend(es);
                s.dirty_from = Some(s.dirty_from.map_or(at, |d| d.min(at)));
            }
            Edit::Promise(b) => (s.promise, s.meta_dirty) = (Some(b), true),
            Edit::Accepted(b) => (s.accepted, s.meta_dirty) = (Some(b), true),
            Edit::Decided(d) => (s.decided, s.meta_dirty) = (d, true),
        }
    }

    /// The entries in `range` (none where the log is shorter).
    pub(crate) fn entries(&self, range: impl std::ops::RangeBounds<usize>) -> Vec<Command> {
        let s = self.0.borrow();
        let range = (range.start_bound().cloned(), range.end_bound().cloned());
        s.log.get(range).map_or(Vec::new(), <[Command]>::to_vec)
    }

    /// The log's length.
    pub(crate) fn len(&self) -> usize {
        self.0.borrow().log.len()
    }

    /// The promise, the accepted round and the decided index.
    pub(crate) fn meta(&self) -> (Option<StoredBallot>, Option<StoredBallot>, usize) {
        let s = self.0.borrow();
        (s.promise, s.accepted, s.decided)
    }
}

/// The body of one release's storage: `Command` as its entry, and its
/// `Storage` on [`Store`]. The module has `release` in scope as the release.
macro_rules! storage {
    () => {
        use crate::omnipaxos::store::{Command, Edit, Store, StoredBallot};
        use release::ballot_leader_election::Ballot;
        use release::storage::{NoSnapshot, StopSign, Storage, StorageOp, StorageResult};

        impl release::storage::Entry for Command {
            type Snapshot = NoSnapshot;
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

        /// The write `op` asks for; `None` for a sync's no-ops (clearing a
        /// stop sign it does not carry, or a compaction that never happened).
        fn edit(op: StorageOp<Command>) -> Option<Edit> {
            Some(match op {
                StorageOp::AppendEntry(e) => Edit::Entries(None, vec![e]),
                StorageOp::AppendEntries(es) => Edit::Entries(None, es),
                StorageOp::AppendOnPrefix(at, es) => Edit::Entries(Some(at), es),
                StorageOp::SetPromise(b) => Edit::Promise(stored(b)),
                StorageOp::SetDecidedIndex(d) => Edit::Decided(d),
                StorageOp::SetAcceptedRound(b) => Edit::Accepted(stored(b)),
                StorageOp::SetStopsign(None) | StorageOp::SetSnapshot(None) => return None,
                StorageOp::SetCompactedIdx(0) | StorageOp::Trim(0) => return None,
                StorageOp::SetCompactedIdx(_)
                | StorageOp::Trim(_)
                | StorageOp::SetSnapshot(Some(_)) => {
                    unreachable!("the replica never trims, compacts or snapshots")
                }
                StorageOp::SetStopsign(Some(_)) => unreachable!("the replica never reconfigures"),
            })
        }

        impl Storage<Command> for Store {
            fn write_atomically(&mut self, ops: Vec<StorageOp<Command>>) -> StorageResult<()> {
                ops.into_iter().filter_map(edit).for_each(|e| self.edit(e));
                Ok(())
            }
            fn append_entry(&mut self, entry: Command) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::AppendEntry(entry)])
            }
            fn append_entries(&mut self, entries: Vec<Command>) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::AppendEntries(entries)])
            }
            fn append_on_prefix(
                &mut self,
                from: usize,
                entries: Vec<Command>,
            ) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::AppendOnPrefix(from, entries)])
            }
            fn set_promise(&mut self, n_prom: Ballot) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::SetPromise(n_prom)])
            }
            fn set_decided_idx(&mut self, ld: usize) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::SetDecidedIndex(ld)])
            }
            fn get_decided_idx(&self) -> StorageResult<usize> {
                Ok(self.meta().2)
            }
            fn set_accepted_round(&mut self, na: Ballot) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::SetAcceptedRound(na)])
            }
            fn get_accepted_round(&self) -> StorageResult<Option<Ballot>> {
                Ok(self.meta().1.map(ballot))
            }
            fn get_entries(&self, from: usize, to: usize) -> StorageResult<Vec<Command>> {
                Ok(self.entries(from..to))
            }
            fn get_log_len(&self) -> StorageResult<usize> {
                Ok(self.len())
            }
            fn get_suffix(&self, from: usize) -> StorageResult<Vec<Command>> {
                Ok(self.entries(from..))
            }
            fn get_promise(&self) -> StorageResult<Option<Ballot>> {
                Ok(self.meta().0.map(ballot))
            }
            fn set_stopsign(&mut self, s: Option<StopSign>) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::SetStopsign(s)])
            }
            fn get_stopsign(&self) -> StorageResult<Option<StopSign>> {
                Ok(None)
            }
            fn trim(&mut self, idx: usize) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::Trim(idx)])
            }
            fn set_compacted_idx(&mut self, idx: usize) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::SetCompactedIdx(idx)])
            }
            fn get_compacted_idx(&self) -> StorageResult<usize> {
                Ok(0)
            }
            fn set_snapshot(&mut self, snapshot: Option<NoSnapshot>) -> StorageResult<()> {
                self.write_atomically(vec![StorageOp::SetSnapshot(snapshot)])
            }
            fn get_snapshot(&self) -> StorageResult<Option<NoSnapshot>> {
                Ok(None)
            }
        }
    };
}
pub(crate) use storage;
