//! foca's configuration: its own LAN preset for five members
//! (`Config::new_lan`), which probes every second, gossips every 200 ms,
//! tells members it holds down that they are (`notify_down_members`) and,
//! in 2.0, announces itself to them periodically.

/// Members in the cluster.
pub const MEMBERS: usize = 5;
