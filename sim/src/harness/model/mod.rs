//! Models described once: what a model is called, what it checks, its bug
//! switches and its scenario, in one place next to its code, from which the
//! command line (`faultline list`, `explore`, `replay`, `shrink`), the tests
//! and the docs all read.
//!
//! - [`bug`]: bug switches ([`BugSwitch`], declared with
//!   [`bug_switches!`](crate::bug_switches)) and how each is caught.
//! - [`describe`]: [`Model`], the catalog's view of any model, and its
//!   [`Description`].
//! - [`engine`]: [`EngineModel`], a sans-IO model's description; every one
//!   is a [`Model`].
//! - [`detail`]: [`RunDetail`](detail::RunDetail), a recorded run's
//!   operations as text, attempts and counterexample (for the HTML report).
//! - [`summary`]: [`RunSummary`], what one run produced, on any host.
//! - [`hunt`]: holding a model's bug switches to their declared hunts.

pub mod bug;
pub mod describe;
pub mod detail;
pub mod engine;
pub mod hunt;
pub mod releases;
pub mod storm;
pub mod summary;

pub use bug::{BugInfo, BugSwitch, Hunt, NoBugs};
pub use describe::{Description, Host, Model, ModelError, RunRequest};
pub use engine::{EngineModel, Exhaustive};
pub use summary::{op_stats, op_stats_served, OpStat, RunSummary};
