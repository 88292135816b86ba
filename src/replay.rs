//! `faultline replay FILE [--timeline]`: rerun an artifact, check that the
//! trace hash is the artifact's, and print the trace. Also what `shrink`
//! shares with it: loading an artifact against a catalog, and rerunning it.

use crate::catalog::Catalog;
use crate::exit;
use sim::artifact::Artifact;
use sim::marks::Buggify;
use sim::model::{Description, Model, RunRequest, RunSummary};
use sim::plan::FaultPlan;
use sim::scenario::sweep::replay_artifact_command;
use sim::scenario::Trim;
use sim::trace::hash_hex;
use std::path::{Path, PathBuf};

/// `faultline replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// The artifact.
    pub file: PathBuf,
    /// Show the trace as one column per node.
    #[arg(long)]
    pub timeline: bool,
    /// Write a self-contained HTML report of the run here (a space-time
    /// diagram, the failure placed on it, the fault plan, and the
    /// counterexample) instead of printing the trace.
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
}

/// An artifact, checked against the model it names.
pub(crate) struct Loaded<'a> {
    /// The artifact.
    pub artifact: Artifact,
    /// Its model.
    pub model: &'a dyn Model,
    /// The model's description now.
    pub description: Description,
}

/// Loads `path` and checks it against its model in `catalog`: the model
/// exists, the bug switch is one of its, the plan fits its cluster. The
/// file is never modified.
pub(crate) fn load<'a>(catalog: &Catalog<'a>, path: &Path) -> Result<Loaded<'a>, String> {
    let artifact = Artifact::load(path).map_err(|e| e.to_string())?;
    let shown = path.display();
    let model = match catalog.get(&artifact.model) {
        Ok(m) => m,
        Err(e) => {
            return Err(match &artifact.test {
                Some(test) => format!(
                    "{shown}: written by the test `{test}`, whose scenario is not a model of this catalog; replay it with: {}",
                    replay_artifact_command(test, path)
                ),
                None => format!("{shown}: not a valid artifact: {e}"),
            })
        }
    };
    let description = model.describe();
    let invalid = |e: &dyn std::fmt::Display| format!("{shown}: not a valid artifact: {e}");
    description
        .check_bug(artifact.bug.as_deref())
        .map_err(|e| invalid(&e))?;
    artifact
        .plan
        // The run's end is the host's to check: the engine's liveness phase
        // would wait for a late fault; a madsim run stops at its end.
        .validate_for(description.config.nodes, description.checks.versions, None)
        .map_err(|e| invalid(&format!("plan: {e}")))?;
    let config = &description.config;
    artifact
        .trim
        .validate(config.clients, config.safety_for)
        .map_err(|e| invalid(&e))?;
    let checks = &description.checks;
    checks
        .check_sites(&description.name, &artifact.buggify_sites())
        .map_err(|e| invalid(&e))?;
    Ok(Loaded {
        artifact,
        model,
        description,
    })
}

impl Loaded<'_> {
    /// Reruns the artifact's seed under `plan`, with the fault points
    /// its artifact lists enabled.
    pub(crate) fn rerun(&self, plan: &FaultPlan, record: bool) -> Result<RunSummary, String> {
        self.rerun_with(
            plan,
            &self.artifact.buggify_sites(),
            self.artifact.trim,
            record,
        )
    }

    /// Reruns the artifact's seed under `plan` with exactly the fault
    /// points `buggify` allows.
    pub(crate) fn rerun_with(
        &self,
        plan: &FaultPlan,
        buggify: &Buggify,
        trim: Trim,
        record: bool,
    ) -> Result<RunSummary, String> {
        let artifact = &self.artifact;
        if let Some(behaviour) = &artifact.exhaustive {
            // The steps are the schedule: no plan, no fault points, no trim.
            return self
                .model
                .replay_behaviour(artifact.bug.as_deref(), behaviour, record)
                .map_err(|e| e.to_string());
        }
        let request = RunRequest {
            seed: self.artifact.seed,
            bug: self.artifact.bug.clone(),
            nemesis: self.artifact.faults.parse().unwrap_or_default(),
            plan: Some(plan.clone()),
            record,
            budget: Some(self.artifact.config.budget),
            buggify: Some(buggify.clone()),
            trim,
        };
        self.model.run(&request).map_err(|e| e.to_string())
    }
}

