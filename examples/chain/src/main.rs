//! The whole `faultline` command line for this crate's protocol: `list`,
//! `explore`, `replay`, `shrink` (and the rest), with the same artifacts and
//! exit codes as the built-in catalog's.
//!
//! ```text
//! cargo run -p chain -- explore chain --bug skip-sync --faults crashes --seeds 200
//! ```

fn main() {
    faultline::cli::main(&[&chain::ChainModel])
}
