//! `faultline explore MODEL --exhaustive`: every behaviour of a small
//! cluster up to a bound (see [`sim::scenario::exhaustive`]), rather than a
//! sweep of seeds. A violation is an ordinary artifact, with the shortest
//! steps that reach it; `replay` and `replay --html` take it, and it is
//! kept in the regression file like a seed's failure.

use crate::catalog::Catalog;
use crate::exit;
use sim::artifact::Artifact;
use sim::model::{Description, Model};
use sim::scenario::exhaustive::{Behaviour, Bounds, Outcome, Stopped};
use std::path::Path;
use std::time::{Duration, Instant};

/// `explore --exhaustive` and its bounds.
#[derive(Debug, clap::Args)]
pub struct ExhaustiveArgs {
    /// Search every behaviour of a small cluster up to a bound, breadth
    /// first, instead of sweeping seeds: which message arrives next, which
    /// timer fires, which client sends, and up to `--max-faults` lost or
    /// doubled messages and crashes. A violation's artifact holds the
    /// shortest steps to it. For models whose node is `Clone + Hash`
    /// (`faultline list` says which). `--seed` seeds the clients'
    /// operations and the nodes' random streams.
    #[arg(long, conflicts_with_all = ["guided", "shard", "out", "report", "until_covered", "until_failure", "seeds", "start"])]
    pub exhaustive: bool,
    /// Exhaustive: the most steps in a behaviour [default: 20].
    #[arg(long, requires = "exhaustive")]
    pub depth: Option<u32>,
    /// Exhaustive: the most unique states [default: 1000000].
    #[arg(long, requires = "exhaustive")]
    pub max_states: Option<u64>,
    /// Exhaustive: the most faults in a behaviour [default: 1].
    #[arg(long, requires = "exhaustive")]
    pub max_faults: Option<u32>,
    /// Exhaustive: how many clients [default: 2].
    #[arg(long, requires = "exhaustive")]
    pub clients: Option<usize>,
    /// Exhaustive: operations per client [default: 1].
    #[arg(long, requires = "exhaustive")]
    pub ops: Option<usize>,
    /// Exhaustive: stop after this many seconds of wall time, and report
    /// the depth every behaviour was judged to.
    #[arg(long, requires = "exhaustive", value_name = "SECONDS")]
    pub time_limit: Option<f64>,
}

/// What the rest of `explore`'s command line says to the search.
pub(crate) struct Asked<'a> {
    pub model: &'a str,
    pub bug: Option<&'a str>,
    pub seed: Option<u64>,
    pub json: bool,
    pub artifacts: std::path::PathBuf,
    pub regressions: Option<std::path::PathBuf>,
}

/// The bounds the flags ask for, over the defaults.
fn bounds(args: &ExhaustiveArgs, seed: Option<u64>) -> Bounds {
    let d = Bounds::default();
    Bounds {
        depth: args.depth.unwrap_or(d.depth),
        states: args.max_states.unwrap_or(d.states),
        faults: args.max_faults.unwrap_or(d.faults),
        clients: args.clients.unwrap_or(d.clients),
        ops: args.ops.unwrap_or(d.ops),
        seed: seed.unwrap_or(d.seed),
    }
}

/// Runs the search and reports it: exit 1 for a violation, 0 otherwise.
pub(crate) fn run(args: &ExhaustiveArgs, asked: &Asked<'_>, catalog: &Catalog<'_>) -> i32 {
    let me = crate::arg::program();
    let bad = |e: &dyn std::fmt::Display| {
        eprintln!("{me} explore: {e}");
        exit::BAD_INPUT
    };
    let model = match catalog.get(asked.model) {
        Ok(m) => m,
        Err(e) => return bad(&e),
    };
    let bounds = bounds(args, asked.seed);
    if bounds.clients > sim::artifact::MAX_EXHAUSTIVE_CLIENTS
        || bounds.ops > sim::artifact::MAX_EXHAUSTIVE_CLIENTS
    {
        let most = sim::artifact::MAX_EXHAUSTIVE_CLIENTS;
        return bad(&format!("--clients and --ops: at most {most} each"));
    }
    let description = model.describe();
    if !description.exhaustive {
        return bad(&sim::model::ModelError::NotExplorable(description.name));
    }
    if let Err(e) = description.check_bug(asked.bug) {
        return bad(&e);
    }
    crate::interrupt::catch();
    announce(asked.model, asked.bug, &bounds);
    let start = Instant::now();
    let limit = args.time_limit.map(Duration::from_secs_f64);
    let mut shown = 0;
    let mut progress = |p: &sim::scenario::exhaustive::Progress| {
        if limit.is_some_and(|l| start.elapsed() >= l) || crate::interrupt::interrupted() {
            return false;
        }
        if p.depth > shown {
            shown = p.depth;
            eprintln!(
                "{me} explore: every behaviour of {} steps: {} states",
                p.depth, p.states
            );
        }
        true
    };
    let outcome = match model.explore_exhaustive(asked.bug, bounds, &mut progress) {
        Ok(o) => o,
        Err(e) => return bad(&e),
    };
    let elapsed = start.elapsed();
    let artifact = match &outcome.violation {
        Some(violation) => {
            let behaviour = Behaviour {
                bounds,
                steps: violation.steps.clone(),
            };
            match keep(asked, model, &description, behaviour) {
                Ok(path) => Some(path),
                Err(e) => return bad(&e),
            }
        }
        None => None,
    };
    if asked.json {
        let json = serde_json::json!({ "outcome": outcome, "artifact": artifact });
        println!("{json}");
    } else {
        print!("{}", summary(&outcome, elapsed));
    }
    match artifact {
        Some(_) => exit::FAILURE_FOUND,
        None => exit::OK,
    }
}

