//! The nemesis: random fault plans, one per seed, in swarm style.
//!
//! A plan is made of *episodes*: one fault kind, a start, a duration, and which
//! nodes it hits; each episode is a fault and its heal. Kinds:
//! - `partition`: a random shape (isolate, majority/minority, one-way, bridge,
//!   ring), then `heal` (which heals every partition in force);
//! - `crash`: crash a node (a torn crash when storage faults are on), then restart;
//! - `pause`: pause a node, then resume it;
//! - `clock`: skew a node's clock by up to ±1 s with up to ±10% drift, then reset;
//! - `flaky-net`: every link drops, duplicates and reorders (up to 20%, 10%, 20%),
//!   then links reset;
//! - `clog`: clog both directions between two nodes, then unclog;
//! - `scale`: a node of the model's scalable fleet leaves (gracefully or
//!   not), then joins again as a new machine.
//!
//! The preset mixes ([`crate::mix`]) name sets of kinds and a schedule. In
//! swarm mode (the default, as in TigerBeetle's VOPR) each seed also switches
//! whole kinds off (each stays on with probability 1/2, and at least one stays
//! on) and draws its own episode count, so different seeds stress different
//! combinations.

use crate::atlas::{disk_episode, Atlas};
use crate::core::{CoreLiveness, CoreSpec};
use crate::fault::Fault;
use crate::link::LinkConfig;
use crate::node_id::NodeId;
use crate::partition::Partition;
use crate::plan::FaultPlan;
use crate::ratio::Ratio;
use crate::rng::SimRng;
use crate::shape::Shape;
use crate::time::{SimDuration, SimTime};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The largest clock drift the nemesis draws, in parts per million (±10%):
/// the drift bound a protocol's clock arithmetic may assume under the
/// built-in mixes.
pub const MAX_DRIFT_PPM: i32 = 100_000;
/// A kind of fault episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum FaultKind {
    /// A partition and its heal.
    Partition,
    /// A crash and its restart.
    Crash,
    /// A pause and its resume.
    Pause,
    /// A clock skew and its reset.
    Clock,
    /// A flaky-network period.
    FlakyNet,
    /// A clogged pair of links.
    Clog,
    /// A crash of the focus (the model's leader or primary, read from the state
    /// when the episode begins; see `Simulation::set_focus`) and its restart.
    CrashFocus,
    /// The focus isolated, and healed.
    IsolateFocus,
    /// A node of the model's scalable fleet leaves (gracefully or not,
    /// losing its disk) and later joins as a new machine. Only models that
    /// name a scalable fleet (`Scenario::scalable`) get these episodes; they
    /// are drawn from a stream of their own, so adding them changes no other
    /// episode of any plan.
    Scale,
    /// A traffic surge: the clients' rate multiplied by 2 to 10 for the
    /// episode. Only scenarios that take surges (`Scenario::surges`) get
    /// these episodes, from a stream of their own like [`FaultKind::Scale`].
    Surge,
    /// An operator's action on a node the model names
    /// (`Scenario::operated`): rotate its keys, say. Instantaneous; drawn
    /// from a stream of its own like [`FaultKind::Scale`].
    Operate,
    /// A rolling upgrade of every node to a newer version, one at a time,
    /// and on half the episodes a rolling rollback after it (see
    /// [`crate::versions::rolling`]). Only models with versions
    /// (`Scenario::versions`) get them, on every seed of a mix that has
    /// the kind, from a stream of their own. Not in the `all` mix: the
    /// `upgrade` mix has them.
    Upgrade,
    /// A storage fault on a disk the atlas lets lie (see [`crate::atlas`]):
    /// a latent error, rot, a misdirected write or read, a torn sync, a
    /// failed fsync, or a full or slow disk for a while. Only models that
    /// take them (`Scenario::lying_disks`) get these episodes, from a stream
    /// of their own like [`FaultKind::Scale`].
    Disk,
}

impl FaultKind {
    /// Every kind that applies to any cluster (all but [`FaultKind::Scale`],
    /// which only a model with a scalable fleet can take: a node that
    /// leaves loses its disk).
    pub const ALL: [FaultKind; 8] = [
        FaultKind::Partition,
        FaultKind::Crash,
        FaultKind::Pause,
        FaultKind::Clock,
        FaultKind::FlakyNet,
        FaultKind::Clog,
        FaultKind::CrashFocus,
        FaultKind::IsolateFocus,
    ];

