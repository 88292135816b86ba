//! How often a noraft replica's timer fires: noraft leaves both intervals
//! to its user (its `SetElectionTimeout` docs), asking only that a
//! leader's be shorter than its followers' and that the others be drawn at
//! random.

/// A leader's heartbeat interval, in milliseconds.
pub const HEARTBEAT_MS: u64 = 30;
/// The range an election timeout is drawn from, in milliseconds.
pub const ELECTION_MS: (u64, u64) = (150, 300);
