//! raft-rs's clock: the application calls `tick` at a fixed interval, and
//! the library counts ticks. Its election timeout is drawn from
//! `thread_rng`, which cannot be seeded; the replica makes that draw a
//! constant (`min_election_tick .. min_election_tick + 1`) and puts the
//! randomness elsewhere, from the node's own stream: each incarnation draws
//! its election timeout in ticks, and each tick's interval is drawn anew.

/// The interval between ticks is drawn from this range, in milliseconds.
pub const TICK_MS: (u64, u64) = (8, 12);
/// Ticks of a heartbeat.
pub const HEARTBEAT_TICKS: usize = 2;
/// The base election timeout in ticks; an incarnation's is drawn from
/// `ELECTION_TICKS .. 2 * ELECTION_TICKS`.
pub const ELECTION_TICKS: usize = 10;
