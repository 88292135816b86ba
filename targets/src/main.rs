//! The whole `faultline` command line for the real libraries: `list`,
//! `explore`, `replay`, `shrink` and the reports, for each of them.
//!
//! ```text
//! cargo run --release -- explore noraft --bug 0.4.0 --seeds 500
//! ```

fn main() {
    faultline::cli::main(faultline_targets::LIBRARIES)
}
