//! Writes a generated transactional history as Jepsen EDN to standard
//! output: `cargo run --release -p check --example gen_txn -- TXNS
//! [CORRUPT_PERCENT] [SEED] [--rw-register] [--processes N]`. The shape is
//! the benchmark's (see `check::txn::generate::Shape::benchmark`):
//! list-append unless `--rw-register`, 10 processes unless `--processes`.

use check::rng::SimRng;
use check::txn::format;
use check::txn::generate::{history, Shape, Workload};

fn main() {
    let mut numbers = Vec::new();
    let mut shape = Shape::benchmark(0);
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rw-register" => shape.workload = Workload::RwRegister,
            "--processes" => {
                let n = args.next().and_then(|n| n.parse().ok());
                shape.processes = n.expect("--processes takes a number");
            }
            n => numbers.push(
                n.parse::<u64>()
                    .expect("TXNS [CORRUPT_PERCENT] [SEED] are numbers"),
            ),
        }
    }
    shape.txns = numbers.first().copied().unwrap_or(100_000) as usize;
    shape.corrupt_percent = numbers.get(1).copied().unwrap_or(0);
    let seed = numbers.get(2).copied().unwrap_or(1);
    let h = history(&mut SimRng::from_seed_and_label(seed, "txn-bench"), &shape);
    print!("{}", format::to_edn(&h));
}