    /// [`FaultKind::ALL`] and the own-stream kinds ([`FaultKind::Scale`],
    /// [`FaultKind::Surge`], [`FaultKind::Operate`], [`FaultKind::Disk`]):
    /// the `all` mix.
    pub const EVERY: [FaultKind; 12] = [
        FaultKind::Partition,
        FaultKind::Crash,
        FaultKind::Pause,
        FaultKind::Clock,
        FaultKind::FlakyNet,
        FaultKind::Clog,
        FaultKind::CrashFocus,
        FaultKind::IsolateFocus,
        FaultKind::Scale,
        FaultKind::Surge,
        FaultKind::Operate,
        FaultKind::Disk,
    ];

    /// Its name, as JSON writes it (kebab-case).
    pub fn name(self) -> &'static str {
        match self {
            FaultKind::Partition => "partition",
            FaultKind::Crash => "crash",
            FaultKind::Pause => "pause",
            FaultKind::Clock => "clock",
            FaultKind::FlakyNet => "flaky-net",
            FaultKind::Clog => "clog",
            FaultKind::CrashFocus => "crash-focus",
            FaultKind::IsolateFocus => "isolate-focus",
            FaultKind::Scale => "scale",
            FaultKind::Surge => "surge",
            FaultKind::Operate => "operate",
            FaultKind::Upgrade => "upgrade",
            FaultKind::Disk => "disk",
        }
    }

    /// Every kind: [`FaultKind::EVERY`] and [`FaultKind::Upgrade`].
    pub fn each() -> impl Iterator<Item = FaultKind> {
        FaultKind::EVERY.into_iter().chain([FaultKind::Upgrade])
    }

    /// True for the kinds drawn from a stream of their own, for the
    /// scenarios that take them.
    pub fn is_own_stream(self) -> bool {
        matches!(
            self,
            FaultKind::Scale
                | FaultKind::Surge
                | FaultKind::Operate
                | FaultKind::Upgrade
                | FaultKind::Disk
        )
    }

    /// The kind aimed at the focus that this kind becomes under a focused
    /// [`Shape`]: a partition or clog isolates the focus, a crash crashes
    /// it; other kinds stay as they are.
    pub fn at_focus(self) -> FaultKind {
        match self {
            FaultKind::Partition | FaultKind::Clog => FaultKind::IsolateFocus,
            FaultKind::Crash => FaultKind::CrashFocus,
            other => other,
        }
    }

    /// True for the kinds aimed at the focus.
    pub fn is_focused(self) -> bool {
        matches!(self, FaultKind::CrashFocus | FaultKind::IsolateFocus)
    }
}

/// What a scenario offers the own-stream kinds: the nodes that may leave
/// and join, whether clients may surge, the nodes an operator acts on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    /// The scalable fleet ([`FaultKind::Scale`]).
    pub scalable: Vec<NodeId>,
    /// Whether the clients take surges ([`FaultKind::Surge`]).
    pub surges: bool,
    /// The nodes operators act on ([`FaultKind::Operate`]).
    pub operated: Vec<NodeId>,
    /// The node's newest version ([`FaultKind::Upgrade`]); 0 or 1: the
    /// node has no other version.
    pub versions: u32,
    /// Keep every seed's schedule sparse (no dense or storm [`Shape`]): for
    /// a scenario whose checks include a service level that holds only
    /// under a bounded fault load.
    pub sparse_only: bool,
    /// Which sets of nodes can make progress on their own, for the core
    /// liveness mode (see [`crate::core`]); None: the model defines no core.
    pub core: Option<CoreSpec>,
    /// Which disks must stay intact when storage faults are drawn: how
    /// many, and which nodes among them (see [`crate::atlas`]); None: the
    /// model takes no storage faults.
    pub intact_disks: Option<CoreSpec>,
}