impl ReplayArgs {
    /// Reruns the artifact and prints the trace and the verdict.
    pub fn run(self, catalog: &Catalog<'_>) -> i32 {
        let bad = |e: &dyn std::fmt::Display| {
            eprintln!("{me} replay: {e}", me = crate::arg::program());
            exit::BAD_INPUT
        };
        let loaded = match load(catalog, &self.file) {
            Ok(l) => l,
            Err(e) => return bad(&e),
        };
        let artifact = &loaded.artifact;
        eprintln!(
            "{me} replay: model {} seed {} ({} faults)",
            artifact.model,
            artifact.seed,
            artifact.plan.len(),
            me = crate::arg::program()
        );
        // A sweep's storm limit is the sweep's, not the model's scenario.
        let mut written = artifact.config.clone();
        written.budget.storm = loaded.description.config.budget.storm;
        if written != loaded.description.config {
            eprintln!("{me} replay: warning: the model's scenario has changed since this artifact was written", me = crate::arg::program());
        }
        if let Some(e) = self
            .html
            .as_deref()
            .and_then(|o| sim::files::check_new(o).err())
        {
            return bad(&e);
        }
        let run = match loaded.rerun(&artifact.plan, true) {
            Ok(r) => r,
            Err(e) => return bad(&e),
        };
        match &self.html {
            Some(out) => {
                if let Err(e) = crate::report::write_page(out, &report(&loaded, &run)) {
                    return bad(&e);
                }
                eprintln!(
                    "{me} replay: report in {}",
                    out.display(),
                    me = crate::arg::program()
                );
            }
            None => print!(
                "{}",
                shown_trace(&run, self.timeline, loaded.description.config.nodes)
            ),
        }
        match &run.failure {
            Some(f) => println!("{f}"),
            None => println!("no failure this time"),
        }
        for h in &run.hot {
            let (safety, healed) = (
                sim::SimDuration(h.safety_ns),
                sim::SimDuration(h.liveness_ns),
            );
            println!("hot monitor {}: longest stretch {safety} in the safety phase, {healed} after the heal", h.name);
        }
        match verdict(artifact, &run) {
            Ok(code) => code,
            Err(e) => bad(&format!("{}: {e}", self.file.display())),
        }
    }
}

/// Whether the rerun is the artifact's run, printed: exit 0 when its hash
/// is the artifact's, 1 when it differs; an error when the hash matches but
/// a fault point the artifact lists never fired (see
/// [`sim::artifact::Artifact::unfired_sites`]).
fn verdict(artifact: &sim::artifact::Artifact, run: &RunSummary) -> Result<i32, String> {
    let hash = hash_hex(run.trace_hash);
    let what = match run.history.is_some() {
        true => "history hash",
        false => "trace hash",
    };
    if !artifact.hash_matches(run.trace_hash) {
        let theirs = &artifact.trace_hash;
        println!("{what} {hash}: DIFFERS from the artifact's {theirs}");
        return Ok(exit::FAILURE_FOUND);
    }
    println!("{what} {hash}: identical to the artifact");
    match artifact.unfired_sites(&run.buggified).first() {
        Some(site) => Err(format!(
            "buggify lists `{site}`, which never fired in the run it names: \
             not a fault point of model {}",
            artifact.model
        )),
        None => Ok(exit::OK),
    }
}

/// The HTML report of a replayed `run`.
pub(crate) fn report(loaded: &Loaded<'_>, run: &RunSummary) -> String {
    let nodes = loaded.description.config.nodes;
    crate::report::failure::run_report(&loaded.artifact, nodes, run)
}

/// The run as text: its trace, one line per event or one column per node;
/// a run with no trace (a madsim run recorded without one) shows its
/// client history.
fn shown_trace(run: &RunSummary, timeline: bool, nodes: usize) -> String {
    let (None, Some(history)) = (&run.trace, &run.history) else {
        return trace_text(run.trace.as_deref().unwrap_or_default(), timeline, nodes);
    };
    if timeline {
        eprintln!(
            "{me} replay: this run has no trace, so no timeline; showing its client history",
            me = crate::arg::program()
        );
    }
    history.clone()
}

/// A trace as text, noting where recording stopped.
fn trace_text(records: &[sim::trace::TraceRecord], timeline: bool, nodes: usize) -> String {
    let mut out = match timeline {
        true => sim::trace::timeline(records, nodes),
        false => records.iter().map(|r| format!("{r}\n")).collect(),
    };
    if sim::trace::is_cut(records) {
        out.push_str(&format!(
            "… recording stopped after {} events; the run went on, and its trace hash covers every event\n",
            records.len()
        ));
    }
    out
}
