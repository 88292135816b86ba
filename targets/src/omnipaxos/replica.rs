//! One omnipaxos server carrying a key-value store, at any release whose API
//! is 0.2.3's: [`replica!`] is the body of one release's module.
//!
//! How the replica keeps omnipaxos's contract:
//! - **Storage**: see [`super::store`]: every write is durable on the
//!   node's storage before any message of the same call is sent.
//! - **Links**: omnipaxos assumes session-based FIFO links and a
//!   `reconnected` call when one comes back. Messages travel in
//!   [`crate::session`] frames; a gap breaks the session, a new one is
//!   opened, and both ends call `reconnected`.
//! - **Time**: `tick` every [`TICK_MS`] on the node's clock; omnipaxos's
//!   leader election draws no randomness.
//! - **Clients**: any server takes a request (omnipaxos forwards it to the
//!   leader) and answers once it is decided and applied here.

use faultline::models::session::Frame;

/// How often the replica calls omnipaxos's `tick`, in milliseconds.
pub const TICK_MS: u64 = 10;
/// Ticks before leader election is updated (50 ms).
pub const ELECTION_TICKS: u64 = 5;

/// A frame's session and sequence number, which name its message within a
/// run (the message itself follows from the seed); a reset names the
/// session it breaks.
pub(crate) fn key<T>(frame: &Frame<T>) -> (u64, u64) {
    match frame {
        Frame::Data { session, seq, .. } => (*session, *seq),
        Frame::Reset { session } => (*session, u64::MAX),
    }
}

