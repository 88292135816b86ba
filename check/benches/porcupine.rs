//! The checker on Porcupine's own kv histories, in process, with criterion:
//! `cargo bench -p check --bench porcupine`. `scripts/porcupine-compare.sh`
//! runs it beside Porcupine's `go test -bench Kv` in one run and prints the
//! table the README quotes.
//!
//! The histories are read from `$PORCUPINE_KV`, or else from
//! `../shared/anchors/porcupine/upstream/test_data/kv` beside the workspace
//! (they are Porcupine's files, not copied into this project). For each
//! file: `check` times what Porcupine's benchmark times (the check of a
//! parsed history: pairing, partitioning, the search, the counterexample);
//! `parse+check` adds reading the EDN text. `c10` is also checked as one
//! object (`no-partition`), as Porcupine's `KvNoPartition10Clients*`.

// A benchmark measures wall time; it runs outside any simulation.
#![allow(clippy::disallowed_types, clippy::disallowed_methods)]

use check::history::History;
use check::jepsen;
use check::linearizability::{check_owned, Budget, Verdict};
use check::spec::kv::{Kv, KvInput, KvOutput};
use check::spec::one_object::OneObject;
use check::spec::SequentialSpec;
use criterion::{BatchSize, Criterion};
use std::path::PathBuf;
use std::time::Duration;

const FILES: [(&str, bool); 6] = [
    ("c01-ok", true),
    ("c01-bad", false),
    ("c10-ok", true),
    ("c10-bad", false),
    ("c50-ok", true),
    ("c50-bad", false),
];

fn data_dir() -> PathBuf {
    match std::env::var_os("PORCUPINE_KV") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/anchors/porcupine/upstream/test_data/kv"),
    }
}

fn history(text: &str) -> History<KvInput, KvOutput> {
    let (format, events) = jepsen::parse(text).expect("Porcupine's file parses");
    jepsen::kv_history(&events, format).expect("it pairs up")
}

fn verdict<S>(spec: &S, h: History<KvInput, KvOutput>) -> bool
where
    S: SequentialSpec<Input = KvInput, Output = KvOutput>,
{
    match check_owned(spec, h, Budget::default()).expect("paired") {
        Verdict::Linearizable => true,
        Verdict::NotLinearizable(_) => false,
        Verdict::Unknown { exhausted } => panic!("unknown: {exhausted}"),
    }
}

fn main() {
    let dir = data_dir();
    if !dir.is_dir() {
        eprintln!(
            "no Porcupine histories at {} (set PORCUPINE_KV)",
            dir.display()
        );
        return;
    }
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for (name, ok) in FILES {
        let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
        let h = history(&text);
        assert_eq!(verdict(&Kv, h.clone()), ok, "{name}: Porcupine's verdict");
        c.bench_function(&format!("check/{name}"), |b| {
            b.iter_batched(|| h.clone(), |h| verdict(&Kv, h), BatchSize::SmallInput)
        });
        c.bench_function(&format!("parse+check/{name}"), |b| {
            b.iter(|| verdict(&Kv, history(&text)))
        });
    }
    let mut slow = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    for (name, ok) in [("c10-ok", true), ("c10-bad", false)] {
        let text = std::fs::read_to_string(dir.join(format!("{name}.txt"))).unwrap();
        let h = history(&text);
        assert_eq!(
            verdict(&OneObject(Kv), h.clone()),
            ok,
            "{name} as one object"
        );
        slow.bench_function(&format!("no-partition/{name}"), |b| {
            b.iter_batched(
                || h.clone(),
                |h| verdict(&OneObject(Kv), h),
                BatchSize::SmallInput,
            )
        });
    }
    c.final_summary();
}
