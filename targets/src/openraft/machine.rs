//! The key-value state machine openraft applies its log to: faultline's
//! [`KvStore`] (exactly-once sessions), kept in memory, so a crash loses it
//! and openraft rebuilds it from the log at restart.
//!
//! Every entry applied is shown to the [`Observer`]: two nodes that apply
//! different entries at one index break state-machine safety, which is
//! how a committed prefix that changed shows.

use super::futures::{Stream, TryStreamExt};
use super::release::storage::{
    EntryResponder, RaftSnapshotBuilder, RaftStateMachine, Snapshot as RaftSnapshot,
};
use super::release::type_config::alias::CommittedLeaderIdOf;
use super::release::type_config::alias::{LogIdOf, SnapshotMetaOf, StoredMembershipOf};
use super::release::{EntryPayload, OptionalSend};
use super::TypeConfig;
use crate::openraft::observer::Observer;
use faultline::models::kv::{KvReply, KvStore};
use std::io;
use std::sync::{Arc, Mutex};

type LogId = LogIdOf<TypeConfig>;

/// A snapshot: its metadata and a copy of the store (nothing crosses a
/// real wire here, so nothing is serialised).
pub(crate) type Snapshot = RaftSnapshot<CommittedLeaderIdOf<TypeConfig>, u64, (), KvStore>;

/// What has been applied, shared by the state machine and the node that
/// serves reads from it.
#[derive(Default)]
pub(crate) struct Applied {
    /// The store.
    pub(crate) store: KvStore,
    last: Option<LogId>,
    membership: StoredMembershipOf<TypeConfig>,
    snapshot: Option<(SnapshotMetaOf<TypeConfig>, KvStore)>,
}

/// The state machine of one incarnation of node `node`.
#[derive(Clone)]
pub(crate) struct Machine {
    node: u64,
    applied: Arc<Mutex<Applied>>,
    observer: Arc<Observer>,
}

impl Machine {
    /// An empty machine, watched by `observer`.
    pub(crate) fn new(node: u64, observer: Arc<Observer>) -> Machine {
        Machine {
            node,
            applied: Arc::default(),
            observer,
        }
    }

    /// What has been applied, for reads.
    pub(crate) fn applied(&self) -> Arc<Mutex<Applied>> {
        self.applied.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Applied> {
        self.applied.lock().expect("one thread")
    }
}

impl RaftSnapshotBuilder<TypeConfig> for Machine {
    super::snapshot_data!();

    async fn build_snapshot(&mut self) -> Result<Snapshot, io::Error> {
        let mut a = self.lock();
        let meta = super::snapshot_meta(a.last, a.membership.clone());
        a.snapshot = Some((meta.clone(), a.store.clone()));
        Ok(Snapshot {
            meta,
            snapshot: a.store.clone(),
        })
    }
}

impl RaftStateMachine<TypeConfig> for Machine {
    super::snapshot_data!();
    super::snapshot_receiver!();
    type SnapshotBuilder = Machine;

    async fn applied_state(
        &mut self,
    ) -> Result<(Option<LogId>, StoredMembershipOf<TypeConfig>), io::Error> {
        let a = self.lock();
        Ok((a.last, a.membership.clone()))
    }

    async fn apply<Strm>(&mut self, mut entries: Strm) -> Result<(), io::Error>
    where
        Strm: Stream<Item = Result<EntryResponder<TypeConfig>, io::Error>> + Unpin + OptionalSend,
    {
        while let Some((entry, responder)) = entries.try_next().await? {
            let id = entry.log_id;
            let carried = match entry.payload {
                EntryPayload::Normal(request) => Some(request),
                _ => None,
            };
            let applied = (id.leader_id.term, carried);
            self.observer.applied(self.node, id.index, applied);
            let mut a = self.lock();
            a.last = Some(id);
            let reply = match entry.payload {
                EntryPayload::Normal(ref request) => a.store.apply(request),
                EntryPayload::Membership(ref m) => {
                    a.membership = StoredMembershipOf::<TypeConfig>::new(Some(id), m.clone());
                    None
                }
                EntryPayload::Blank => None,
            };
            drop(a);
            if let Some(responder) = responder {
                // A request older than its client's session: no one waits.
                responder.send(reply.unwrap_or(KvReply::Redirect { hint: None }));
            }
        }
        Ok(())
    }

    async fn try_create_snapshot_builder(&mut self, _force: bool) -> Option<Machine> {
        Some(self.clone())
    }

    async fn get_snapshot_builder(&mut self) -> Machine {
        self.clone()
    }

    async fn install_snapshot(
        &mut self,
        meta: &SnapshotMetaOf<TypeConfig>,
        snapshot: KvStore,
    ) -> Result<(), io::Error> {
        let mut a = self.lock();
        a.store = snapshot.clone();
        a.last = meta.last_log_id;
        a.membership = meta.last_membership.clone();
        a.snapshot = Some((meta.clone(), snapshot));
        Ok(())
    }

    async fn get_current_snapshot(&mut self) -> Result<Option<Snapshot>, io::Error> {
        let a = self.lock();
        Ok(a.snapshot.as_ref().map(|(meta, store)| Snapshot {
            meta: meta.clone(),
            snapshot: store.clone(),
        }))
    }
}
