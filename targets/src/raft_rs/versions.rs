//! The raft-rs releases, each a module that names its release `release`,
//! gives the calls whose signatures changed, and expands
//! [`crate::raft_rs::replica::replica!`]. 0.7 splits a `Ready` into
//! messages to send at once and messages to send once persisted, and
//! advances to a `LightReady`; 0.6.0-alpha has one list of messages and
//! one advance. 0.7 takes its logger at `RawNode::new`; 0.6.0-alpha's
//! default logger writes to the `log` crate, which nobody installs here.
//! 0.3 predates `raft-proto` and the configured store: its store takes
//! the cluster as a snapshot's configuration, as later releases' do.
//! The names the shims use (`Drained`, `Message`, `RawNode`, `store`, ...) are the
//! ones the replica's expansion brings into the module.

/// raft 0.7.0, the newest release.
pub(super) mod v0_7 {
    use raft as release;

    fn new_store(voters: &[u64]) -> MemStorage {
        MemStorage::new_with_conf_state((voters.to_vec(), Vec::new()))
    }

    fn raw_node(config: &Config, store: MemStorage) -> RawNode<MemStorage> {
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        RawNode::new(config, store, &logger).expect("a valid configuration")
    }

    fn drain(node: &mut RawNode<MemStorage>) -> Drained<Message, Entry, HardState> {
        let mut rd = node.ready();
        let mut messages = rd.take_messages();
        let mut committed = rd.take_committed_entries();
        let entries = rd.entries().clone();
        let mut hard_state = rd.hs().cloned();
        store(node, &entries, hard_state.as_ref());
        let must_sync = rd.must_sync();
        messages.extend(rd.take_persisted_messages());
        let mut light = node.advance(rd);
        if let Some(commit) = light.commit_index() {
            node.mut_store().wl().mut_hard_state().set_commit(commit);
            hard_state = Some(node.store().rl().hard_state().clone());
        }
        messages.extend(light.take_messages());
        committed.extend(light.take_committed_entries());
        node.advance_apply();
        Drained {
            messages,
            entries,
            hard_state,
            must_sync,
            committed,
        }
    }

    crate::raft_rs::replica::replica!();
}

/// raft 0.6.0-alpha: `must_sync` is false when a `Ready` appends entries
/// without changing the term or the vote.
pub(super) mod v0_6_alpha {
    use raft_0_6_alpha as release;

    fn new_store(voters: &[u64]) -> MemStorage {
        MemStorage::new_with_conf_state((voters.to_vec(), Vec::new()))
    }

    fn raw_node(config: &Config, store: MemStorage) -> RawNode<MemStorage> {
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        RawNode::new(config, store)
            .expect("a valid configuration")
            .with_logger(&logger)
    }

    fn drain(node: &mut RawNode<MemStorage>) -> Drained<Message, Entry, HardState> {
        let mut rd = node.ready();
        let messages = std::mem::take(&mut rd.messages);
        let committed = rd.committed_entries.take().unwrap_or_default();
        let entries = rd.entries().to_vec();
        let hard_state = rd.hs().cloned();
        store(node, &entries, hard_state.as_ref());
        let must_sync = rd.must_sync();
        node.advance(rd);
        Drained {
            messages,
            entries,
            hard_state,
            must_sync,
            committed,
        }
    }

    crate::raft_rs::replica::replica!();
}

/// raft 0.3.0: a pre-candidate keeps the votes and the leader of its last
/// term (fixed in 0.3.1 by tikv/raft-rs pull requests 83 and 84). Its
/// `must_sync` has 0.6.0-alpha's bug too, which that switch covers: this
/// shim syncs every `Ready`, as the contract allows, so that the switch
/// runs only its own fix's difference.
pub(super) mod v0_3 {
    use raft_0_3 as release;

    /// The store later releases build with `new_with_conf_state`: a
    /// snapshot at index 1 of term 1 whose configuration holds `voters`.
    fn new_store(voters: &[u64]) -> MemStorage {
        let mut snapshot = release::eraftpb::Snapshot::new();
        let meta = snapshot.mut_metadata();
        meta.set_index(1);
        meta.set_term(1);
        meta.mut_conf_state().set_nodes(voters.to_vec());
        let store = MemStorage::new();
        store
            .wl()
            .apply_snapshot(snapshot)
            .expect("a fresh store takes a snapshot");
        let mut hs = HardState::new();
        hs.set_term(1);
        hs.set_commit(1);
        store.wl().set_hardstate(hs);
        store
    }

    fn raw_node(config: &Config, store: MemStorage) -> RawNode<MemStorage> {
        RawNode::new(config, store, Vec::new()).expect("a valid configuration")
    }

    fn drain(node: &mut RawNode<MemStorage>) -> Drained<Message, Entry, HardState> {
        let mut rd = node.ready();
        let messages = std::mem::take(&mut rd.messages);
        let committed = rd.committed_entries.take().unwrap_or_default();
        let entries = rd.entries.clone();
        let hard_state = rd.hs.clone();
        store(node, &entries, hard_state.as_ref());
        node.advance(rd);
        Drained {
            messages,
            entries,
            hard_state,
            must_sync: true,
            committed,
        }
    }

    crate::raft_rs::replica::replica!();
}
