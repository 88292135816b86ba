//! The `faultline` binary: the command line over the built-in catalog.

fn main() {
    faultline::cli::main(&faultline::catalog::built_in())
}
