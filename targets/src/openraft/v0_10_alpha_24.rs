//! openraft 0.10.0-alpha.24: its leader could commit an entry that no
//! quorum held (databendlabs/openraft issue 1802, fixed in alpha.25).

use faultline::models::kv::{KvReply, KvRequest, KvStore};
use futures_again as futures;
use openraft_0_10_alpha_24 as release;
use openraft_rt_0_10_alpha_24 as rt;
use openraft_rt_tokio_0_10_alpha_24 as rt_tokio;
use rand_core_0_10_again as rand_core;

release::declare_raft_types!(
    /// The cluster's types under this release.
    pub TypeConfig:
        D = KvRequest,
        R = KvReply,
        Node = (),
        LeaderId = release::impls::leader_id_std::LeaderId<u64, u64>,
        SnapshotData = KvStore,
        AsyncRuntime = runtime::MadsimRt,
);

/// The snapshot's type is the type config's here.
macro_rules! snapshot_data {
    () => {};
}
use snapshot_data;

/// The state machine makes the buffer a snapshot is received into.
macro_rules! snapshot_receiver {
    () => {
        async fn begin_receiving_snapshot(
            &mut self,
        ) -> Result<faultline::models::kv::KvStore, std::io::Error> {
            Ok(faultline::models::kv::KvStore::default())
        }
    };
}
use snapshot_receiver;

/// A snapshot's metadata, with the id this release still carries.
fn snapshot_meta(
    last_log_id: Option<release::type_config::alias::LogIdOf<TypeConfig>>,
    last_membership: release::type_config::alias::StoredMembershipOf<TypeConfig>,
) -> release::type_config::alias::SnapshotMetaOf<TypeConfig> {
    release::type_config::alias::SnapshotMetaOf::<TypeConfig> {
        snapshot_id: format!("{last_log_id:?}"),
        last_log_id,
        last_membership,
    }
}

/// A watch receiver of this release cannot mark what it reads as seen.
macro_rules! borrow_and_update {
    () => {};
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
