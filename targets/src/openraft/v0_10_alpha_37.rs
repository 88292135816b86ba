//! openraft 0.10.0-alpha.37, the newest release.

use futures;
use openraft as release;
use openraft_rt as rt;
use openraft_rt_tokio as rt_tokio;
use rand_core_0_10 as rand_core;

super::type_config!();

// The shims of this release; alpha.29 takes the first and the last.

/// Since 0.10.0-alpha.25 the snapshot's type belongs to the state
/// machine and the network, not to the type config.
macro_rules! snapshot_data {
    () => {
        type SnapshotData = faultline::models::kv::KvStore;
    };
}
pub(super) use snapshot_data;

/// This release receives snapshots whole: nothing to begin (since
/// 0.10.0-alpha.30).
macro_rules! snapshot_receiver {
    () => {};
}
pub(super) use snapshot_receiver;

/// A snapshot's metadata (no id since 0.10.0-alpha.30).
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
pub(super) use borrow_and_update;

super::adapter_modules!();
