//! openraft 0.10.0-alpha.24: its leader could commit an entry that no
//! quorum held (databendlabs/openraft issue 1802, fixed in alpha.25).

use futures_again as futures;
use openraft_0_10_alpha_24 as release;
use openraft_rt_0_10_alpha_24 as rt;
use openraft_rt_tokio_0_10_alpha_24 as rt_tokio;
use rand_core_0_10_again as rand_core;

super::type_config!(SnapshotData = faultline::models::kv::KvStore,);

/// The snapshot's type is the type config's here.
macro_rules! snapshot_data {
    () => {};
}
use snapshot_data;

/// The state machine makes the buffer a snapshot is received into (up to
/// 0.10.0-alpha.29, which takes this from here).
macro_rules! snapshot_receiver {
    () => {
        async fn begin_receiving_snapshot(
            &mut self,
        ) -> Result<faultline::models::kv::KvStore, std::io::Error> {
            Ok(faultline::models::kv::KvStore::default())
        }
    };
}
pub(super) use snapshot_receiver;

/// A snapshot's metadata, with the id these releases still carry (up to
/// 0.10.0-alpha.29), as a function of the release and type config where it
/// is invoked.
macro_rules! snapshot_meta_with_id {
    () => {
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
    };
}
pub(super) use snapshot_meta_with_id;
snapshot_meta_with_id!();

/// A watch receiver of this release cannot mark what it reads as seen.
macro_rules! borrow_and_update {
    () => {};
}
use borrow_and_update;

super::adapter_modules!();
