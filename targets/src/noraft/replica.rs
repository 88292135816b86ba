//! One noraft node carrying a key-value store, written once for every
//! release: [`replica!`] expands to a release's `Replica` inside a module
//! that names that release `release`.
//!
//! How the replica keeps noraft's contract (its `Action` docs):
//! - **Storage.** `SaveCurrentTerm`, `SaveVotedFor` and `AppendLogEntries`
//!   are written to faultline's storage (see [`super::block`]) and synced
//!   before the handler returns, so before any message of the batch is
//!   delivered. A restart rebuilds the node with `Node::restart` from what
//!   was synced. A block that reads as corrupt keeps the node down: noraft
//!   says a node whose storage is suspect must not rejoin.
//! - **Timers.** `SetElectionTimeout` replaces the one timer, on the node's
//!   own clock (so skew and drift reach it): a heartbeat interval for a
//!   leader, and an election timeout drawn from the node's random stream
//!   for the others, as the docs ask.
//! - **Commands.** noraft replicates a command's position only; the
//!   command travels beside it. A message that carries command entries
//!   carries their commands, keyed by (index, term), which names one entry
//!   in Raft. Reads and writes both go through the log.
//! - **Clients.** A leader proposes and answers once the entry is applied;
//!   anyone else redirects to the last leader it heard from. A leader that
//!   steps down redirects what it was holding; a retry carries the same
//!   sequence number, and the store applies each (client, sequence) once.
//! - No snapshots and no membership changes are made, so `InstallSnapshot`
//!   is never asked for.

