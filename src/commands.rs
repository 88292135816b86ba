//! What `list`, `explore`, `replay` and `shrink` print, and their exit codes.

use crate::artifact;
use crate::catalog;
use crate::cli::{EXIT_BAD_INPUT, EXIT_FAILURE_FOUND, EXIT_OK};
use crate::explore::{self, ExploreRequest};
use sim::Nemesis;
use std::path::Path;

/// `faultline list`.
pub fn list() -> i32 {
    for m in catalog::models() {
        println!("{}: {}", m.name, m.about);
        println!("  host: {}", m.host.name());
        println!("  nodes: {}", m.nodes);
        let invariants = if m.invariants.is_empty() {
            "none checked during the run".to_string()
        } else {
            m.invariants.join(", ")
        };
        println!("  invariants: {invariants}");
        println!("  checks: {}", m.checks.join(", "));
        println!("  bug switches: {}", m.bugs.join(", "));
    }
    EXIT_OK
}

/// `faultline explore`.
#[allow(clippy::too_many_arguments)] // one per command-line flag
pub fn explore(
    model: &str,
    seeds: u64,
    seed: Option<u64>,
    start: u64,
    bug: Option<String>,
    faults: &str,
    jobs: Option<usize>,
    json: bool,
) -> i32 {
    let bad = |e: &dyn std::fmt::Display| {
        eprintln!("faultline explore: {e}");
        EXIT_BAD_INPUT
    };
    let info = match catalog::model(model) {
        Ok(i) => i,
        Err(e) => return bad(&e),
    };
    if let Err(e) = catalog::check_bug(info, bug.as_deref()) {
        return bad(&e);
    }
    let nemesis: Nemesis = match faults.parse() {
        Ok(n) => n,
        Err(e) => return bad(&e),
    };
    if seed.is_none() && seeds == 0 {
        return bad(&"--seeds must be at least 1");
    }
    let seed_list: Vec<u64> = match seed {
        Some(s) => vec![s],
        None => match start.checked_add(seeds) {
            Some(end) => (start..end).collect(),
            None => return bad(&format!("--start {start} plus --seeds {seeds} overflows")),
        },
    };
    let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if jobs == 0 {
        return bad(&"--jobs must be at least 1");
    }
    let (first, last) = (seed_list[0], seed_list[seed_list.len() - 1]);
    eprintln!(
        "faultline explore {model}: seeds {first}..={last} ({} runs), faults {faults}, bug {}, {jobs} jobs",
        seed_list.len(),
        bug.as_deref().unwrap_or("none")
    );
    let req = ExploreRequest {
        model: model.to_string(),
        bug,
        faults: faults.to_string(),
        seeds: seed_list,
        jobs,
    };
    let summary = match explore::explore(&req, &nemesis, Path::new(artifact::DIR)) {
        Ok(s) => s,
        Err(e) => return bad(&e),
    };
    if json {
        println!(
            "{}",
            serde_json::to_string(&summary).expect("a summary serialises")
        );
    } else {
        print!("{}", summary.render());
    }
    if summary.failed.is_empty() {
        EXIT_OK
    } else {
        EXIT_FAILURE_FOUND
    }
}

/// `faultline replay FILE [--timeline]`.
pub fn replay(file: &Path, timeline: bool) -> i32 {
    let (artifact, replayed) = match crate::replay::replay(file) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("faultline replay: {e}");
            return EXIT_BAD_INPUT;
        }
    };
    eprintln!(
        "faultline replay: model {} seed {} ({} faults)",
        artifact.model,
        artifact.seed,
        artifact.plan.len()
    );
    if artifact.config != catalog::scenario_config(&artifact.model) {
        eprintln!("faultline replay: warning: the model's scenario has changed since this artifact was written");
    }
    let records = replayed.run.trace.as_deref().unwrap_or_default();
    if let Some(history) = &replayed.run.history {
        // A madsim run: no engine trace; its history is what it shows, and
        // its hash is the history's.
        if timeline {
            eprintln!("faultline replay: a madsim run has no timeline; showing its client history");
        }
        print!("{history}");
    } else if timeline {
        let nodes = catalog::model(&artifact.model).map_or(1, |m| m.nodes);
        print!("{}", sim::trace::timeline(records, nodes));
    } else {
        for r in records {
            println!("{r}");
        }
    }
    let hash = sim::trace::hash_hex(replayed.run.trace_hash);
    let what = if replayed.run.history.is_some() {
        "history hash"
    } else {
        "trace hash"
    };
    match &replayed.run.failure {
        Some(f) => println!("{f}"),
        None => println!("no failure this time"),
    }
    if replayed.identical {
        println!("{what} {hash}: identical to the artifact");
        EXIT_OK
    } else {
        println!(
            "{what} {hash}: DIFFERS from the artifact's {}",
            artifact.trace_hash
        );
        EXIT_FAILURE_FOUND
    }
}

/// `faultline shrink FILE`.
pub fn shrink(file: &Path) -> i32 {
    match crate::replay::shrink(file) {
        Err(e) => {
            eprintln!("faultline shrink: {e}");
            EXIT_BAD_INPUT
        }
        Ok(None) => {
            eprintln!(
                "faultline shrink: {}: the failure does not reproduce, nothing to shrink",
                file.display()
            );
            EXIT_BAD_INPUT
        }
        Ok(Some((shrunk, path))) => {
            println!(
                "shrunk to {} faults: {}",
                shrunk.plan.len(),
                serde_json::to_string(&shrunk.plan).expect("serialises")
            );
            println!(
                "{}",
                shrunk
                    .failure
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
            );
            println!(
                "wrote {}\n  replay: faultline replay {}",
                path.display(),
                path.display()
            );
            EXIT_OK
        }
    }
}
