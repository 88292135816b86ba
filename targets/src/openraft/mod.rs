//! databendlabs/openraft, an async Raft, on madsim's deterministic runtime:
//! five nodes replicating a key-value store, at the newest release and at
//! each older release whose fix a fault can reach.
//!
//! openraft runs unmodified from crates.io. The adapter gives it:
//! - `runtime`: madsim's runtime through openraft's runtime trait (tasks,
//!   virtual time, the seeded random source). It passes openraft's own
//!   runtime conformance suite (`tests/openraft_runtime.rs`).
//! - `disk`: a log store that fires openraft's flush callback only at a
//!   simulated sync; a crash loses what was not synced.
//! - `network`: calls and answers through the madsim host's message
//!   layer, so every network fault of a plan reaches it.
//! - `machine`: the key-value store as openraft's state machine; reads are
//!   linearizable through openraft's read index (`node`).
//! - [`observer`]: election and state-machine safety, judged from outside.
//!
//! Each release is a module that names its crates (`release`, `rt`,
//! `rt_tokio`), declares its type config, and says how its API differs
//! (where the snapshot's type lives, and what a snapshot's metadata holds);
//! the adapter's files are shared by every release.
//!
//! Everything here needs madsim's simulation mode (`--cfg madsim`, which
//! the repository's `.cargo/config.toml` sets): without it madsim is tokio,
//! on the wall clock, and nothing here would replay.

mod isolated;
mod model;
pub mod observer;

/// madsim's clock, for the run's epoch: virtual under `--cfg madsim`, where
/// madsim intercepts the process clock (this module is built only then).
#[allow(clippy::disallowed_types)]
pub type Clock = madsim::time::Instant;

pub use model::{run, serve_if_child, OpenraftModel, OpenraftVersion, CLIENTS, NODES};

/// How openraft is set up in a run, beyond its defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Let a restarted leader resume its leadership without an election
    /// (openraft's `enable_leader_restore`, on by default in openraft).
    /// Off here, as standard Raft has it: on, a leader that lost its
    /// unsynced log tail in a crash resumes in the same term and reuses the
    /// indexes its followers already hold, and the state machines diverge
    /// (`targets/FINDINGS.md`; the `leader-restore` switch runs it on).
    pub leader_restore: bool,
}

/// The cluster's type config in a release's module (which names the
/// release's crate `release`), with what that release's config adds.
macro_rules! type_config {
    ($($extra:tt)*) => {
        release::declare_raft_types!(
            /// The cluster's types under this release.
            pub TypeConfig:
                D = faultline::models::kv::KvRequest,
                R = faultline::models::kv::KvReply,
                Node = (),
                LeaderId = release::impls::leader_id_std::LeaderId<u64, u64>,
                $($extra)*
                AsyncRuntime = runtime::MadsimRt,
        );
    };
}
use type_config;

/// The adapter's files, compiled once in each release's module against
/// that release's types (each names its crates and its type config, and
/// invokes this).
macro_rules! adapter_modules {
    () => {
        #[path = "disk.rs"]
        mod disk;
        #[path = "machine.rs"]
        mod machine;
        #[path = "network.rs"]
        mod network;
        #[path = "node.rs"]
        mod node;
        #[path = "run.rs"]
        pub mod run;
        #[path = "runtime.rs"]
        pub mod runtime;
        #[path = "watch.rs"]
        mod watch;
    };
}
use adapter_modules;

/// openraft 0.10.0-alpha.24, whose leader could commit without a quorum.
pub mod v0_10_alpha_24;
/// openraft 0.10.0-alpha.29, whose nodes draw their election timeouts once.
pub mod v0_10_alpha_29;
/// openraft 0.10.0-alpha.37, the newest release.
pub mod v0_10_alpha_37;
