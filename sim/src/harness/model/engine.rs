//! [`EngineModel`]: a sans-IO model described once, next to its code. Every
//! `EngineModel` is a [`Model`], so a catalog (the built-in one, or a
//! user's, handed to `faultline::cli::main`) runs it with the whole
//! toolkit.

use super::bug::{BugInfo, BugSwitch};
use super::describe::{Description, Host, Model, ModelError, RunRequest};
use super::summary::RunSummary;
use crate::mix::Mix;
use crate::node::Node;
use crate::scenario::Scenario;

/// A model the engine runs, described once: its name, a line about it, its
/// bug switches (an enum declared with [`crate::bug_switches!`]) and its
/// scenario. Everything else `faultline list` shows — the cluster, the
/// invariants and checks, the spec, the focus — is read off the scenario.
pub trait EngineModel: Sync + 'static {
    /// The node.
    type Node: Node + 'static;
    /// The bug switches ([`super::NoBugs`] for none).
    type Bug: BugSwitch;
    /// The name on the command line.
    const NAME: &'static str;
    /// One line about it.
    const SUMMARY: &'static str;

    /// The scenario, with `bug` switched on (or none): cluster, clients,
    /// checks, and its default faults (a run replaces them).
    fn scenario(&self, bug: Option<Self::Bug>) -> Scenario<Self::Node>;

    /// The kind of a client operation, for latency per kind in summaries.
    fn op_kind(&self, op: &<Self::Node as Node>::Op) -> &'static str {
        let _ = op;
        "op"
    }

    /// Who served a completed operation, by its reply ("replica",
    /// "primary"), for models whose point is where work goes; `explore`
    /// counts them. `None` (the default) for the rest.
    fn served_by(&self, reply: &<Self::Node as Node>::Reply) -> Option<&'static str> {
        let _ = reply;
        None
    }

    /// The scenario with `bug` on, under `mix`, named for its artifacts (so
    /// that `faultline replay` can replay what a test's sweep finds).
    fn scenario_under(&self, bug: Option<Self::Bug>, mix: Mix) -> Scenario<Self::Node>
    where
        <Self::Node as Node>::Op: Clone,
        <Self::Node as Node>::Reply: Clone,
    {
        let bug_name = bug.map(BugSwitch::name);
        self.scenario(bug)
            .faults(mix.nemesis())
            .named(Self::NAME, bug_name, mix.name())
    }
}

impl<T: EngineModel> Model for T
where
    <T::Node as Node>::Op: Clone,
    <T::Node as Node>::Reply: Clone,
{
    fn name(&self) -> &'static str {
        T::NAME
    }

    fn describe(&self) -> Description {
        let scenario = self.scenario(None);
        Description {
            name: T::NAME.to_string(),
            summary: T::SUMMARY.to_string(),
            host: Host::Engine,
            config: scenario.describe(),
            checks: scenario.checks(),
            bugs: BugInfo::all::<T::Bug>(),
            untaken: scenario.untaken(),
        }
    }

    fn run(&self, request: &RunRequest) -> Result<RunSummary, ModelError> {
        let bug = match request.bug.as_deref() {
            None => None,
            Some(name) => Some(T::Bug::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = T::Bug::ALL.iter().map(|b| b.name()).collect();
                ModelError::UnknownBug {
                    model: T::NAME.to_string(),
                    bug: name.to_string(),
                    known: known.join(", "),
                }
            })?),
        };
        let mut scenario = self
            .scenario(bug)
            .faults(request.nemesis.clone())
            .record_trace(request.record);
        if let Some(budget) = request.budget {
            scenario = scenario.budget(budget);
        }
        let plan = match &request.plan {
            Some(plan) => plan.clone(),
            None => scenario.plan_for(request.seed),
        };
        let config = scenario.describe();
        plan.validate_for(
            config.nodes,
            scenario.newest_version(),
            Some(config.run_end()),
        )?;
        scenario.admits_core(&plan).map_err(ModelError::BadCore)?;
        let trim = request.trim;
        trim.validate(config.clients, config.safety_for)
            .map_err(ModelError::BadTrim)?;
        let buggify = request.buggify.as_ref().unwrap_or(scenario.fault_points());
        scenario
            .checks()
            .check_sites(T::NAME, buggify)
            .map_err(ModelError::UnknownFaultPoint)?;
        let report = scenario.run_with(request.seed, plan, buggify, trim);
        Ok(RunSummary::of_report(
            report,
            |op| self.op_kind(op),
            |reply| self.served_by(reply),
        ))
    }
}
