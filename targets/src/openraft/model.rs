//! openraft as a model of the catalog, so `explore`, `replay` and `shrink`
//! run it as they run every other: a madsim run becomes a run summary whose
//! "trace hash" is the client history's hash.

use super::observer::PROPERTIES;
use super::{v0_10_alpha_24, v0_10_alpha_37};
use faultline::madsim_host::catalog::{bug_of, config, own_stream_kinds, run_config, summarize};
use faultline::madsim_host::run::{RunConfig, RunResult};
use faultline::sim::model::{
    BugInfo, Description, Host, Model, ModelError, RunRequest, RunSummary,
};
use faultline::sim::scenario::Checks;
use faultline::sim::spec::{kv::Kv, SequentialSpec};

/// Nodes in a cluster: five, as in the sequence of openraft issue 1802.
pub const NODES: usize = 5;

faultline::sim::bug_switches! {
    /// openraft's releases with known bugs; no switch runs the newest,
    /// 0.10.0-alpha.37.
    pub enum OpenraftVersion {
        /// openraft 0.10.0-alpha.24: the leader's progress list kept its
        /// voters above the commit point in order only when one crossed it,
        /// not when one already above advanced again, so the quorum scan
        /// could commit an entry that fewer than a quorum held (issue 1802,
        /// fixed in alpha.25 by pull request 1804).
        V0_10Alpha24 = "0.10.0-alpha.24", caught by All within 500,
    }
}

/// Runs `release` (the newest: `None`) under `config`.
pub fn run(config: &RunConfig, release: Option<OpenraftVersion>) -> RunResult {
    match release {
        None => v0_10_alpha_37::run::run(config),
        Some(OpenraftVersion::V0_10Alpha24) => v0_10_alpha_24::run::run(config),
    }
}

/// openraft on madsim, described once for the command line and the tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct OpenraftModel;

impl Model for OpenraftModel {
    fn name(&self) -> &'static str {
        "openraft"
    }

    fn describe(&self) -> Description {
        Description {
            name: self.name().to_string(),
            summary: "databendlabs/openraft 0.10.0-alpha.37 on madsim (the bug switches are \
                      older releases) replicating a key-value store"
                .into(),
            host: Host::Madsim,
            config: config(NODES),
            checks: Checks {
                invariants: PROPERTIES.iter().map(|p| p.to_string()).collect(),
                checks: vec![format!(
                    "linearizable ({} spec)",
                    <Kv as SequentialSpec>::NAME
                )],
                focus: Some("the leader of the newest term".into()),
                spec: Some(<Kv as SequentialSpec>::NAME.into()),
                probes: Vec::new(),
                fault_points: Vec::new(),
                versions: 1,
            },
            bugs: BugInfo::all::<OpenraftVersion>(),
            untaken: own_stream_kinds(),
        }
    }

    fn run(&self, request: &RunRequest) -> Result<RunSummary, ModelError> {
        let release = bug_of::<OpenraftVersion>(self.name(), request)?;
        let config = run_config(self.name(), request, NODES)?;
        let result = run(&config, release);
        Ok(summarize(config, result, request.record))
    }
}
