//! The command line's integration tests, one binary with a module per
//! subject (`cargo test --test cli MODULE::`): each module was a binary of
//! its own, and each linked the whole command line. The engine's own tests
//! are in `sim/tests`, the checkers' in `check/`, the models' in `models/tests`.

mod browser;
mod bug_budgets;
mod check_history;
mod check_txn;
mod common;
mod core_liveness;
mod counter_example;
mod deploy;
mod determinism;
mod docs;
mod elle_histories;
mod exhaustive;
mod explore_cli;
mod explore_stops;
mod files;
mod guided;
mod hostile;
mod hostile_fuzz;
mod interrupt;
mod madsim_cli;
mod probes;
mod public_histories;
mod readme_histories;
mod record_checks;
mod register_scenario;
mod regressions;
mod runaway;
mod shards;
mod shrink_figure8;
mod slurm;
mod storm;
mod tidy;
mod upgrades;
