//! What a user's `cargo test` needs beyond the scenario's own
//! `run_seeds`: each bug switch of a model held to the budget its
//! description declares ("caught by MIX within N seeds", or "harmless"),
//! as the built-in catalog's are (`tests/bug_budgets.rs`).
//!
//! ```no_run
//! // In a user's crate: tests/bug_budgets.rs
//! # mod chain { pub use faultline::models::register::RegisterModel as ChainModel; }
//! #[test]
//! fn every_bug_switch_is_caught_within_its_budget() {
//!     faultline::testing::assert_bug_budgets(&chain::ChainModel);
//! }
//! ```

use sim::model::Model;

pub use sim::model::hunt::{check_hunts, fails, first_failure};

/// Holds every bug switch of `model` to its declared budget, and returns
/// each switch's name with its first failing seed (`None` for a harmless
/// one, which must not fail). Panics, naming the model and the switch,
/// when a switch breaks its declaration.
pub fn assert_bug_budgets(model: &dyn Model) -> Vec<(String, Option<u64>)> {
    check_hunts(model).unwrap_or_else(|e| panic!("{}: {e}", model.name()))
}

/// The storm limit `faultline explore` sets for sweeps of `model` under
/// `mix` with `--storm-factor factor`: `factor` times the busiest second
/// of its correct form on its first seeds (see `sim::scenario::budget`);
/// `None` for a factor of 0 or a host that counts no messages. A user's
/// test can hold its own scenario to it with `Scenario::budget`. Panics
/// when the model cannot run.
pub fn storm_limit(
    model: &dyn Model,
    mix: sim::Mix,
    factor: u64,
) -> Option<sim::scenario::budget::StormLimit> {
    sim::model::storm::learn(model, mix, None, factor)
        .unwrap_or_else(|e| panic!("{}: {e}", model.name()))
}