/// The body of one release's replica module. The module has `release` in
/// scope as the release, and two shims for calls whose signatures changed:
/// `restart(id, generation, term, voted_for, log) -> release::Node` and
/// `handle(&mut release::Node, &release::Message) -> Result<(), String>`.
/// The replica runs on any [`faultline::sim::model::releases::Host`] of its messages.
macro_rules! replica {
    () => {
        use crate::noraft::block::{Block, Entry, ENTRIES, GENERATION, HARD};
        use crate::noraft::timing::{ELECTION_MS, HEARTBEAT_MS};
        use faultline::models::kv::service::KvService;
        use faultline::models::kv::KvRequest;
        use faultline::sim::model::releases::{Host, Tick};
        use faultline::sim::{Context, NodeId, OpId, SimDuration, TimerId};
        use std::collections::BTreeMap;

        /// A message between replicas: noraft's, with the commands of the
        /// command entries it carries, each as (index, term, command).
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct Wire {
            msg: release::Message,
            commands: Vec<(u64, u64, KvRequest)>,
        }

        /// One replica of this release.
        #[derive(Clone, Debug)]
        pub struct Replica {
            raft: release::Node,
            service: KvService,
            /// The command of each command entry this node has seen.
            commands: BTreeMap<(u64, u64), KvRequest>,
            timer: Option<TimerId>,
            persisted_last: u64,
            error: Option<String>,
        }

        impl Replica {
            fn with(raft: release::Node) -> Replica {
                Replica {
                    raft,
                    service: KvService::default(),
                    commands: BTreeMap::new(),
                    timer: None,
                    persisted_last: 0,
                    error: None,
                }
            }

            /// Carries out noraft's actions: storage first and synced, then
            /// the timer and the sends; then applies what is committed.
            fn act<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>) {
                let actions: Vec<release::Action> = self.raft.actions_mut().collect();
                let (mut wrote, mut timer) = (false, false);
                let mut sends = Vec::new();
                for action in actions {
                    match action {
                        release::Action::SetElectionTimeout => timer = true,
                        release::Action::SaveCurrentTerm | release::Action::SaveVotedFor => {
                            let term = self.raft.current_term().get();
                            let voted_for = self.raft.voted_for().map(|n| n.get());
                            ctx.storage().write(HARD, Block::Hard { term, voted_for });
                            wrote = true;
                        }
                        release::Action::AppendLogEntries(entries) => {
                            self.persist(ctx, &entries);
                            wrote = true;
                        }
                        release::Action::BroadcastMessage(m) => {
                            sends.extend(self.raft.peers().map(|p| (p, m.clone())));
                        }
                        release::Action::SendMessage(to, m) => sends.push((to, m)),
                        release::Action::InstallSnapshot(_) => {}
                    }
                }
                if wrote {
                    ctx.storage().sync();
                }
                if timer {
                    self.reset_timer(ctx);
                }
                for (to, msg) in sends {
                    let wire = self.wire(msg);
                    ctx.send(NodeId::from(to.get() as usize), N::wrap(wire));
                }
                self.apply(ctx);
            }

            fn reset_timer<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>) {
                if let Some(old) = self.timer.take() {
                    ctx.cancel_timer(old);
                }
                let ms = if self.raft.role().is_leader() {
                    HEARTBEAT_MS
                } else {
                    ctx.rng().between(ELECTION_MS.0, ELECTION_MS.1)
                };
                self.timer = Some(ctx.set_timer(SimDuration::from_millis(ms), Tick(0)));
            }

            /// Writes the entries after their anchor, and deletes what the
            /// stored log had beyond them.
            fn persist<N: Host<Replica>>(
                &mut self,
                ctx: &mut Context<'_, N>,
                entries: &release::LogEntries,
            ) {
                let mut last = entries.prev_position().index.get();
                for (p, e) in entries.iter_with_positions() {
                    let (index, term) = (p.index.get(), p.term.get());
                    let entry = self.entry(&e, index, term);
                    ctx.storage()
                        .write(ENTRIES + index, Block::Entry { term, entry });
                    last = index;
                }
                for index in last + 1..=self.persisted_last {
                    ctx.storage().delete(ENTRIES + index);
                }
                self.persisted_last = last;
            }

            /// noraft's entry at (index, term) as a stored [`Entry`].
            fn entry(&self, e: &release::LogEntry, index: u64, term: u64) -> Entry {
                match e {
                    release::LogEntry::Term(t) => Entry::Term(t.get()),
                    release::LogEntry::ClusterConfig(c) => Entry::Config([
                        c.voters.iter().map(|n| n.get()).collect(),
                        c.new_voters.iter().map(|n| n.get()).collect(),
                        c.non_voters.iter().map(|n| n.get()).collect(),
                    ]),
                    release::LogEntry::Command => Entry::Command(self.command(index, term)),
                }
            }

            fn command(&self, index: u64, term: u64) -> KvRequest {
                *self
                    .commands
                    .get(&(index, term))
                    .expect("a command entry's command travels with it")
            }

            /// noraft's message, with the commands of its command entries.
            fn wire(&self, msg: release::Message) -> Wire {
                let commands = match &msg {
                    release::Message::AppendEntriesCall { entries, .. } => entries
                        .iter_with_positions()
                        .filter(|(_, e)| matches!(e, release::LogEntry::Command))
                        .map(|(p, _)| {
                            let (index, term) = (p.index.get(), p.term.get());
                            (index, term, self.command(index, term))
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                Wire { msg, commands }
            }

            /// Applies every committed entry not yet applied; a node that
            /// no longer leads redirects the clients it still holds.
            fn apply<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>) {
                while self.service.applied() < self.raft.commit_index().get() {
                    let index = self.service.applied() + 1;
                    let at = release::LogIndex::new(index);
                    let entries = self.raft.log().entries();
                    let term = entries
                        .get_term(at)
                        .expect("no snapshots: the log holds every committed entry")
                        .get();
                    let command = matches!(entries.get_entry(at), Some(release::LogEntry::Command))
                        .then(|| self.command(index, term));
                    self.service.apply(ctx, index, term, command.as_ref());
                }
                if !self.raft.role().is_leader() {
                    self.service.step_down(ctx);
                }
            }
        }

        impl faultline::sim::model::releases::Replica for Replica {
            type Wire = Wire;
            type Block = Block;
            type Op = KvRequest;
            type Reply = faultline::models::kv::KvReply;

            /// A fresh node; node 0 creates the cluster of every node.
            fn start<N: Host<Replica>>(ctx: &mut Context<'_, N>) -> Replica {
                let id = ctx.id().index() as u64;
                let mut raft = release::Node::start(release::NodeId::new(id));
                if id == 0 {
                    let voters: Vec<release::NodeId> = (0..ctx.node_count() as u64)
                        .map(release::NodeId::new)
                        .collect();
                    raft.create_cluster(&voters);
                }
                let mut replica = Replica::with(raft);
                replica.act(ctx);
                replica
            }

            /// A node restarted on what its storage kept; `None` when a
            /// block it needs is corrupt.
            fn recover<N: Host<Replica>>(ctx: &mut Context<'_, N>) -> Option<Replica> {
                let id = release::NodeId::new(ctx.id().index() as u64);
                let storage = ctx.storage();
                let (term, voted_for) = match storage.read(HARD).ok()? {
                    Some(Block::Hard { term, voted_for }) => (*term, *voted_for),
                    _ => (0, None),
                };
                let generation = match storage.read(GENERATION).ok()? {
                    Some(Block::Generation(g)) => g + 1,
                    _ => 1,
                };
                let mut entries = Vec::new();
                let mut commands = BTreeMap::new();
                while let Some(Block::Entry { term, entry }) =
                    storage.read(ENTRIES + entries.len() as u64 + 1).ok()?
                {
                    if let Entry::Command(c) = entry {
                        commands.insert((entries.len() as u64 + 1, *term), *c);
                    }
                    entries.push(log_entry(entry));
                }
                storage.write(GENERATION, Block::Generation(generation));
                storage.sync();
                let last = entries.len() as u64;
                let entries = release::LogEntries::from_iter(release::LogPosition::ZERO, entries);
                let log = release::Log::new(release::ClusterConfig::new(), entries);
                let voted_for = voted_for.map(release::NodeId::new);
                let raft = restart(id, generation, release::Term::new(term), voted_for, log);
                let mut replica = Replica::with(raft);
                replica.commands = commands;
                replica.persisted_last = last;
                replica.act(ctx);
                Some(replica)
            }

            /// A message from another replica.
            fn on_message<N: Host<Replica>>(
                &mut self,
                ctx: &mut Context<'_, N>,
                from: NodeId,
                wire: Wire,
            ) {
                for (index, term, command) in wire.commands {
                    self.commands.insert((index, term), command);
                }
                if let Err(e) = handle(&mut self.raft, &wire.msg) {
                    self.error.get_or_insert(e);
                }
                if let release::Message::AppendEntriesCall { term, .. } = &wire.msg {
                    if *term == self.raft.current_term() {
                        self.service.heard_leader(from);
                    }
                }
                self.act(ctx);
            }

            /// The election timeout (a leader's heartbeat) expired.
            fn on_timer<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>, _token: u64) {
                self.timer = None;
                self.raft.handle_election_timeout();
                self.act(ctx);
            }

            /// A client's request: proposed if this node leads, else redirected.
            fn on_client_op<N: Host<Replica>>(
                &mut self,
                ctx: &mut Context<'_, N>,
                op: OpId,
                request: KvRequest,
            ) {
                let position = self.raft.propose_command();
                if position == release::LogPosition::INVALID {
                    self.service.redirect(ctx, op);
                    return;
                }
                let (index, term) = (position.index.get(), position.term.get());
                self.commands.insert((index, term), request);
                self.service.wait(index, term, op);
                self.act(ctx);
            }
        }

        /// A stored entry as this release's log entry.
        fn log_entry(entry: &Entry) -> release::LogEntry {
            match entry {
                Entry::Term(t) => release::LogEntry::Term(release::Term::new(*t)),
                Entry::Config([voters, new_voters, non_voters]) => {
                    let ids = |v: &Vec<u64>| v.iter().map(|&n| release::NodeId::new(n)).collect();
                    let mut config = release::ClusterConfig::new();
                    config.voters = ids(voters);
                    config.new_voters = ids(new_voters);
                    config.non_voters = ids(non_voters);
                    release::LogEntry::ClusterConfig(config)
                }
                Entry::Command(_) => release::LogEntry::Command,
            }
        }

        impl faultline::models::judge::raft::RaftView for Replica {
            fn term(&self) -> u64 {
                self.raft.current_term().get()
            }
            fn leads(&self) -> bool {
                self.raft.role().is_leader()
            }
            fn commit_index(&self) -> u64 {
                self.raft.commit_index().get()
            }
            fn entry_term(&self, index: u64) -> Option<u64> {
                let at = release::LogIndex::new(index);
                self.raft.log().entries().get_term(at).map(|t| t.get())
            }
            fn library_error(&self) -> Option<&str> {
                self.error.as_deref()
            }
        }
    };
}

pub(crate) use replica;
