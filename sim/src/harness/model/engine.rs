//! [`EngineModel`]: a sans-IO model described once, next to its code. Every
//! `EngineModel` is a [`Model`], so a catalog (the built-in one, or a
//! user's, handed to `faultline::cli::main`) runs it with the whole
//! toolkit.

use super::bug::{BugInfo, BugSwitch};
use super::describe::{Description, Host, Model, ModelError, RunRequest};
use super::summary::RunSummary;
use crate::mix::Mix;
use crate::node::Node;
use crate::scenario::exhaustive::{Behaviour, Bounds, Outcome, Progress};
use crate::scenario::Scenario;
use crate::Explorable;

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

    /// The exhaustive search, for a model whose node is [`Explorable`]:
    /// `Some(Exhaustive::new())` opts in (see [`crate::scenario::exhaustive`]).
    /// `None`, the default, keeps the model out of it.
    const EXHAUSTIVE: Option<Exhaustive<Self>> = None;

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

/// A search of every behaviour of model `M`, within bounds.
type Search<M> =
    fn(&M, Option<<M as EngineModel>::Bug>, Bounds, &mut dyn FnMut(&Progress) -> bool) -> Outcome;
/// A replay of one behaviour of model `M` (recorded or not).
type Replay<M> =
    fn(&M, Option<<M as EngineModel>::Bug>, &Behaviour, bool) -> Result<RunSummary, String>;

/// What an [`EngineModel`] whose node is [`Explorable`] names as its
/// [`EngineModel::EXHAUSTIVE`]: its search and its replay, bound to its
/// node type, so that the catalog reaches them through [`Model`].
pub struct Exhaustive<M: EngineModel + ?Sized> {
    search: Search<M>,
    replay: Replay<M>,
}

impl<M: EngineModel> Exhaustive<M>
where
    M::Node: Explorable,
{
    /// The search and replay of model `M`.
    pub const fn new() -> Self {
        Exhaustive {
            search: |model, bug, bounds, progress| {
                model.scenario(bug).explore_exhaustive(bounds, progress)
            },
            replay: |model, bug, behaviour, record| {
                let report = model.scenario(bug).replay_steps(behaviour, record)?;
                Ok(RunSummary::of_report(
                    report,
                    |op| model.op_kind(op),
                    |reply| model.served_by(reply),
                ))
            },
        }
    }
}

impl<M: EngineModel> Default for Exhaustive<M>
where
    M::Node: Explorable,
{
    fn default() -> Self {
        Self::new()
    }
}

/// The bug switch named `name`, or the error that lists the model's.
fn bug_of<T: EngineModel>(name: Option<&str>) -> Result<Option<T::Bug>, ModelError> {
    let Some(name) = name else {
        return Ok(None);
    };
    T::Bug::from_name(name).map(Some).ok_or_else(|| {
        let known: Vec<&str> = T::Bug::ALL.iter().map(|b| b.name()).collect();
        ModelError::UnknownBug {
            model: T::NAME.to_string(),
            bug: name.to_string(),
            known: known.join(", "),
        }
    })
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
            exhaustive: T::EXHAUSTIVE.is_some(),
        }
    }

    fn run(&self, request: &RunRequest) -> Result<RunSummary, ModelError> {
        let bug = bug_of::<T>(request.bug.as_deref())?;
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

    fn explore_exhaustive(
        &self,
        bug: Option<&str>,
        bounds: Bounds,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Outcome, ModelError> {
        let bug = bug_of::<T>(bug)?;
        let exhaustive = T::EXHAUSTIVE.ok_or_else(|| ModelError::NotExplorable(T::NAME.into()))?;
        Ok((exhaustive.search)(self, bug, bounds, progress))
    }

    fn replay_behaviour(
        &self,
        bug: Option<&str>,
        behaviour: &Behaviour,
        record: bool,
    ) -> Result<RunSummary, ModelError> {
        let bug = bug_of::<T>(bug)?;
        let exhaustive = T::EXHAUSTIVE.ok_or_else(|| ModelError::NotExplorable(T::NAME.into()))?;
        (exhaustive.replay)(self, bug, behaviour, record).map_err(ModelError::BadBehaviour)
    }
}
