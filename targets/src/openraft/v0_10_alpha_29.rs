//! openraft 0.10.0-alpha.29: each node draws its election timeout once,
//! so nodes that time out together split every vote (fixed in alpha.30 by
//! databendlabs/openraft pull request 1838).

use futures_third as futures;
use openraft_0_10_alpha_29 as release;
use openraft_rt_0_10_alpha_29 as rt;
use openraft_rt_tokio_0_10_alpha_29 as rt_tokio;
use rand_core_0_10_third as rand_core;

super::type_config!();

// Its API is alpha.24's for snapshots it receives and their metadata, and
// the newest release's for the snapshot's type and the watch receiver.
use super::v0_10_alpha_24::{snapshot_meta_with_id, snapshot_receiver};
use super::v0_10_alpha_37::{borrow_and_update, snapshot_data};
snapshot_meta_with_id!();

super::adapter_modules!();
