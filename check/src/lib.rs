//! `check`: faultline's checkers, standing alone. They judge a history of
//! client operations, whoever recorded it: faultline's simulator, a Jepsen
//! test, or a production log. Nothing here knows the engine; `sim`
//! depends on this crate and re-exports it at the same paths
//! (`sim::history`, `sim::linearizability`, …).
//!
//! # A history
//!
//! [`history::History`] is a list of events (invoke, ok, fail, info), each
//! with a process, an operation, and a time. Build one by hand, from a
//! Jepsen or Elle file ([`jepsen`], [`txn::format`]), or from a simulation.
//!
//! # The checkers
//!
//! - [`linearizability`]: is there an order of the operations, consistent
//!   with real time, that a sequential spec accepts? The WGL search with
//!   Porcupine's pruning, per-key partitioning, and budgets that answer
//!   *unknown* rather than guess. Specs are in [`spec`] (register, kv,
//!   counter, queue, set), or your own [`spec::SequentialSpec`].
//! - [`txn`]: transactional isolation as Elle checks it: list-append and
//!   rw-register histories, the dependency graph (ww, wr, rw, real time,
//!   process order), the anomalies (G0, G1a–c, G-single, G-nonadjacent,
//!   G2, internal, incompatible order …) and the weakest consistency model
//!   each rules out.
//! - [`staleness`]: read guarantees of lagging replicas: bounded
//!   staleness, read-your-writes, monotonic reads and writes,
//!   writes-follow-reads, consistent prefix.
//! - [`delivery`]: for queues: lost, duplicated, phantom and out-of-order
//!   messages.
//! - [`workload`]: Jepsen's workload checkers, as elle-cli offers them:
//!   bank, counter, set, set-full and long-fork.
//!
//! A checker never says valid wrongly: where it cannot decide within its
//! budget, or the history leaves a question open, it answers unknown.
//!
//! ```
//! use check::history::History;
//! use check::linearizability::check;
//! use check::spec::register::{Register, RegisterInput, RegisterOutput};
//!
//! // Process 0 writes 1 and is acknowledged; process 1 then reads nothing.
//! let mut h: History<RegisterInput, RegisterOutput> = History::default();
//! h.invoke(0, 0, RegisterInput::Write(1));
//! h.ok(0, 10, RegisterOutput::Written);
//! h.invoke(1, 20, RegisterInput::Read);
//! h.ok(1, 30, RegisterOutput::Read(None));
//! let verdict = check(&Register, &h).expect("a well-formed history");
//! assert!(!verdict.is_linearizable(), "{verdict}");
//! ```
//!
//! # The ground they stand on
//!
//! - [`time`]: virtual time in integer nanoseconds, and duration parsing.
//! - [`rng`]: ChaCha8 random streams split by label from one root seed
//!   (the history generators draw from them).
//! - [`ratio`]: probabilities as integer ratios.
//! - Internal to the crate's users: `fxhash`, a fixed hasher for probed
//!   tables (no per-process seed, so results replay).

pub mod delivery;
pub mod fxhash;
pub mod history;
pub mod input;
pub mod jepsen;
pub mod linearizability;
pub mod ratio;
pub mod rng;
pub mod spec;
pub mod staleness;
pub mod time;
pub mod txn;
pub mod workload;

pub use ratio::{Ratio, RatioError};
pub use rng::SimRng;
pub use time::{SimDuration, SimTime};