/// The body of one release's replica module, with `release` in scope as
/// the release and its storage ([`crate::omnipaxos::store::storage!`])
/// expanded beside it. The replica runs on any [`faultline::sim::model::releases::Host`] of
/// its messages.
macro_rules! replica {
    () => {
        use crate::omnipaxos::replica::{ELECTION_TICKS, TICK_MS};
        use crate::omnipaxos::store::{Block, GENERATION};
        use faultline::models::kv::service::KvService;
        use faultline::models::kv::{KvReply, KvRequest};
        use faultline::models::session::{Frame, Received, Sessions};
        use faultline::sim::model::releases::{Host, Tick};
        use faultline::sim::{Context, NodeId, OpId, SimDuration};

        /// A message between servers: a session frame of omnipaxos's message.
        #[derive(Clone, Debug)]
        pub struct Wire(Frame<release::messages::Message<Command>>);

        impl PartialEq for Wire {
            fn eq(&self, other: &Self) -> bool {
                crate::omnipaxos::replica::key(&self.0) == crate::omnipaxos::replica::key(&other.0)
            }
        }

        impl Eq for Wire {}

        impl std::hash::Hash for Wire {
            fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
                crate::omnipaxos::replica::key(&self.0).hash(h);
            }
        }

        /// One server.
        pub struct Replica {
            paxos: release::OmniPaxos<Command, Store>,
            store: Store,
            sessions: Sessions,
            service: KvService,
            outgoing: Vec<release::messages::Message<Command>>,
        }

        impl std::fmt::Debug for Replica {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Replica")
                    .field("promise", &self.paxos.get_promise())
                    .field("decided", &self.paxos.get_decided_idx())
                    .finish()
            }
        }

        impl Replica {
            /// A server on `store`, whose sessions carry `generation`.
            fn on<N: Host<Replica>>(
                ctx: &mut Context<'_, N>,
                store: Store,
                generation: u64,
            ) -> Replica {
                let config = release::OmniPaxosConfig {
                    cluster_config: release::ClusterConfig {
                        configuration_id: 1,
                        nodes: (1..=ctx.node_count() as u64).collect(),
                        flexible_quorum: None,
                    },
                    server_config: release::ServerConfig {
                        pid: ctx.id().index() as u64 + 1,
                        election_tick_timeout: ELECTION_TICKS,
                        ..release::ServerConfig::default()
                    },
                };
                let paxos = config.build(store.clone()).expect("a valid configuration");
                ctx.set_timer(SimDuration::from_millis(TICK_MS), Tick(0));
                Replica {
                    paxos,
                    store,
                    sessions: Sessions::new(generation),
                    service: KvService::default(),
                    outgoing: Vec::new(),
                }
            }

            /// After any call into omnipaxos: make its writes durable, send what
            /// it sent, and apply what is decided.
            fn after<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>) {
                self.store.flush(ctx.storage());
                self.paxos.take_outgoing_messages(&mut self.outgoing);
                for msg in std::mem::take(&mut self.outgoing) {
                    let to = NodeId::from(msg.get_receiver() as usize - 1);
                    let frame = self.sessions.frame(to, msg);
                    ctx.send(to, N::wrap(Wire(frame)));
                }
                let from = self.service.applied() as usize;
                for entry in self.paxos.read_decided_suffix(from).unwrap_or_default() {
                    let index = self.service.applied() + 1;
                    match entry {
                        release::util::LogEntry::Decided(Command(request)) => {
                            self.service.apply(ctx, index, 0, Some(&request))
                        }
                        other => unreachable!("no snapshots, trims or stop signs: {other:?}"),
                    }
                }
            }
        }

        impl faultline::sim::model::releases::Replica for Replica {
            type Wire = Wire;
            type Block = Block;
            type Op = KvRequest;
            type Reply = KvReply;

            fn start<N: Host<Replica>>(ctx: &mut Context<'_, N>) -> Replica {
                ctx.storage().write(GENERATION, Block::Generation(0));
                let mut replica = Replica::on(ctx, Store::default(), 0);
                replica.after(ctx);
                replica
            }

            fn recover<N: Host<Replica>>(ctx: &mut Context<'_, N>) -> Option<Replica> {
                let store = Store::recover(ctx.storage())?;
                let generation = match ctx.storage().read(GENERATION).ok()? {
                    Some(Block::Generation(g)) => g + 1,
                    _ => 1,
                };
                ctx.storage()
                    .write(GENERATION, Block::Generation(generation));
                let mut replica = Replica::on(ctx, store, generation);
                replica.after(ctx);
                Some(replica)
            }

            fn on_message<N: Host<Replica>>(
                &mut self,
                ctx: &mut Context<'_, N>,
                from: NodeId,
                wire: Wire,
            ) {
                let pid = from.index() as u64 + 1;
                match self.sessions.receive(from, wire.0) {
                    Received::Deliver(msg, reconnected) => {
                        if reconnected {
                            self.paxos.reconnected(pid);
                        }
                        self.paxos.handle_incoming(msg);
                    }
                    Received::Reopened => self.paxos.reconnected(pid),
                    Received::Broken(reset) => ctx.send(from, N::wrap(Wire(reset))),
                    Received::Drop => {}
                }
                self.after(ctx);
            }

            fn on_timer<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>, _token: u64) {
                self.paxos.tick();
                ctx.set_timer(SimDuration::from_millis(TICK_MS), Tick(0));
                self.after(ctx);
            }

            fn on_client_op<N: Host<Replica>>(
                &mut self,
                ctx: &mut Context<'_, N>,
                op: OpId,
                request: KvRequest,
            ) {
                if self.paxos.append(Command(request)).is_err() {
                    self.service.redirect(ctx, op);
                    return;
                }
                self.service.wait_for(&request, op);
                self.after(ctx);
            }
        }

        impl faultline::models::judge::raft::RaftView for Replica {
            /// The promised ballot, as one number that names it (its round in the
            /// high bits, its node in the low): a ballot belongs to one node.
            fn term(&self) -> u64 {
                let b = self.paxos.get_promise();
                (u64::from(b.n) << 32) | b.pid
            }
            fn leads(&self) -> bool {
                let me = self.paxos.get_pid();
                self.paxos
                    .get_current_leader()
                    .is_some_and(|(leader, _)| leader == me)
            }
            fn commit_index(&self) -> u64 {
                self.paxos.get_decided_idx() as u64
            }
            /// omnipaxos's entries carry no term: an entry is named by its request
            /// (client and sequence number); two entries with one name are retries
            /// of one request, which the store applies once.
            fn entry_term(&self, index: u64) -> Option<u64> {
                let entry = self.paxos.read(index.checked_sub(1)? as usize)?;
                match entry {
                    release::util::LogEntry::Decided(Command(r))
                    | release::util::LogEntry::Undecided(Command(r)) => {
                        Some(((u64::from(r.client) << 32) | u64::from(r.seq)) + 1)
                    }
                    _ => None,
                }
            }
            fn entry_name(&self) -> &'static str {
                "request (client << 32 | sequence, + 1)"
            }
        }
    };
}
pub(crate) use replica;
