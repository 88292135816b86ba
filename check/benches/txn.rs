//! The transactional checker's throughput: `cargo bench -p check --bench txn`.
//!
//! A valid list-append history of 100,000 transactions as Elle's benchmark
//! shapes it (10 concurrent processes, 10 active keys of 32 appends each,
//! up to 4 micro-operations), generated once from a fixed seed, and an
//! invalid one (5% of committed reads changed). `check` times the check of
//! a parsed history against serializability, building only the edges that
//! needs, as `check-txn --model serializable` does; `lattice` builds every
//! order and judges all twenty models at once; `parse+check` adds reading
//! the EDN text. Criterion prints transactions per second (`thrpt`).

// A benchmark measures wall time; it runs outside any simulation.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use check::rng::SimRng;
use check::txn::format;
use check::txn::generate::{history, Shape};
use check::txn::verdict::{Orders, Outcome};
use check::txn::{check, CheckOptions, ConsistencyModel, TxnHistory};
use criterion::{Criterion, Throughput};
use std::time::Duration;

const TXNS: usize = 100_000;

fn generated(corrupt_percent: u64) -> TxnHistory {
    let shape = Shape {
        corrupt_percent,
        ..Shape::benchmark(TXNS)
    };
    history(&mut SimRng::from_seed_and_label(1, "txn-bench"), &shape)
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(10)
        .measurement_time(Duration::from_secs(8))
        .configure_from_args();
    for (name, corrupt, valid) in [("valid", 0, true), ("invalid", 5, false)] {
        let h = generated(corrupt);
        let text = format::to_edn(&h);
        let serializable = CheckOptions {
            orders: Orders::for_model(ConsistencyModel::Serializable),
            ..CheckOptions::default()
        };
        let lattice = CheckOptions::default();
        for options in [serializable, lattice] {
            let outcome = check(&h, options).outcome;
            assert_eq!(outcome == Outcome::Valid, valid, "{name}: {outcome:?}");
        }
        let mut group = c.benchmark_group(format!("txn-{name}"));
        group.throughput(Throughput::Elements(TXNS as u64));
        group.bench_function("check", |b| b.iter(|| check(&h, serializable)));
        group.bench_function("lattice", |b| b.iter(|| check(&h, lattice)));
        group.bench_function("parse+check", |b| {
            b.iter(|| {
                let (_, parsed) = format::parse(&text).expect("generated history parses");
                check(&parsed, serializable)
            })
        });
        group.finish();
    }
    c.final_summary();
}
