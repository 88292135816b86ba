//! One raft-rs node carrying a key-value store, written once for every
//! release: [`replica!`] expands to a release's `Replica` inside a module
//! that names that release `release`.
//!
//! How the replica keeps raft-rs's contract (its `RawNode` and `Ready`
//! docs):
//! - **Ready.** Each handler ends by draining every `Ready`: its entries
//!   go to the library's `MemStorage` and to faultline's storage, its hard
//!   state likewise, and faultline's storage is synced exactly when
//!   `must_sync` says so (see [`super::block`]); then its messages are
//!   sent and its committed entries applied, and the node is advanced.
//!   The release's own shim (`drain`) does the calls that changed between
//!   releases and hands back a [`Drained`].
//! - **Restart.** A crashed node's `MemStorage` is rebuilt from what
//!   faultline's storage kept, and a new `RawNode` starts on it; the
//!   committed entries are applied again from the first.
//! - **Time and randomness.** See [`super::timing`].
//! - **Clients.** Requests are proposed as entries of 14 bytes
//!   ([`faultline::models::kv::service::encode`]); reads too go through the log.
//! - Pre-vote and check-quorum are on, as TiKV runs it; no snapshots, no
//!   membership changes.

/// What one `Ready` (and the `LightReady` after it) asked of the
/// application, in a release's own types: messages in the order they may
/// be sent, entries and hard state to persist, whether to sync, and the
/// committed entries to apply.
pub(crate) struct Drained<M, E, H> {
    pub(crate) messages: Vec<M>,
    pub(crate) entries: Vec<E>,
    pub(crate) hard_state: Option<H>,
    pub(crate) must_sync: bool,
    pub(crate) committed: Vec<E>,
}

