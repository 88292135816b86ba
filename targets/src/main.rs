//! The whole `faultline` command line for the real libraries: `list`,
//! `explore`, `replay`, `shrink` and the reports, for each of them.
//!
//! ```text
//! cargo run --release -- explore noraft --bug 0.4.0 --seeds 500
//! ```

fn main() {
    // A child run of a release that needs a process of its own.
    #[cfg(madsim)]
    faultline_targets::openraft::serve_if_child();
    faultline::cli::main(faultline_targets::LIBRARIES)
}
