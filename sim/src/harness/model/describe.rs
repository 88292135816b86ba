//! [`Model`]: a model as the command line and the tests see it, whatever
//! host runs it — its description, and a way to run one seed.

use super::bug::BugInfo;
use super::summary::RunSummary;
use crate::error::ConfigError;
use crate::nemesis::Nemesis;
use crate::plan::FaultPlan;
use crate::scenario::exhaustive::{Behaviour, Bounds, Outcome, Progress};
use crate::scenario::report::{Checks, ScenarioConfig};
use serde::{Deserialize, Serialize};

/// What runs a model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Host {
    /// faultline's own engine: a sans-IO model, a full trace, every check.
    Engine,
    /// madsim's runtime: async code (or a sans-IO model through `sim::host`);
    /// the client history is recorded and hashed, and there is no liveness phase.
    Madsim,
}

impl Host {
    /// Its name, as `list` shows it.
    pub fn name(self) -> &'static str {
        match self {
            Host::Engine => "engine",
            Host::Madsim => "madsim",
        }
    }
}

/// Everything `faultline list` says about a model; `list --json` prints it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description {
    /// The name on the command line.
    pub name: String,
    /// One line about it.
    pub summary: String,
    /// What runs it.
    pub host: Host,
    /// Its cluster, clients and phases.
    pub config: ScenarioConfig,
    /// What it checks, by name.
    pub checks: Checks,
    /// Its bug switches.
    pub bugs: Vec<BugInfo>,
    /// The fault kinds it never draws: a mix of only these runs no faults.
    #[serde(default)]
    pub untaken: Vec<crate::FaultKind>,
    /// Whether `explore --exhaustive` takes it (see
    /// [`crate::scenario::exhaustive`]).
    #[serde(default)]
    pub exhaustive: bool,
}

/// One run: a seed, a bug switch, and where the faults come from. The
/// default is seed 0, no bug, the `all` mix's nemesis, its own plan, no
/// recording, the model's budget.
#[derive(Clone, Debug, Default)]
pub struct RunRequest {
    /// The root seed.
    pub seed: u64,
    /// A bug switch by name, or none.
    pub bug: Option<String>,
    /// The generator of the seed's plan (its base link is the model's).
    pub nemesis: Nemesis,
    /// Run exactly this plan instead of the one the nemesis draws.
    pub plan: Option<FaultPlan>,
    /// Keep the trace's events (or a madsim run's history text).
    pub record: bool,
    /// Run under this budget instead of the model's (a replay runs under
    /// its artifact's, so that a runaway reproduces).
    pub budget: Option<crate::scenario::Budget>,
    /// The fault points that may fire, instead of the scenario's own
    /// ([`crate::marks::Buggify::Swarm`] unless it says otherwise): a replay
    /// enables exactly the sites its artifact lists. Hosts without fault
    /// points ignore it.
    pub buggify: Option<crate::marks::Buggify>,
    /// Cut the run down (a shrunk artifact's: see [`crate::scenario::trim`]).
    pub trim: crate::scenario::Trim,
}

/// Why a model cannot run a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// No such bug switch.
    #[error("model `{model}` has no bug switch `{bug}` (it has: {known})")]
    UnknownBug {
        /// The model.
        model: String,
        /// The switch asked for.
        bug: String,
        /// The switches it has.
        known: String,
    },
    /// The plan does not fit the model's cluster.
    #[error("plan: {0}")]
    BadPlan(#[from] ConfigError),
    /// The trim does not fit the model's scenario.
    #[error("{0}")]
    BadTrim(String),
    /// The fault points asked for are not all the model's.
    #[error("{0}")]
    UnknownFaultPoint(String),
    /// The plan's core liveness phase does not fit the model (see
    /// [`crate::core`]).
    #[error("{0}")]
    BadCore(String),
    /// The model's node cannot be copied and compared, so the exhaustive
    /// search cannot take it (see [`crate::Explorable`]).
    #[error("model `{0}` does not opt in to the exhaustive search (its node must be `Clone + Hash`, and its description must set `EXHAUSTIVE`)")]
    NotExplorable(String),
    /// An exhaustive behaviour's steps do not fit the model.
    #[error("exhaustive.steps: {0}")]
    BadBehaviour(String),
}

/// A model under test, as a catalog holds it. Engine models get this from
/// [`super::EngineModel`]; other hosts implement it directly.
pub trait Model: Sync {
    /// The name on the command line.
    fn name(&self) -> &'static str;
    /// Everything `faultline list` shows.
    fn describe(&self) -> Description;
    /// Runs one seed as `request` says.
    fn run(&self, request: &RunRequest) -> Result<RunSummary, ModelError>;

    /// Searches every behaviour of the model with `bug` on, within
    /// `bounds` (see [`crate::scenario::exhaustive`]); `progress` hears how
    /// far it got and stops it by returning false. The default: the model
    /// does not opt in.
    fn explore_exhaustive(
        &self,
        bug: Option<&str>,
        bounds: Bounds,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Result<Outcome, ModelError> {
        let _ = (bug, bounds, progress);
        Err(ModelError::NotExplorable(self.name().to_string()))
    }

    /// Replays a behaviour the exhaustive search found, with `bug` on,
    /// recording its trace if `record`. The default: the model does not
    /// opt in.
    fn replay_behaviour(
        &self,
        bug: Option<&str>,
        behaviour: &Behaviour,
        record: bool,
    ) -> Result<RunSummary, ModelError> {
        let _ = (bug, behaviour, record);
        Err(ModelError::NotExplorable(self.name().to_string()))
    }
}

impl Description {
    /// Checks a bug switch name against this model's.
    pub fn check_bug(&self, bug: Option<&str>) -> Result<(), ModelError> {
        match bug {
            Some(b) if !self.bugs.iter().any(|k| k.name == b) => Err(ModelError::UnknownBug {
                model: self.name.clone(),
                bug: b.to_string(),
                known: self.bug_names(),
            }),
            _ => Ok(()),
        }
    }

    /// The kinds of `mix` this model never draws (see
    /// [`Description::untaken`]); an error when it draws none of them, as
    /// every run would then have no faults.
    pub fn skipped_of(&self, mix: crate::Mix) -> Result<Vec<&'static str>, String> {
        let kinds = mix.info().kinds;
        let skipped: Vec<&'static str> = kinds
            .iter()
            .filter(|k| self.untaken.contains(k))
            .map(|k| k.name())
            .collect();
        if !kinds.is_empty() && skipped.len() == kinds.len() {
            return Err(format!(
                "--faults {mix}: {} takes none of its faults ({}), so every run would have none",
                self.name,
                skipped.join(", ")
            ));
        }
        Ok(skipped)
    }

    /// The bug switches' names, comma-separated ("none" when it has none).
    pub fn bug_names(&self) -> String {
        if self.bugs.is_empty() {
            return "none".into();
        }
        let names: Vec<&str> = self.bugs.iter().map(|b| b.name.as_str()).collect();
        names.join(", ")
    }
}
