//! openraft 0.10.0-alpha.37, the newest release.

use faultline::models::kv::{KvReply, KvRequest};
use futures;
use openraft as release;
use openraft_rt as rt;
use openraft_rt_tokio as rt_tokio;
use rand_core_0_10 as rand_core;

release::declare_raft_types!(
    /// The cluster's types under this release.
    pub TypeConfig:
        D = KvRequest,
        R = KvReply,
        Node = (),
        LeaderId = release::impls::leader_id_std::LeaderId<u64, u64>,
        AsyncRuntime = runtime::MadsimRt,
);

/// Since 0.10.0-alpha.25 the snapshot's type belongs to the state
/// machine and the network, not to the type config.
macro_rules! snapshot_data {
    () => {
        type SnapshotData = faultline::models::kv::KvStore;
    };
}
use snapshot_data;

/// This release receives snapshots whole: nothing to begin.
macro_rules! snapshot_receiver {
    () => {};
}
use snapshot_receiver;

/// A snapshot's metadata (no id since 0.10).
fn snapshot_meta(
    last_log_id: Option<release::type_config::alias::LogIdOf<TypeConfig>>,
    last_membership: release::type_config::alias::StoredMembershipOf<TypeConfig>,
) -> release::type_config::alias::SnapshotMetaOf<TypeConfig> {
    release::type_config::alias::SnapshotMetaOf::<TypeConfig> {
        last_log_id,
        last_membership,
    }
}

/// Since 0.10.0-alpha.25 a watch receiver can mark what it reads as seen.
macro_rules! borrow_and_update {
    () => {
        fn borrow_and_update(&mut self) -> std::sync::RwLockReadGuard<'_, T> {
            self.seen = self.channel.state().version;
            self.channel.read()
        }
    };
}
use borrow_and_update;

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
