//! Hot monitors: a condition that must not stay true for longer than a
//! bound, as P and Coyote state liveness ("this monitor must not stay hot
//! too long"), beside the "eventually" checks judged once after the heal.
//!
//! A hot monitor is watched after every event of both phases. How long it
//! stayed hot at a stretch is measured in each, and reported per run
//! ([`super::RunReport::hot`]) and per sweep. Only the liveness phase
//! judges it: faults in the safety phase may keep anything hot for as long
//! as they last. After the heal, a stretch longer than the bound fails the
//! run as a liveness failure. The stretch counts from the heal at the
//! earliest.

use crate::engine::Simulation;
use crate::node::Node;
use crate::time::{SimDuration, SimTime};

/// The condition a hot monitor watches.
pub(super) type HotCondition<N> = Box<dyn Fn(&Simulation<N>) -> bool>;

/// A hot monitor, as the scenario declares it.
pub(super) struct HotMonitor<N: Node> {
    pub(super) name: &'static str,
    pub(super) limit: SimDuration,
    pub(super) hot: HotCondition<N>,
}

/// The longest stretch one hot monitor stayed hot in a run, per phase.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HotStretch {
    /// The monitor.
    pub name: &'static str,
    /// The longest stretch in the safety phase, in nanoseconds.
    pub safety_ns: u64,
    /// The longest stretch after the heal, in nanoseconds.
    pub liveness_ns: u64,
}

/// One run's watch over the scenario's hot monitors.
pub(super) struct HotWatch {
    /// Per monitor: since when it is hot, if it is.
    since: Vec<Option<SimTime>>,
    stretches: Vec<HotStretch>,
    /// When the liveness phase began, once it has.
    healed_at: Option<SimTime>,
}

impl HotWatch {
    /// A watch over `monitors`, none of them hot yet.
    pub(super) fn new<N: Node>(monitors: &[HotMonitor<N>]) -> HotWatch {
        HotWatch {
            since: vec![None; monitors.len()],
            stretches: (monitors.iter())
                .map(|m| HotStretch {
                    name: m.name,
                    ..HotStretch::default()
                })
                .collect(),
            healed_at: None,
        }
    }

    /// The safety phase ends here: a stretch in progress is measured, and
    /// goes on in the liveness phase from the heal.
    pub(super) fn heal(&mut self, now: SimTime) {
        self.measure(now);
        self.healed_at = Some(now);
    }

    /// Looks at every monitor after an event; after the heal, the first
    /// that has been hot past its bound, as a failure message.
    pub(super) fn after_event<N: Node>(
        &mut self,
        monitors: &[HotMonitor<N>],
        sim: &Simulation<N>,
    ) -> Option<String> {
        let now = sim.now();
        for (i, m) in monitors.iter().enumerate() {
            match ((m.hot)(sim), self.since[i]) {
                (true, None) => self.since[i] = Some(now),
                (false, Some(_)) => {
                    self.measure_one(i, now);
                    self.since[i] = None;
                }
                _ => {}
            }
        }
        self.overdue(monitors, now)
    }

    /// After the heal: the first monitor hot past its bound at `now`.
    pub(super) fn overdue<N: Node>(
        &mut self,
        monitors: &[HotMonitor<N>],
        now: SimTime,
    ) -> Option<String> {
        self.healed_at?;
        self.measure(now);
        let i = (0..monitors.len())
            .find(|&i| self.stretches[i].liveness_ns > monitors[i].limit.as_nanos())?;
        Some(format!(
            "{} stayed hot for {} after the heal, past its bound of {}",
            monitors[i].name,
            SimDuration(self.stretches[i].liveness_ns),
            monitors[i].limit
        ))
    }

    /// Every stretch in progress, measured up to `now`.
    fn measure(&mut self, now: SimTime) {
        for i in 0..self.since.len() {
            self.measure_one(i, now);
        }
    }

    fn measure_one(&mut self, i: usize, now: SimTime) {
        let Some(since) = self.since[i] else {
            return;
        };
        let stretch = &mut self.stretches[i];
        match self.healed_at {
            None => stretch.safety_ns = stretch.safety_ns.max(now.since(since).as_nanos()),
            Some(healed) => {
                let from = since.max(healed);
                stretch.liveness_ns = stretch.liveness_ns.max(now.since(from).as_nanos());
            }
        }
    }

    /// The longest stretches, per monitor.
    pub(super) fn stretches(self) -> Vec<HotStretch> {
        self.stretches
    }
}
