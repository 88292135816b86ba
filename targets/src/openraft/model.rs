//! openraft as a model of the catalog, so `explore`, `replay` and `shrink`
//! run it as they run every other: a madsim run becomes a run summary whose
//! "trace hash" is the client history's hash.

use super::observer::PROPERTIES;
use super::{v0_10_alpha_24, v0_10_alpha_29, v0_10_alpha_37, Settings};
use faultline::madsim_host::catalog::{bug_of, config, own_stream_kinds, run_config, summarize};
use faultline::madsim_host::run::{RunConfig, RunResult};
use faultline::sim::model::{
    BugInfo, BugSwitch, Description, Host, Model, ModelError, RunRequest, RunSummary,
};
use faultline::sim::scenario::{Checks, ScenarioConfig};
use faultline::sim::spec::{kv::Kv, SequentialSpec};

/// Nodes in a cluster: five, as in the sequence of openraft issue 1802.
pub const NODES: usize = 5;

/// Clients per run: six, twice the madsim host's default, so that writes
/// overlap and a leader has several entries in flight at once.
pub const CLIENTS: u64 = 6;

faultline::sim::bug_switches! {
    /// openraft's releases with known bugs, and the newest,
    /// 0.10.0-alpha.37, with openraft's default leader restore (which the
    /// model otherwise turns off).
    pub enum OpenraftVersion {
        /// openraft 0.10.0-alpha.24: the leader's progress list kept its
        /// voters above the commit point in order only when one crossed it,
        /// not when one already above advanced again, so the quorum scan
        /// could commit an entry that fewer than a quorum held (issue 1802,
        /// fixed in alpha.25 by pull request 1804).
        V0_10Alpha24 = "0.10.0-alpha.24", caught by All within 500,
        /// openraft 0.10.0-alpha.29: each node drew its election timeout
        /// once, when its `Raft` was built, and kept it for every campaign.
        /// Nodes whose timeouts fall within the same election tick campaign
        /// together after every split vote, term after term, and no leader
        /// is elected (fixed in alpha.30 by pull request 1838, which draws a
        /// fresh timeout per campaign). A liveness bug: the liveness phase
        /// finds it.
        V0_10Alpha29 = "0.10.0-alpha.29", caught by All within 500,
        /// The newest release with openraft's default `enable_leader_restore`
        /// (on), which this model turns off: a leader restarted after losing
        /// its unsynced log tail resumes in the same term without an
        /// election, writes new entries at the indexes its followers already
        /// hold with the same term, and the followers keep theirs, so state
        /// machines diverge (a finding: `targets/FINDINGS.md`).
        LeaderRestore = "leader-restore", caught by All within 100,
    }
}

/// Runs `release` (the newest: `None`) under `config`: in this process,
/// or, for a release that cannot replay in a process that ran others, in a
/// child process ([`super::isolated`]).
pub fn run(config: &RunConfig, release: Option<OpenraftVersion>) -> RunResult {
    match release {
        Some(r @ (OpenraftVersion::V0_10Alpha24 | OpenraftVersion::V0_10Alpha29)) => {
            super::isolated::run_in_child(config, r.name())
        }
        _ => run_here(config, release),
    }
}

/// In a child process that the parent started for one run
/// ([`super::isolated`]): runs it, writes its outcome and exits. Elsewhere:
/// returns at once. The binary's `main` calls this first.
pub fn serve_if_child() {
    super::isolated::serve_if_child(|config, name| {
        let release = OpenraftVersion::from_name(name).expect("the parent names a known release");
        run_here(config, Some(release))
    });
}

/// Runs `release` under `config` in this process.
pub(super) fn run_here(config: &RunConfig, release: Option<OpenraftVersion>) -> RunResult {
    let settings = Settings::default();
    match release {
        None => v0_10_alpha_37::run::run(config, settings),
        Some(OpenraftVersion::V0_10Alpha24) => v0_10_alpha_24::run::run(config, settings),
        Some(OpenraftVersion::V0_10Alpha29) => v0_10_alpha_29::run::run(config, settings),
        Some(OpenraftVersion::LeaderRestore) => {
            let settings = Settings {
                leader_restore: true,
            };
            v0_10_alpha_37::run::run(config, settings)
        }
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
            summary: "databendlabs/openraft 0.10.0-alpha.37 on madsim replicating a key-value \
                      store (the bug switches: an older release, and openraft's default leader \
                      restore)"
                .into(),
            host: Host::Madsim,
            config: ScenarioConfig {
                clients: CLIENTS as usize,
                ..config(NODES)
            },
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
                core: None,
            },
            bugs: BugInfo::all::<OpenraftVersion>(),
            untaken: own_stream_kinds(),
            exhaustive: false,
        }
    }

    fn run(&self, request: &RunRequest) -> Result<RunSummary, ModelError> {
        let release = bug_of::<OpenraftVersion>(self.name(), request)?;
        let mut config = run_config(self.name(), request, NODES)?;
        config.clients = CLIENTS;
        let result = run(&config, release);
        Ok(summarize(config, result, request.record))
    }
}
