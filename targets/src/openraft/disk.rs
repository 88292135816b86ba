//! A node's disk under openraft's log store, with faultline's crash
//! semantics: a write reaches the page cache at once (openraft reads it
//! back) and the platter only at the next sync. A crash keeps what was
//! synced, nothing after it.
//!
//! - [`Disk`] outlives the node's incarnations: madsim's kill drops the
//!   node's tasks, and [`Disk::recover`] at restart puts the page cache back
//!   to what was synced.
//! - [`LogStore`] is openraft's `RaftLogStorage` over it. Writes are
//!   serialised, as openraft requires: one sync task per incarnation syncs
//!   them in order, a batch at a time after a drawn sync latency, and only
//!   then fires the append's `IOFlushed` callback (or returns from
//!   `save_vote` and `save_committed`, which openraft needs durable before
//!   they return).
//! - Every committed vote the store saves is shown to the [`Observer`]:
//!   at most one node may win a term.

use super::release::entry::RaftEntry;
use super::release::storage::{IOFlushed, LogState, RaftLogReader, RaftLogStorage};
use super::release::type_config::alias::{EntryOf, LogIdOf, VoteOf};
use super::release::vote::RaftLeaderId;
use super::release::OptionalSend;
use super::TypeConfig;
use crate::openraft::observer::Observer;
use std::collections::BTreeMap;
use std::fmt::Debug;
use std::io;
use std::ops::RangeBounds;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

type Entry = EntryOf<TypeConfig>;
type LogId = LogIdOf<TypeConfig>;
type Vote = VoteOf<TypeConfig>;

/// How long a sync takes: most take 0.1 to 1 ms, and one in
/// [`SLOW_SYNC_ONE_IN`] takes 1 to 20 ms, as a real disk's fsync sometimes
/// does. A slow sync lets followers' acknowledgements overtake the
/// leader's own flush, which is the order a Raft leader must not trust.
fn sync_latency() -> Duration {
    let draw = |lo: u64, hi: u64| lo + madsim::rand::random::<u64>() % (hi - lo);
    if madsim::rand::random::<u64>().is_multiple_of(SLOW_SYNC_ONE_IN) {
        Duration::from_micros(draw(1_000, 20_000))
    } else {
        Duration::from_micros(draw(100, 1_000))
    }
}

/// One sync in this many is slow.
const SLOW_SYNC_ONE_IN: u64 = 4;

/// What the log store keeps: the vote, the committed id, the purge point
/// and the entries.
#[derive(Clone, Debug, Default)]
struct Log {
    vote: Option<Vote>,
    committed: Option<LogId>,
    purged: Option<LogId>,
    entries: BTreeMap<u64, Entry>,
}

/// One write, applied first to the page cache and later, at a sync, to the
/// platter.
#[derive(Clone, Debug)]
enum Write {
    Vote(Vote),
    Committed(Option<LogId>),
    Append(Vec<Entry>),
    TruncateAfter(Option<LogId>),
    Purge(LogId),
}

impl Log {
    fn apply(&mut self, write: &Write) {
        match write {
            Write::Vote(vote) => self.vote = Some(*vote),
            Write::Committed(committed) => self.committed = *committed,
            Write::Append(entries) => {
                for entry in entries {
                    self.entries.insert(entry.index(), entry.clone());
                }
            }
            Write::TruncateAfter(last) => {
                let from = last.map_or(0, |id| id.index() + 1);
                self.entries.split_off(&from);
            }
            Write::Purge(upto) => {
                self.purged = Some(*upto);
                self.entries = self.entries.split_off(&(upto.index() + 1));
            }
        }
    }
}

/// The page cache and the platter.
#[derive(Debug, Default)]
struct Platters {
    synced: Log,
    cached: Log,
}

/// One node's disk, shared by its incarnations.
#[derive(Debug, Default)]
pub(crate) struct Disk {
    platters: Mutex<Platters>,
}

impl Disk {
    /// A blank disk.
    pub(crate) fn new() -> Arc<Disk> {
        Arc::new(Disk::default())
    }

    /// A restart: the page cache is what was synced; the rest is lost.
    pub(crate) fn recover(&self) {
        let mut p = self.platters.lock().expect("one thread");
        p.cached = p.synced.clone();
    }

    /// The term of the entry synced at `index`, if one is.
    pub(crate) fn synced_term(&self, index: u64) -> Option<u64> {
        let p = self.platters.lock().expect("one thread");
        p.synced
            .entries
            .get(&index)
            .map(|e| e.log_id.leader_id.term)
    }

    fn cached<T>(&self, read: impl FnOnce(&Log) -> T) -> T {
        read(&self.platters.lock().expect("one thread").cached)
    }
}

/// What a sync tells when it has made a write durable.
enum Synced {
    Callback(IOFlushed<TypeConfig>),
    Wake(oneshot::Sender<()>),
    Quiet,
}

