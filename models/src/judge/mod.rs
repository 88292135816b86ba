//! Judges that hold a library to what its protocol promises, read from
//! outside the library: each asks a node only what the protocol defines.

pub mod membership;
pub mod raft;