impl Extras {
    /// Whether a scenario with these extras draws episodes of `kind`: an
    /// own-stream kind needs its target (a scalable fleet, clients that
    /// surge, operated nodes, a second version); every other kind applies
    /// to any cluster.
    pub fn takes(&self, kind: FaultKind) -> bool {
        match kind {
            FaultKind::Scale => !self.scalable.is_empty(),
            FaultKind::Surge => self.surges,
            FaultKind::Operate => !self.operated.is_empty(),
            FaultKind::Upgrade => self.versions > 1,
            FaultKind::Disk => self.intact_disks.is_some(),
            _ => true,
        }
    }
}

/// A kind drawn from a stream of its own (see [`FaultKind::is_own_stream`]).
#[derive(Clone, Copy, Debug)]
struct OwnStream {
    kind: FaultKind,
    label: &'static str,
    /// The episode id of its first episode (ids stay apart from the main
    /// stream's).
    first_id: u32,
    /// The most episodes a swarm seed draws.
    most: u64,
}

/// One fault and its heal, before it is turned into timed faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Episode {
    /// The kind.
    pub kind: FaultKind,
    /// When the fault starts.
    pub start: SimTime,
    /// How long until its heal.
    pub duration: SimDuration,
    /// Picks the nodes it hits (taken modulo what the kind needs).
    pub target: u64,
    /// Picks the shape or intensity.
    pub variant: u64,
}

/// A pick in `0..n` from a raw number.
fn pick(raw: u64, n: usize) -> usize {
    (raw % n.max(1) as u64) as usize
}

impl Episode {
    /// Adds the episode's faults to `plan`; a focused kind's faults are marked
    /// as focus episode `id`.
    pub fn add_to(
        &self,
        plan: &mut FaultPlan,
        id: u32,
        nodes: usize,
        base: LinkConfig,
        torn_writes: bool,
    ) {
        for (at, fault) in self.faults(nodes, base, torn_writes) {
            if self.kind.is_focused() {
                plan.push_focused(at, fault, id);
            } else {
                plan.push(at, fault);
            }
        }
    }

    /// The episode as a fault and its heal (or nothing, when the cluster is too
    /// small for the kind). `base` is the simulation's link config, which a
    /// flaky-network period keeps the latency of.
    pub fn faults(
        &self,
        nodes: usize,
        base: LinkConfig,
        torn_writes: bool,
    ) -> Vec<(SimTime, Fault)> {
        let end = self.start.after(self.duration);
        let node = NodeId::from(pick(self.target, nodes));
        let (fault, heal) = match self.kind {
            FaultKind::IsolateFocus | FaultKind::Partition => {
                if nodes < 2 {
                    return Vec::new();
                }
                let shape = match self.kind {
                    FaultKind::IsolateFocus => Partition::Isolate { node },
                    _ => self.partition(nodes, node),
                };
                (Fault::Partition(shape.clone()), Fault::EndPartition(shape))
            }
            FaultKind::Crash | FaultKind::CrashFocus => (
                Fault::Crash {
                    node,
                    torn_writes: torn_writes && self.variant % 2 == 1,
                },
                Fault::Restart { node },
            ),
            FaultKind::Pause => (Fault::Pause { node }, Fault::Resume { node }),
            FaultKind::Scale => (
                Fault::Leave {
                    node,
                    graceful: self.variant % 2 == 1,
                },
                Fault::Join { node },
            ),
            // Drawn as a whole rolling sequence (`Nemesis::add_upgrades`).
            FaultKind::Upgrade => return Vec::new(),
            FaultKind::Operate => {
                // An instant, with no heal.
                let action = (self.variant >> 32) as u32;
                return vec![(self.start, Fault::Operate { node, action })];
            }
            FaultKind::Clock => self.clock_skew(node),
            FaultKind::Surge => (
                Fault::Surge {
                    factor: 2 + (self.variant % 9) as u32,
                },
                Fault::EndSurge,
            ),
            FaultKind::FlakyNet => (
                Fault::SetAllLinks {
                    config: self.flaky_links(base),
                },
                Fault::ResetLinks,
            ),
            FaultKind::Clog => return self.clogs(nodes, node, end),
            FaultKind::Disk => {
                let (fault, undo) = disk_episode(self.variant);
                let mut faults = vec![(self.start, Fault::Disk { node, fault })];
                faults.extend(undo.map(|fault| (end, Fault::Disk { node, fault })));
                return faults;
            }
        };
        vec![(self.start, fault), (end, heal)]
    }