fn announce(model: &str, bug: Option<&str>, b: &Bounds) {
    eprintln!(
        "{me} explore {model}: exhaustive, bug {}, to depth {}, at most {} states, {} fault(s), {} client(s) of {} operation(s), seed {}",
        bug.unwrap_or("none"),
        b.depth,
        b.states,
        b.faults,
        b.clients,
        b.ops,
        b.seed,
        me = crate::arg::program()
    );
}

/// The outcome in a few lines.
pub(crate) fn summary(o: &Outcome, elapsed: Duration) -> String {
    let rate = o.states as f64 / elapsed.as_secs_f64().max(1e-9);
    let mut text = match (&o.violation, o.stopped) {
        (Some(v), _) => format!(
            "violation after {} steps (no shorter behaviour breaks a check):\n{}\n",
            v.steps.len(),
            v.failure
        ),
        (None, Stopped::Exhausted) => format!(
            "no violation in any behaviour: every reachable state was expanded ({} steps deep)\n",
            o.covered
        ),
        (None, Stopped::Interrupted) => format!(
            "stopped early: no violation in any behaviour of up to {} steps\n",
            o.covered
        ),
        (None, _) => format!(
            "no violation in any behaviour of up to {} steps\n",
            o.covered
        ),
    };
    text += &format!(
        "{} unique states, {} steps taken, {:.1} s, {:.0} states/s; stopped: {}\n",
        o.states,
        o.transitions,
        elapsed.as_secs_f64(),
        rate,
        stopped_name(o.stopped)
    );
    let b = &o.bounds;
    text += &format!(
        "bounds: {} fault(s) per behaviour (lost or doubled messages, crashes), {} client(s) of {} operation(s), seed {}\n",
        b.faults, b.clients, b.ops, b.seed
    );
    let in_state = match (o.clock_in_state, o.random_in_state) {
        (false, false) => "nodes, disks, messages and timers in flight, the history",
        (true, false) => "all that, and the time (the model reads its clocks)",
        (false, true) => "all that, and the random streams (the model draws from them)",
        (true, true) => "all that, and the time and the random streams (the model reads both)",
    };
    text += &format!("a state is: {in_state}\n");
    if o.undecided > 0 {
        text += &format!(
            "{} history check(s) answered unknown: nothing is proved about those histories\n",
            o.undecided
        );
    }
    if !o.not_judged.is_empty() {
        text += &format!("not judged here: {}\n", o.not_judged.join(", "));
    }
    text
}

fn stopped_name(s: Stopped) -> &'static str {
    match s {
        Stopped::Exhausted => "every state expanded",
        Stopped::Depth => "depth bound",
        Stopped::States => "state bound",
        Stopped::Interrupted => "interrupted or out of time",
        Stopped::Violation => "violation",
    }
}

/// Writes the violation's artifact and keeps it in the regression file.
fn keep(
    asked: &Asked<'_>,
    model: &dyn Model,
    description: &Description,
    behaviour: Behaviour,
) -> Result<String, String> {
    let me = crate::arg::program();
    let run = model
        .replay_behaviour(asked.bug, &behaviour, false)
        .map_err(|e| e.to_string())?;
    let mut artifact = Artifact::of_run(description, asked.bug, sim::artifact::CUSTOM_FAULTS, &run)
        .ok_or("the violation did not happen again on replay: the model is not deterministic")?;
    artifact.exhaustive = Some(behaviour);
    let dir = &asked.artifacts;
    let stem = format!("{}-exhaustive-{}", asked.model, artifact.seed);
    let path = artifact.write_new(dir, &stem).map_err(|e| e.to_string())?;
    eprintln!("{me} explore: artifact {}", path.display());
    eprintln!("  replay: {me} replay {}", path.display());
    if let Some(file) = &asked.regressions {
        keep_regression(file, &artifact)?;
    }
    Ok(path.display().to_string())
}

fn keep_regression(file: &Path, artifact: &Artifact) -> Result<(), String> {
    let entry = sim::regression::Regression::of_artifact(artifact);
    if sim::regression::record(file, entry)? {
        eprintln!(
            "{me} explore: kept the violation in {}",
            file.display(),
            me = crate::arg::program()
        );
    }
    Ok(())
}
