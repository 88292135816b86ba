//! A fault plan as madsim's controls. Partitions and clogs become clogged
//! links (madsim drops what a clogged link carries, as faultline's partitions
//! do), a crash kills a node and a restart restarts it, a pause pauses it, and
//! a flaky-network period sets the message layer's loss, duplication and
//! extra delay (see [`crate::cluster`]). Clock, single-link and storage faults
//! have no madsim control yet: they are skipped and counted, never silently.

use crate::netlayer::LinkState;
use madsim::net::NetSim;
use madsim::runtime::Handle;
use madsim::task::NodeId as MadsimNode;
use madsim::time::{sleep_until, Instant};
use sim::trace::TraceEvent;
use sim::{Fault, FaultPlan};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// Told which server a crash kills, as madsim kills it, so that a host
/// keeping state outside madsim's tasks can crash that state at the same
/// instant.
pub type CrashHook = Arc<dyn Fn(usize) + Send + Sync>;

/// Names the service's focus (its leader, its primary) from its state now,
/// for the plan's focused faults.
pub type FocusHook = Arc<dyn Fn() -> Option<usize> + Send + Sync>;

/// Applies `plan` from `epoch` on, in order, up to `until` (the run's
/// length: later faults do not happen), then, if `heal` says when, ends
/// every fault then; returns how many faults had no madsim control and
/// were skipped. A focused episode hits the node `focus` names when its
/// first fault fires, and every later fault of the episode hits the same
/// node, as on the engine; with no focus it is skipped.
pub async fn apply(
    plan: FaultPlan,
    (until, heal): (sim::SimDuration, Option<sim::SimDuration>),
    nodes: Vec<MadsimNode>,
    epoch: Instant,
    links: LinkState,
    on_crash: CrashHook,
    focus: Option<FocusHook>,
) -> usize {
    let mut applier = Applier {
        handle: Handle::current(),
        net: NetSim::current(),
        nodes,
        links,
        on_crash,
        cuts: BTreeMap::new(),
    };
    let mut skipped = 0;
    let mut targets: BTreeMap<u32, Option<usize>> = BTreeMap::new();
    // A fault after the run's end would keep the run going until it: the
    // run ends when its clients do, and such faults do not happen.
    let within = plan
        .faults
        .into_iter()
        .take_while(|f| f.at.as_nanos() <= until.as_nanos());
    for timed in within {
        sleep_until(epoch + Duration::from_nanos(timed.at.as_nanos())).await;
        let fault = match timed.focus_episode {
            None => timed.fault,
            Some(episode) => {
                let target = *targets
                    .entry(episode)
                    .or_insert_with(|| focus.as_ref().and_then(|f| f()));
                match target {
                    Some(node) => timed.fault.aimed_at(sim::NodeId::from(node)),
                    None => continue,
                }
            }
        };
        let noted = fault.clone();
        if applier.apply(fault) {
            applier
                .links
                .note(|at| TraceEvent::Fault { at, fault: noted }, String::new);
        } else {
            skipped += 1;
        }
    }
    if let Some(at) = heal {
        sleep_until(epoch + Duration::from_nanos(at.as_nanos())).await;
        applier.heal_all();
        let heal = |at| TraceEvent::Fault {
            at,
            fault: Fault::Heal,
        };
        applier
            .links
            .note(heal, || "every fault ended: the liveness phase".into());
    }
    skipped
}

/// What applying faults acts on.
struct Applier {
    handle: Handle,
    net: Arc<NetSim>,
    nodes: Vec<MadsimNode>,
    links: LinkState,
    on_crash: CrashHook,
    /// Per link: how many partitions in force cut it, as the engine counts
    /// them, so that overlapping partitions end independently.
    cuts: BTreeMap<(usize, usize), u32>,
}

impl Applier {
    /// Ends every fault: every link unclogged, every killed node restarted,
    /// every paused one resumed, the links' loss and delays reset. It opens
    /// the liveness phase, as the engine's heal does.
    fn heal_all(&mut self) {
        self.cuts.clear();
        for &a in &self.nodes {
            for &b in &self.nodes {
                if a != b {
                    self.net.unclog_link(a, b);
                }
            }
            if self.handle.is_exit(a) {
                self.handle.restart(a);
            }
            self.handle.resume(a);
        }
        self.links.set(None);
    }

    /// Applies one fault; false when madsim has no control for it. Every
    /// variant is named, so a new kind of fault cannot be skipped silently.
    fn apply(&mut self, fault: Fault) -> bool {
        let nodes = &self.nodes;
        match fault {
            Fault::Partition(shape) => self.cut(&shape),
            Fault::EndPartition(shape) => self.uncut(&shape),
            Fault::Heal => {
                for ((a, b), _) in std::mem::take(&mut self.cuts) {
                    self.net.unclog_link(nodes[a], nodes[b]);
                }
            }
            Fault::Clog { from, to } => self.net.clog_link(nodes[from.index()], nodes[to.index()]),
            Fault::Unclog { from, to } => {
                self.net.unclog_link(nodes[from.index()], nodes[to.index()])
            }
            Fault::Crash { node, .. } => {
                self.handle.kill(nodes[node.index()]);
                (self.on_crash)(node.index());
            }
            Fault::Restart { node } => {
                // madsim restarts a killed node; a live one would be killed
                // and restarted, which the plan did not ask for.
                if self.handle.is_exit(nodes[node.index()]) {
                    self.handle.restart(nodes[node.index()]);
                }
            }
            Fault::Pause { node } => self.handle.pause(nodes[node.index()]),
            Fault::Resume { node } => self.handle.resume(nodes[node.index()]),
            Fault::SetAllLinks { config } => self.links.set(Some(config)),
            Fault::ResetLinks => self.links.set(None),
            // No madsim control for these yet: skipped, and counted.
            Fault::SetClock { .. }
            | Fault::SetLink { .. }
            | Fault::CorruptBlock { .. }
            | Fault::Disk { .. }
            | Fault::Leave { .. }
            | Fault::Join { .. }
            | Fault::Surge { .. }
            | Fault::EndSurge
            | Fault::Operate { .. }
            | Fault::Upgrade { .. } => {
                return false;
            }
        }
        true
    }

    /// A partition: each link it cuts is clogged unless another cut holds it.
    fn cut(&mut self, shape: &sim::Partition) {
        let n = self.nodes.len();
        for (a, b) in shape.blocked_links(n, "fault").expect("validated plan") {
            let count = self.cuts.entry((a, b)).or_insert(0);
            *count += 1;
            if *count == 1 {
                self.net.clog_link(self.nodes[a], self.nodes[b]);
            }
        }
    }

    /// The end of one partition: its links unclog once no cut holds them.
    fn uncut(&mut self, shape: &sim::Partition) {
        let n = self.nodes.len();
        for (a, b) in shape.blocked_links(n, "fault").expect("validated plan") {
            let Some(count) = self.cuts.get_mut(&(a, b)) else {
                continue; // a heal lifted it already
            };
            *count -= 1;
            if *count == 0 {
                self.cuts.remove(&(a, b));
                self.net.unclog_link(self.nodes[a], self.nodes[b]);
            }
        }
    }
}