    /// A clock offset of up to ±1 s and a drift of up to ±[`MAX_DRIFT_PPM`],
    /// and the reset.
    fn clock_skew(&self, node: NodeId) -> (Fault, Fault) {
        let offset_ns = (self.variant % 2_000_000_001) as i64 - 1_000_000_000;
        let span = 2 * MAX_DRIFT_PPM as u64 + 1;
        let drift_ppm = ((self.variant >> 32) % span) as i32 - MAX_DRIFT_PPM;
        let skew = Fault::SetClock {
            node,
            offset_ns,
            drift_ppm,
        };
        let reset = Fault::SetClock {
            node,
            offset_ns: 0,
            drift_ppm: 0,
        };
        (skew, reset)
    }

    /// `base` with up to 20% drop, 10% duplication and 20% reordering.
    fn flaky_links(&self, base: LinkConfig) -> LinkConfig {
        let v = self.variant;
        let percent = |num: u64| Ratio {
            num: num as u32,
            den: 100,
        };
        base.with_drop(percent(v % 21))
            .with_duplicate(percent((v >> 8) % 11))
            .with_reorder(percent((v >> 16) % 21), SimDuration::from_millis(50))
    }

    /// Both directions between `node` and another node clog now and unclog at `end`.
    fn clogs(&self, nodes: usize, node: NodeId, end: SimTime) -> Vec<(SimTime, Fault)> {
        if nodes < 2 {
            return Vec::new();
        }
        let other = NodeId::from(
            (node.index() + 1 + pick(self.target >> 16, nodes.saturating_sub(1))) % nodes.max(1),
        );
        let (a, b) = (node, other);
        vec![
            (self.start, Fault::Clog { from: a, to: b }),
            (self.start, Fault::Clog { from: b, to: a }),
            (end, Fault::Unclog { from: a, to: b }),
            (end, Fault::Unclog { from: b, to: a }),
        ]
    }

    fn partition(&self, nodes: usize, node: NodeId) -> Partition {
        let ids: Vec<NodeId> = (0..nodes).map(NodeId::from).collect();
        let shapes = if nodes >= 4 {
            5
        } else if nodes >= 3 {
            4
        } else {
            2
        };
        match self.variant % shapes {
            0 => Partition::Isolate { node },
            1 => Partition::OneWay {
                from: vec![node],
                to: ids.iter().copied().filter(|&n| n != node).collect(),
            },
            2 => {
                // A random minority that includes `node`.
                let size = 1 + pick(self.variant >> 8, nodes.saturating_sub(1) / 2);
                let minority = (0..size)
                    .map(|k| NodeId::from((node.index() + k) % nodes))
                    .collect();
                Partition::MajorityMinority { minority }
            }
            3 => {
                let left = ids
                    .iter()
                    .copied()
                    .filter(|&n| n != node)
                    .take((nodes - 1) / 2)
                    .collect();
                Partition::Bridge { bridge: node, left }
            }
            _ => {
                let mut order = ids;
                order.rotate_left(node.index());
                Partition::Ring { order }
            }
        }
    }
}

/// An episode's length, uniform over the octaves from 1 ms to `longest`
/// and then uniform within its octave: faults come at every time scale, so
/// short ones (a crash and a quick restart during an election, a blip of
/// loss) are as common as long ones, not a rarity.
fn draw_duration(longest: SimDuration, rng: &mut SimRng) -> SimDuration {
    let lo = 1_000_000u64;
    let hi = longest.as_nanos().max(lo);
    let octaves = u64::from((hi / lo).ilog2()) + 1;
    let from = lo << rng.below(octaves);
    SimDuration(rng.between(from, (from * 2).min(hi)))
}

/// A generator of fault plans.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nemesis {
    /// The kinds it may use.
    pub kinds: BTreeSet<FaultKind>,
    /// Switch kinds off and draw the episode count per seed.
    pub swarm: bool,
    /// The most episodes in one plan.
    pub episodes_max: u32,
    /// The longest episode.
    pub episode_max: SimDuration,
    /// Let crashes tear unsynced writes.
    pub torn_writes: bool,
    /// The links' normal config (a flaky period keeps its latency).
    pub base_link: LinkConfig,
    /// The core liveness mode (see [`crate::core`]): each plan also draws
    /// a core and the faults kept on the rest, for a scenario that
    /// declares its cores ([`Extras::core`]).
    #[serde(default)]
    pub core_liveness: bool,
}

