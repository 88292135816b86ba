//! The `faultline` binary: parses the command line and exits with its code.

use clap::Parser;

fn main() {
    let cli = faultline::cli::Cli::parse();
    std::process::exit(faultline::cli::run(cli));
}
