//! Writes a generated list-append history as Jepsen EDN to standard output:
//! `cargo run --release -p check --example gen_txn -- TXNS [CORRUPT_PERCENT] [SEED]`.
//! The shape is the benchmark's (see `check::txn::generate::Shape::benchmark`).

use check::rng::SimRng;
use check::txn::format;
use check::txn::generate::{history, Shape};

fn main() {
    let args: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| {
            a.parse()
                .expect("arguments are numbers: TXNS [CORRUPT_PERCENT] [SEED]")
        })
        .collect();
    let txns = args.first().copied().unwrap_or(100_000) as usize;
    let shape = Shape {
        corrupt_percent: args.get(1).copied().unwrap_or(0),
        ..Shape::benchmark(txns)
    };
    let seed = args.get(2).copied().unwrap_or(1);
    let h = history(&mut SimRng::from_seed_and_label(seed, "txn-bench"), &shape);
    print!("{}", format::to_edn(&h));
}