/// The body of one release's replica module. The module has `release` in
/// scope as the release, and three shims for calls whose signatures changed:
/// `new_store(&[u64]) -> MemStorage` (a store whose configuration holds
/// these voters), `raw_node(&release::Config, MemStorage) ->
/// RawNode<MemStorage>` and `drain(&mut RawNode<MemStorage>) ->
/// Drained<Message, Entry, HardState>` (which writes the `MemStorage` and
/// advances the node).
macro_rules! replica {
    () => {
        use crate::raft_rs::block::{Block, ENTRIES, HARD};
        use crate::raft_rs::replica::Drained;
        use crate::raft_rs::timing::{ELECTION_TICKS, HEARTBEAT_TICKS, TICK_MS};
        use faultline::models::kv::service::{self, KvService};
        use faultline::models::kv::KvRequest;
        use faultline::sim::model::releases::{Host, Tick};
        use faultline::sim::{Context, NodeId, OpId, SimDuration};
        use release::eraftpb::{Entry, HardState, Message};
        use release::storage::MemStorage;
        use release::{Config, RawNode, StateRole, Storage as _};

        /// A message between replicas: raft-rs's own, hashed by its fields
        /// for the trace.
        #[derive(Clone, Debug, PartialEq)]
        pub struct Wire(Message);

        impl Eq for Wire {}

        impl std::hash::Hash for Wire {
            fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
                let m = &self.0;
                (
                    m.get_msg_type() as i32,
                    m.get_to(),
                    m.get_from(),
                    m.get_term(),
                )
                    .hash(h);
                (m.get_log_term(), m.get_index(), m.get_commit()).hash(h);
                (m.get_reject(), m.get_reject_hint()).hash(h);
                for e in m.get_entries() {
                    (e.get_index(), e.get_term(), e.get_data()).hash(h);
                }
            }
        }

        /// One replica of this release.
        pub struct Replica {
            node: RawNode<MemStorage>,
            service: KvService,
            persisted_last: u64,
        }

        impl std::fmt::Debug for Replica {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Replica")
                    .field("id", &self.node.raft.id)
                    .field("term", &self.node.raft.term)
                    .field("state", &self.node.raft.state)
                    .field("commit", &self.node.raft.raft_log.committed)
                    .finish()
            }
        }

        impl Replica {
            /// A node on `store`, its election timeout drawn from its stream.
            fn on<N: Host<Replica>>(ctx: &mut Context<'_, N>, store: MemStorage) -> Replica {
                let election = ctx
                    .rng()
                    .between(ELECTION_TICKS as u64, 2 * ELECTION_TICKS as u64 - 1)
                    as usize;
                let config = Config {
                    id: ctx.id().index() as u64 + 1,
                    election_tick: ELECTION_TICKS,
                    heartbeat_tick: HEARTBEAT_TICKS,
                    min_election_tick: election,
                    max_election_tick: election + 1,
                    pre_vote: true,
                    check_quorum: true,
                    max_inflight_msgs: 256,
                    max_size_per_msg: 1 << 20,
                    ..Config::default()
                };
                // The log starts after the store's initial snapshot (index 1
                // in 0.3 and 0.6.0-alpha, none in 0.7).
                let first = store.first_index().expect("a memory store answers");
                let replica = Replica {
                    node: raw_node(&config, store),
                    service: KvService::after(first - 1),
                    persisted_last: first - 1,
                };
                Self::next_tick(ctx);
                replica
            }

            /// Sets the next tick, its interval drawn from the node's stream.
            fn next_tick<N: Host<Replica>>(ctx: &mut Context<'_, N>) {
                let after = SimDuration::from_millis(ctx.rng().between(TICK_MS.0, TICK_MS.1));
                ctx.set_timer(after, Tick(0));
            }

            /// A store whose configuration holds every node of the
            /// cluster, as raft-rs numbers them (from 1).
            fn store<N: Host<Replica>>(ctx: &Context<'_, N>) -> MemStorage {
                new_store(&(1..=ctx.node_count() as u64).collect::<Vec<u64>>())
            }

            /// Drains every `Ready`: persists, syncs when it must, sends,
            /// applies.
            fn drain<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>) {
                while self.node.has_ready() {
                    let drained = drain(&mut self.node);
                    self.persist(ctx, &drained);
                    for m in drained.messages {
                        let to = NodeId::from(m.get_to() as usize - 1);
                        ctx.send(to, N::wrap(Wire(m)));
                    }
                    for e in &drained.committed {
                        let request = service::decode(e.get_data());
                        self.service
                            .apply(ctx, e.get_index(), e.get_term(), request.as_ref());
                    }
                }
                if self.node.raft.leader_id != 0 {
                    self.service
                        .heard_leader(NodeId::from(self.node.raft.leader_id as usize - 1));
                }
                if self.node.raft.state != StateRole::Leader {
                    self.service.step_down(ctx);
                }
            }

            /// Writes the entries and the hard state; syncs if `must_sync`.
            fn persist<N: Host<Replica>>(
                &mut self,
                ctx: &mut Context<'_, N>,
                d: &Drained<Message, Entry, HardState>,
            ) {
                if let Some(first) = d.entries.first() {
                    assert!(
                        first.get_index() <= self.persisted_last + 1,
                        "entries follow the stored log"
                    );
                    let last = d.entries.last().expect("not empty").get_index();
                    for e in &d.entries {
                        let block = Block::Entry {
                            term: e.get_term(),
                            data: e.get_data().to_vec(),
                        };
                        ctx.storage().write(ENTRIES + e.get_index(), block);
                    }
                    for index in last + 1..=self.persisted_last {
                        ctx.storage().delete(ENTRIES + index);
                    }
                    self.persisted_last = last;
                }
                if let Some(hs) = &d.hard_state {
                    let (term, vote, commit) = (hs.get_term(), hs.get_vote(), hs.get_commit());
                    ctx.storage()
                        .write(HARD, Block::Hard { term, vote, commit });
                }
                if d.must_sync {
                    ctx.storage().sync();
                }
            }
        }

        /// Writes a `Ready`'s entries and hard state to the library's store.
        fn store(node: &mut RawNode<MemStorage>, entries: &[Entry], hs: Option<&HardState>) {
            let store = node.mut_store();
            store.wl().append(entries).expect("entries follow the log");
            if let Some(hs) = hs {
                store.wl().set_hardstate(hs.clone());
            }
        }

        impl faultline::sim::model::releases::Replica for Replica {
            type Wire = Wire;
            type Block = Block;
            type Op = KvRequest;
            type Reply = faultline::models::kv::KvReply;

            fn start<N: Host<Replica>>(ctx: &mut Context<'_, N>) -> Replica {
                let store = Self::store(ctx);
                let mut replica = Replica::on(ctx, store);
                replica.drain(ctx);
                replica
            }

            fn recover<N: Host<Replica>>(ctx: &mut Context<'_, N>) -> Option<Replica> {
                let store = Self::store(ctx);
                let first = store.first_index().expect("a memory store answers");
                let mut hs = store
                    .initial_state()
                    .expect("a memory store answers")
                    .hard_state;
                let mut entries = Vec::new();
                let mut index = first;
                while let Some(Block::Entry { term, data }) =
                    ctx.storage().read(ENTRIES + index).ok()?
                {
                    let mut e = Entry::default();
                    e.set_index(index);
                    e.set_term(*term);
                    e.set_data(data.clone().into());
                    entries.push(e);
                    index += 1;
                }
                if let Some(Block::Hard { term, vote, commit }) = ctx.storage().read(HARD).ok()? {
                    hs.set_term(*term);
                    hs.set_vote(*vote);
                    hs.set_commit(*commit);
                }
                store
                    .wl()
                    .append(&entries)
                    .expect("entries follow the initial snapshot");
                store.wl().set_hardstate(hs);
                let mut replica = Replica::on(ctx, store);
                replica.persisted_last = index - 1;
                replica.drain(ctx);
                Some(replica)
            }

            fn on_message<N: Host<Replica>>(
                &mut self,
                ctx: &mut Context<'_, N>,
                _from: NodeId,
                wire: Wire,
            ) {
                // An error is a message raft-rs chose not to take (from a
                // peer it does not know, say): it has no effect.
                let _ = self.node.step(wire.0);
                self.drain(ctx);
            }

            fn on_timer<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>, _token: u64) {
                self.node.tick();
                Self::next_tick(ctx);
                self.drain(ctx);
            }

            fn on_client_op<N: Host<Replica>>(
                &mut self,
                ctx: &mut Context<'_, N>,
                op: OpId,
                request: KvRequest,
            ) {
                let leads = self.node.raft.state == StateRole::Leader;
                if !leads
                    || self
                        .node
                        .propose(Vec::new(), service::encode(&request))
                        .is_err()
                {
                    self.service.redirect(ctx, op);
                    return;
                }
                let (index, term) = (self.node.raft.raft_log.last_index(), self.node.raft.term);
                self.service.wait(index, term, op);
                self.drain(ctx);
            }
        }

        impl faultline::models::judge::raft::RaftView for Replica {
            fn term(&self) -> u64 {
                self.node.raft.term
            }
            fn leads(&self) -> bool {
                self.node.raft.state == StateRole::Leader
            }
            fn commit_index(&self) -> u64 {
                self.node.raft.raft_log.committed
            }
            fn entry_term(&self, index: u64) -> Option<u64> {
                // raft-rs answers 0 for an index past its log; real entries
                // have terms of 1 or more.
                self.node.raft.raft_log.term(index).ok().filter(|&t| t > 0)
            }
        }
    };
}

pub(crate) use replica;
