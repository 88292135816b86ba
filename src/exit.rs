//! The process exit codes every command uses.
//!
//! clap's own usage errors also exit [`BAD_INPUT`].

/// Success: no failure found, a history linearizable, an artifact written.
pub const OK: i32 = 0;
/// A failure was found: a bug, a non-linearizable history, a replay whose
/// trace differs from its artifact's.
pub const FAILURE_FOUND: i32 = 1;
/// Bad input (a malformed file, an unknown model or bug, an impossible
/// setting), or a verdict the checker could not reach within its budget.
pub const BAD_INPUT: i32 = 2;
