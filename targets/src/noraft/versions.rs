//! The noraft releases, each a module that names its release `release`,
//! gives the two calls whose signatures changed, and expands
//! [`crate::noraft::replica::replica!`]. Releases before 0.7 take a generation at
//! restart (unique and increasing per node: the replica keeps a restart
//! count on disk) and return nothing from `handle_message`; 0.6 and later
//! return an error for a snapshot that conflicts with the leader's log.

/// noraft 0.7.1, the newest release.
pub(super) mod v0_7 {
    use noraft as release;

    fn restart(
        id: release::NodeId,
        _generation: u64,
        term: release::Term,
        voted_for: Option<release::NodeId>,
        log: release::Log,
    ) -> release::Node {
        release::Node::restart(id, term, voted_for, log)
    }

    fn handle(node: &mut release::Node, msg: &release::Message) -> Result<(), String> {
        node.handle_message(msg).map_err(|e| e.to_string())
    }

    crate::noraft::replica::replica!();
}

/// The calls of releases before 0.6: `restart` takes the generation, and
/// `handle_message` returns nothing.
macro_rules! before_0_6 {
    () => {
        fn restart(
            id: release::NodeId,
            generation: u64,
            term: release::Term,
            voted_for: Option<release::NodeId>,
            log: release::Log,
        ) -> release::Node {
            let generation = release::NodeGeneration::new(generation);
            release::Node::restart(id, generation, term, voted_for, log)
        }

        fn handle(node: &mut release::Node, msg: &release::Message) -> Result<(), String> {
            node.handle_message(msg);
            Ok(())
        }
    };
}

/// noraft 0.5.0: votes compare log positions, but a candidate ignores its
/// own term's leader.
pub(super) mod v0_5 {
    use noraft_0_5 as release;

    before_0_6!();
    crate::noraft::replica::replica!();
}

/// noraft 0.4.0: votes compare log indexes only.
pub(super) mod v0_4 {
    use noraft_0_4 as release;

    before_0_6!();
    crate::noraft::replica::replica!();
}
