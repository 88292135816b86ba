//! databendlabs/openraft, an async Raft, on madsim's deterministic runtime
//! (issue 33, under way).
//!
//! openraft takes its runtime as a type parameter ([`openraft_rt::AsyncRuntime`]):
//! spawning, sleeping, timeouts, an instant, channels, a mutex and its
//! random source. [`runtime::MadsimRt`] gives it madsim's, so that openraft
//! runs unmodified, from crates.io, on virtual time with seeded randomness.
//! It passes openraft's own runtime conformance suite
//! (`openraft_rt::testing::Suite`, `tests/openraft_runtime.rs`).
//!
//! Not built yet (see the issue): the log store that flushes at a
//! simulated sync, the network through the madsim host's message layer,
//! the key-value state machine, the released versions as bug switches.
//!
//! Everything here needs madsim's simulation mode (`--cfg madsim`, which
//! the repository's `.cargo/config.toml` sets): without it madsim is tokio,
//! on the wall clock, and nothing here would replay.

pub mod runtime;