impl Default for Nemesis {
    /// The `all` mix in swarm mode: up to 8 episodes of up to 2 s.
    fn default() -> Self {
        Nemesis {
            kinds: FaultKind::EVERY.into_iter().collect(),
            swarm: true,
            episodes_max: 8,
            episode_max: SimDuration::from_secs(2),
            torn_writes: false,
            base_link: LinkConfig::default(),
            core_liveness: false,
        }
    }
}

impl Nemesis {
    /// The plan for `seed` in a cluster of `nodes`, with every episode starting
    /// before `horizon` (no scalable fleet: no scale episodes).
    pub fn generate(&self, seed: u64, nodes: usize, horizon: SimDuration) -> FaultPlan {
        self.generate_for(seed, nodes, &Extras::default(), horizon)
    }

    /// The plan for `seed`, with scale episodes on the `scalable` nodes when
    /// the kinds include [`FaultKind::Scale`], and surges when `surges` and
    /// the kinds include [`FaultKind::Surge`]. Each comes from a stream of
    /// its own: every other episode is what [`Nemesis::generate`] draws.
    pub fn generate_for(
        &self,
        seed: u64,
        nodes: usize,
        extras: &Extras,
        horizon: SimDuration,
    ) -> FaultPlan {
        let scalable = &extras.scalable;
        let mut plan = self.generate_main(seed, nodes, horizon, extras.sparse_only);
        let scale = OwnStream {
            kind: FaultKind::Scale,
            label: "nemesis-scale",
            first_id: 10_000,
            most: 4,
        };
        self.add_own_stream(&mut plan, seed, scale, scalable, nodes, horizon);
        if extras.surges {
            let surge = OwnStream {
                kind: FaultKind::Surge,
                label: "nemesis-surge",
                first_id: 20_000,
                most: 4,
            };
            self.add_own_stream(&mut plan, seed, surge, &[NodeId(0)], nodes, horizon);
        }
        let operate = OwnStream {
            kind: FaultKind::Operate,
            label: "nemesis-operate",
            first_id: 30_000,
            most: 4,
        };
        self.add_own_stream(&mut plan, seed, operate, &extras.operated, nodes, horizon);
        self.add_upgrades(&mut plan, seed, extras.versions, nodes, horizon);
        if let Some(spec) = extras.core.as_ref().filter(|_| self.core_liveness) {
            plan.core = Some(CoreLiveness::draw(seed, nodes, spec));
        }
        if let Some(intact) = &extras.intact_disks {
            let disk = OwnStream {
                kind: FaultKind::Disk,
                label: "nemesis-disk",
                first_id: 40_000,
                most: 40,
            };
            let mut spared = plan.core.as_ref().map_or(Vec::new(), |c| c.core.clone());
            spared.extend(intact.required.iter().copied());
            let lying = Atlas::draw(seed, nodes, intact.quorum, &spared).lying;
            self.add_own_stream(&mut plan, seed, disk, &lying, nodes, horizon);
        }
        plan
    }

    /// Episodes of one own-stream kind, aimed at `targets`: in swarm mode,
    /// on half the seeds (every seed when it is the mix's only kind), 1 to
    /// 4 of them; otherwise `episodes_max`.
    fn add_own_stream(
        &self,
        plan: &mut FaultPlan,
        seed: u64,
        stream: OwnStream,
        targets: &[NodeId],
        nodes: usize,
        horizon: SimDuration,
    ) {
        if !self.kinds.contains(&stream.kind) || targets.is_empty() || horizon.as_nanos() == 0 {
            return;
        }
        let only = self.kinds.iter().all(|&k| k == stream.kind);
        let mut rng = SimRng::from_seed_and_label(seed, stream.label);
        if self.swarm && !only && !rng.chance(1, 2) {
            return;
        }
        let count = if self.swarm {
            rng.between(1, stream.most)
        } else {
            u64::from(self.episodes_max)
        };
        for id in 0..count as u32 {
            let node = *rng.pick(targets).expect("non-empty");
            let episode = Episode {
                kind: stream.kind,
                start: SimTime(rng.below(horizon.as_nanos())),
                duration: draw_duration(self.episode_max, &mut rng),
                target: node.index() as u64,
                variant: rng.next_u64(),
            };
            let id = stream.first_id + id;
            episode.add_to(plan, id, nodes, self.base_link, self.torn_writes);
        }
    }

