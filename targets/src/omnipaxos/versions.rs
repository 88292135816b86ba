//! The omnipaxos releases, each a module that names its release `release`
//! and expands [`crate::omnipaxos::store::storage!`] and
//! [`crate::omnipaxos::replica::replica!`]. Every 0.2 release is
//! semver-compatible with the newest, so each older one is linked through
//! another name of the crates.io index (`targets/.cargo/config.toml`).

/// omnipaxos 0.2.4, the newest release.
pub(super) mod v0_2_4 {
    use omnipaxos as release;

    crate::omnipaxos::store::storage!();
    crate::omnipaxos::replica::replica!();
}

/// omnipaxos 0.2.3: a follower takes the decided index of an `AcceptSync`
/// as it comes, even below its own.
pub(super) mod v0_2_3 {
    use omnipaxos_0_2_3 as release;

    crate::omnipaxos::store::storage!();
    crate::omnipaxos::replica::replica!();
}