/// openraft's log store for one incarnation of node `node`.
#[derive(Clone)]
pub(crate) struct LogStore {
    node: u64,
    disk: Arc<Disk>,
    syncs: mpsc::UnboundedSender<(Write, Synced)>,
    observer: Arc<Observer>,
}

impl LogStore {
    /// The store over `disk`, with its sync task spawned on the current
    /// madsim node (so that a kill stops it, and unsynced writes are lost).
    pub(crate) fn start(node: u64, disk: Arc<Disk>, observer: Arc<Observer>) -> LogStore {
        let (syncs, queue) = mpsc::unbounded_channel();
        madsim::task::spawn(sync_forever(disk.clone(), queue));
        LogStore {
            node,
            disk,
            syncs,
            observer,
        }
    }

    /// Puts `write` in the page cache and queues it for the platter.
    fn write(&self, write: Write, synced: Synced) {
        self.disk
            .platters
            .lock()
            .expect("one thread")
            .cached
            .apply(&write);
        // The sync task lives as long as the incarnation that calls this.
        let _ = self.syncs.send((write, synced));
    }
}

impl LogStore {
    /// Writes `write` and waits until it is synced.
    async fn write_synced(&self, write: Write) -> Result<(), io::Error> {
        let (done, synced) = oneshot::channel();
        self.write(write, Synced::Wake(done));
        synced
            .await
            .map_err(|_| io::Error::other("the disk stopped before the write was synced"))
    }
}

/// The sync task: a batch of queued writes at a time, after the sync's
/// latency, reaches the platter; then their callbacks fire.
async fn sync_forever(disk: Arc<Disk>, mut queue: mpsc::UnboundedReceiver<(Write, Synced)>) {
    while let Some(first) = queue.recv().await {
        madsim::time::sleep(sync_latency()).await;
        let mut batch = vec![first];
        while let Ok(next) = queue.try_recv() {
            batch.push(next);
        }
        {
            let mut p = disk.platters.lock().expect("one thread");
            batch.iter().for_each(|(write, _)| p.synced.apply(write));
        }
        for (_, synced) in batch {
            match synced {
                Synced::Callback(callback) => callback.io_completed(Ok(())),
                Synced::Wake(done) => {
                    let _ = done.send(());
                }
                Synced::Quiet => {}
            }
        }
    }
}

impl RaftLogReader<TypeConfig> for LogStore {
    async fn try_get_log_entries<RB: RangeBounds<u64> + Clone + Debug + OptionalSend>(
        &mut self,
        range: RB,
    ) -> Result<Vec<Entry>, io::Error> {
        Ok(self
            .disk
            .cached(|log| log.entries.range(range).map(|(_, e)| e.clone()).collect()))
    }

    async fn read_vote(&mut self) -> Result<Option<Vote>, io::Error> {
        Ok(self.disk.cached(|log| log.vote))
    }
}

impl RaftLogStorage<TypeConfig> for LogStore {
    type LogReader = LogStore;

    async fn get_log_state(&mut self) -> Result<LogState<TypeConfig>, io::Error> {
        Ok(self.disk.cached(|log| {
            let last = log.entries.values().next_back().map(|e| e.log_id());
            LogState {
                last_purged_log_id: log.purged,
                last_log_id: last.or(log.purged),
            }
        }))
    }

    async fn get_log_reader(&mut self) -> LogStore {
        self.clone()
    }

    async fn save_vote(&mut self, vote: &Vote) -> Result<(), io::Error> {
        self.write_synced(Write::Vote(*vote)).await?;
        if vote.is_committed() {
            let leader = vote.leader_id();
            self.observer
                .won_term(self.node, leader.term(), *leader.node_id());
        }
        Ok(())
    }

    /// Synced before it returns: a restarted leader resumes from the
    /// committed id it reads back, and serves reads from it, so the id must
    /// be the true one (openraft's documentation of this method: "the
    /// recovered `committed` is then the true pre-restart value"). Saving it
    /// lazily let a restarted leader answer a read without a write it had
    /// acknowledged just before its crash.
    async fn save_committed(&mut self, committed: Option<LogId>) -> Result<(), io::Error> {
        self.write_synced(Write::Committed(committed)).await
    }

    async fn read_committed(&mut self) -> Result<Option<LogId>, io::Error> {
        Ok(self.disk.cached(|log| log.committed))
    }

    async fn append<I>(
        &mut self,
        entries: I,
        callback: IOFlushed<TypeConfig>,
    ) -> Result<(), io::Error>
    where
        I: IntoIterator<Item = Entry> + OptionalSend,
        I::IntoIter: OptionalSend,
    {
        let entries = entries.into_iter().collect();
        self.write(Write::Append(entries), Synced::Callback(callback));
        Ok(())
    }

    async fn truncate_after(&mut self, last: Option<LogId>) -> Result<(), io::Error> {
        self.write(Write::TruncateAfter(last), Synced::Quiet);
        Ok(())
    }

    async fn purge(&mut self, upto: LogId) -> Result<(), io::Error> {
        self.write(Write::Purge(upto), Synced::Quiet);
        Ok(())
    }
}