    /// Rolling upgrades to a version from 2 to `newest`, with rollbacks on
    /// half of them: one or two per seed in swarm mode, else
    /// `episodes_max`; none unless the kinds include
    /// [`FaultKind::Upgrade`] and the node has versions.
    fn add_upgrades(
        &self,
        plan: &mut FaultPlan,
        seed: u64,
        newest: u32,
        nodes: usize,
        horizon: SimDuration,
    ) {
        if !self.kinds.contains(&FaultKind::Upgrade) || newest < 2 || horizon.as_nanos() == 0 {
            return;
        }
        let mut rng = SimRng::from_seed_and_label(seed, "nemesis-upgrade");
        let count = match self.swarm {
            true => rng.between(1, 2),
            false => u64::from(self.episodes_max),
        };
        for _ in 0..count {
            let start = SimTime(rng.below(horizon.as_nanos()));
            let gap = SimDuration::from_millis(rng.between(20, 1_000));
            let first = rng.below(nodes as u64) as usize;
            let to = rng.between(2, u64::from(newest)) as u32;
            let rollback = rng.chance(1, 2);
            let faults = crate::versions::rolling(start, gap, (first, nodes), (1, to), rollback);
            for (at, fault) in faults {
                plan.push(at, fault);
            }
        }
    }

    /// The kind a focused seed aims at the focus again and again: the
    /// focus isolated (three seeds in four) or crashed, of those the
    /// nemesis has; `None` when it has neither.
    fn focus_kind(&self, rng: &mut SimRng) -> Option<FaultKind> {
        let choices = [
            FaultKind::IsolateFocus,
            FaultKind::IsolateFocus,
            FaultKind::IsolateFocus,
            FaultKind::CrashFocus,
        ];
        let present: Vec<FaultKind> = choices
            .into_iter()
            .filter(|k| self.kinds.contains(k))
            .collect();
        rng.pick(&present).copied()
    }

    /// Every episode but the own-stream ones. In swarm mode the seed's
    /// [`Shape`] sets the episode count, the longest episode, and whether
    /// episodes chase the focus.
    fn generate_main(
        &self,
        seed: u64,
        nodes: usize,
        horizon: SimDuration,
        sparse_only: bool,
    ) -> FaultPlan {
        let mut rng = SimRng::from_seed_and_label(seed, "nemesis");
        let mut kinds: Vec<FaultKind> = self
            .kinds
            .iter()
            .copied()
            .filter(|k| !k.is_own_stream())
            .collect();
        let mut count = self.episodes_max;
        let mut shape = if self.swarm {
            Shape::for_seed(seed)
        } else {
            Shape::CLASSIC
        };
        if sparse_only {
            shape.density = crate::shape::Density::Sparse;
        }
        if self.swarm && !kinds.is_empty() {
            let keep: Vec<FaultKind> = kinds.iter().copied().filter(|_| rng.chance(1, 2)).collect();
            kinds = if keep.is_empty() {
                vec![*rng.pick(&kinds).expect("non-empty")]
            } else {
                keep
            };
            count = shape.episodes(count, &mut rng);
        }
        let mut plan = FaultPlan::new();
        if kinds.is_empty() || horizon.as_nanos() == 0 {
            return plan;
        }
        let longest = shape.longest(self.episode_max);
        let focus_kind = shape.focused.then(|| self.focus_kind(&mut rng)).flatten();
        for id in 0..count {
            let mut kind = *rng.pick(&kinds).expect("non-empty");
            if let Some(focused) = focus_kind.filter(|_| !rng.chance(1, 10)) {
                kind = focused;
            }
            let episode = Episode {
                kind,
                start: SimTime(rng.below(horizon.as_nanos())),
                duration: draw_duration(longest, &mut rng),
                target: rng.next_u64(),
                variant: rng.next_u64(),
            };
            episode.add_to(&mut plan, id, nodes, self.base_link, self.torn_writes);
        }
        plan
    }
}
