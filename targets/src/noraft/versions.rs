//! The noraft releases, each a module that names its release `noraft`,
//! gives the two calls whose signatures changed, and expands
//! [`super::replica::replica!`]. Releases before 0.7 take a generation at
//! restart (unique and increasing per node: the replica keeps a restart
//! count on disk) and return nothing from `handle_message`; 0.6 and later
//! return an error for a snapshot that conflicts with the leader's log.

/// noraft 0.7.1, the newest release.
pub(super) mod v0_7 {
    use noraft;

    fn restart(
        id: noraft::NodeId,
        _generation: u64,
        term: noraft::Term,
        voted_for: Option<noraft::NodeId>,
        log: noraft::Log,
    ) -> noraft::Node {
        noraft::Node::restart(id, term, voted_for, log)
    }

    fn handle(node: &mut noraft::Node, msg: &noraft::Message) -> Result<(), String> {
        node.handle_message(msg).map_err(|e| e.to_string())
    }

    super::super::replica::replica!(V0_7);
}

/// noraft 0.5.0: votes compare log positions, but a candidate ignores its
/// own term's leader.
pub(super) mod v0_5 {
    use noraft_0_5 as noraft;

    fn restart(
        id: noraft::NodeId,
        generation: u64,
        term: noraft::Term,
        voted_for: Option<noraft::NodeId>,
        log: noraft::Log,
    ) -> noraft::Node {
        let generation = noraft::NodeGeneration::new(generation);
        noraft::Node::restart(id, generation, term, voted_for, log)
    }

    fn handle(node: &mut noraft::Node, msg: &noraft::Message) -> Result<(), String> {
        node.handle_message(msg);
        Ok(())
    }

    super::super::replica::replica!(V0_5);
}

/// noraft 0.4.0: votes compare log indexes only.
pub(super) mod v0_4 {
    use noraft_0_4 as noraft;

    fn restart(
        id: noraft::NodeId,
        generation: u64,
        term: noraft::Term,
        voted_for: Option<noraft::NodeId>,
        log: noraft::Log,
    ) -> noraft::Node {
        let generation = noraft::NodeGeneration::new(generation);
        noraft::Node::restart(id, generation, term, voted_for, log)
    }

    fn handle(node: &mut noraft::Node, msg: &noraft::Message) -> Result<(), String> {
        node.handle_message(msg);
        Ok(())
    }

    super::super::replica::replica!(V0_4);
}
