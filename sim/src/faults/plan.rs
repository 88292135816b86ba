//! Fault plans: timed lists of faults and heals, as serde values.
//!
//! A plan is what a run's faults *are*: the nemesis generates one per seed, a user
//! can write one by hand, proptest shrinks one, and an artifact stores one so a
//! failure can be replayed. [`FaultPlan::schedule`] puts every fault into a
//! simulation's queue at its time; [`FaultPlan::heal_all`] is the list of faults
//! that undoes every kind of fault, which the liveness phase applies.

use crate::core::CoreLiveness;
use crate::disk::DiskFault;
use crate::engine::Simulation;
use crate::error::ConfigError;
use crate::fault::Fault;
use crate::node::Node;
use crate::node_id::NodeId;
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// One fault at one time.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedFault {
    /// When it takes effect.
    pub at: SimTime,
    /// What happens.
    pub fault: Fault,
    /// When set, the fault hits the simulation's *focus* (the leader, the
    /// primary: see [`Simulation::set_focus`]) instead of the node it names.
    /// The focus is resolved when the episode's first fault fires, and every
    /// fault of the episode (say, a crash and its restart) hits that node.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus_episode: Option<u32>,
}

/// A timed list of faults, sorted by time (ties keep their order).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultPlan {
    /// The faults, in time order.
    pub faults: Vec<TimedFault>,
    /// In the core liveness mode: the core the liveness phase heals, and
    /// the faults it keeps on the rest (see [`crate::core`]). None: the
    /// liveness phase heals everything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub core: Option<CoreLiveness>,
}

impl FaultPlan {
    /// An empty plan.
    pub fn new() -> FaultPlan {
        FaultPlan::default()
    }

    /// This plan with `faults` in place of its own, and its core liveness
    /// phase kept: what a shrink or mutation step tries.
    pub fn with_faults(&self, faults: Vec<TimedFault>) -> FaultPlan {
        FaultPlan {
            faults,
            core: self.core.clone(),
        }
    }

    /// Adds a fault, keeping the plan sorted (stable for equal times).
    pub fn push(&mut self, at: SimTime, fault: Fault) {
        self.insert(TimedFault {
            at,
            fault,
            focus_episode: None,
        });
    }

    /// Adds a fault aimed at the focus, as part of episode `episode` (see
    /// [`TimedFault::focus_episode`]).
    pub fn push_focused(&mut self, at: SimTime, fault: Fault, episode: u32) {
        self.insert(TimedFault {
            at,
            fault,
            focus_episode: Some(episode),
        });
    }

    fn insert(&mut self, timed: TimedFault) {
        let i = self.faults.partition_point(|f| f.at <= timed.at);
        self.faults.insert(i, timed);
    }

    /// How many faults the plan holds.
    pub fn len(&self) -> usize {
        self.faults.len()
    }

    /// True when the plan holds no fault.
    pub fn is_empty(&self) -> bool {
        self.faults.is_empty()
    }

    /// The time of the last fault, or zero.
    pub fn end(&self) -> SimTime {
        self.faults.last().map_or(SimTime::ZERO, |f| f.at)
    }

    /// Checks every fault against a cluster of `nodes` and the order of times.
    /// Errors name the fault by index, e.g. `faults[3].node`.
    pub fn validate(&self, nodes: usize) -> Result<(), ConfigError> {
        for (i, f) in self.faults.iter().enumerate() {
            f.fault.validate(nodes, &format!("faults[{i}]"))?;
            if i > 0 && f.at < self.faults[i - 1].at {
                return Err(ConfigError::OutOfOrder {
                    field: format!("faults[{i}].at"),
                    at_nanos: f.at.0,
                    previous_field: format!("faults[{}].at", i - 1),
                    previous_nanos: self.faults[i - 1].at.0,
                });
            }
        }
        match &self.core {
            Some(core) => core.validate(nodes, "core"),
            None => Ok(()),
        }
    }

    /// [`FaultPlan::validate`], every upgrade names a version from 1 to
    /// `newest` (see [`crate::versions`]), and no fault comes after `end`,
    /// when given: the run's end (its safety and liveness phases: see
    /// [`crate::scenario::ScenarioConfig::run_end`]), where the run would
    /// otherwise wait for such a fault, recording, long after anything it
    /// checks is over.
    pub fn validate_for(
        &self,
        nodes: usize,
        newest: u32,
        end: Option<SimTime>,
    ) -> Result<(), ConfigError> {
        self.validate(nodes)?;
        for (i, f) in self.faults.iter().enumerate() {
            crate::versions::check_version(&f.fault, newest, &format!("faults[{i}].fault"))?;
            if let Some(end) = end.filter(|&end| f.at > end) {
                return Err(ConfigError::OutOfRange {
                    field: format!("faults[{i}].at"),
                    reason: format!(
                        "{} is after the run's end, {} (its safety and liveness phases)",
                        f.at, end
                    ),
                });
            }
        }
        Ok(())
    }

    /// Validates the plan, then schedules every fault into `sim`.
    pub fn schedule<N: Node>(&self, sim: &mut Simulation<N>) -> Result<(), ConfigError> {
        self.validate(sim.node_count())?;
        for f in &self.faults {
            match f.focus_episode {
                None => sim.schedule(f.at, f.fault.clone())?,
                Some(episode) => sim.schedule_focused(f.at, f.fault.clone(), episode)?,
            }
        }
        Ok(())
    }

    /// The faults that undo every fault kind in a cluster of `nodes`: heal
    /// partitions, reset links, unclog every link, resume and restart every node,
    /// reset every clock, and give every disk space and fast syncs again. Each
    /// is a no-op where there is nothing to undo.
    pub fn heal_all(nodes: usize) -> Vec<Fault> {
        let ids = || (0..nodes).map(NodeId::from);
        let mut heals = vec![Fault::Heal, Fault::ResetLinks];
        for from in ids() {
            for to in ids() {
                if from != to {
                    heals.push(Fault::Unclog { from, to });
                }
            }
        }
        heals.extend(ids().map(|node| Fault::Resume { node }));
        heals.extend(ids().map(|node| Fault::Restart { node }));
        heals.extend(ids().map(|node| Fault::Join { node }));
        heals.push(Fault::EndSurge);
        for fault in [DiskFault::Space, DiskFault::Fast] {
            heals.extend(ids().map(|node| Fault::Disk { node, fault }));
        }
        heals.extend(ids().map(|node| Fault::SetClock {
            node,
            offset_ns: 0,
            drift_ppm: 0,
        }));
        heals
    }
}
