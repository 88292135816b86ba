//! The preset fault mixes: one table, from which the parser, its error text,
//! the command line's `--help`, `faultline list` and the table in docs/bug-finding.md are
//! all made.
//!
//! A mix is a set of [`FaultKind`]s and a schedule. Most mixes are swarm
//! mixes: each seed switches some of the kinds off and draws its own episode
//! count (see [`crate::nemesis`]). `leader-churn` is a dense schedule
//! instead: the focus isolated again and again.

use crate::nemesis::{FaultKind, Nemesis};
use std::fmt;
use std::str::FromStr;

/// A preset fault mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Mix {
    /// Partitions and clogged links.
    Partitions,
    /// Crashes and pauses.
    Crashes,
    /// Clock skew.
    Clocks,
    /// Loss, duplication and reordering.
    FlakyNet,
    /// The focus isolated again and again.
    LeaderChurn,
    /// Members of a scalable fleet leaving and joining.
    Scale,
    /// Traffic surges.
    Surge,
    /// Operator actions.
    Operator,
    /// Storage faults, beside crashes and pauses.
    Disks,
    /// Every kind.
    All,
    /// Rolling upgrades and rollbacks, beside crashes and partitions.
    Upgrade,
    /// No faults.
    None,
}

/// How a mix schedules its episodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Schedule {
    /// Swarm: kinds switched off per seed, up to 8 episodes of up to 2 s.
    Swarm,
    /// Every kind on, exactly this many episodes of up to 2 s in every plan.
    Dense(u32),
}

/// One row of the table.
#[derive(Clone, Copy, Debug)]
pub struct MixInfo {
    /// The mix.
    pub mix: Mix,
    /// Its name on the command line and in artifacts.
    pub name: &'static str,
    /// What it injects, in a line.
    pub about: &'static str,
    /// The kinds it draws from.
    pub kinds: &'static [FaultKind],
    schedule: Schedule,
}

use FaultKind::{
    Clock, Clog, Crash, CrashFocus, Disk, FlakyNet as Flaky, IsolateFocus, Operate, Partition,
    Pause, Scale as ScaleKind, Surge as SurgeKind, Upgrade as UpgradeKind,
};

/// Every preset mix, in the order help texts list them.
pub const MIXES: [MixInfo; 12] = [
    MixInfo {
        mix: Mix::Partitions,
        name: "partitions",
        about: "partitions of every shape, clogged links, the focus isolated",
        kinds: &[Partition, Clog, IsolateFocus],
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::Crashes,
        name: "crashes",
        about: "crashes (unsynced writes lost) and pauses, of any node and of the focus",
        kinds: &[Crash, Pause, CrashFocus],
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::Clocks,
        name: "clocks",
        about: "clock offsets of up to 1 s and drift of up to 10%",
        kinds: &[Clock],
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::FlakyNet,
        name: "flaky-net",
        about: "periods of message loss, duplication and reordering",
        kinds: &[Flaky],
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::LeaderChurn,
        name: "leader-churn",
        about: "the focus (leader, primary) isolated again and again: 200 overlapping episodes, no swarm",
        kinds: &[IsolateFocus],
        schedule: Schedule::Dense(200),
    },
    MixInfo {
        mix: Mix::Scale,
        name: "scale",
        about: "members of a scalable fleet (read replicas) leaving, gracefully or not, and joining again",
        kinds: &[ScaleKind],
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::Surge,
        name: "surge",
        about: "traffic surges: the clients' rate multiplied by 2 to 10 for a while (models that take them)",
        kinds: &[SurgeKind],
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::Operator,
        name: "operator",
        about: "operator actions at random moments, such as key rotations (models that name them)",
        kinds: &[Operate],
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::Disks,
        name: "disks",
        about: "disks that lie (latent errors, rot, misdirected I/O, torn syncs, failed fsyncs, full and slow disks) on the disks the atlas picks, beside crashes and pauses (models that take them)",
        kinds: &[Disk, Crash, CrashFocus, Pause, IsolateFocus],
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::All,
        name: "all",
        about: "every kind above, switched on and off per seed (swarm): the default",
        kinds: &FaultKind::EVERY,
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::Upgrade,
        name: "upgrade",
        about: "rolling upgrades to a newer version and rollbacks, one node at a time, beside crashes, pauses and partitions (models with versions)",
        kinds: &[UpgradeKind, Crash, CrashFocus, Pause, Partition, IsolateFocus],
        schedule: Schedule::Swarm,
    },
    MixInfo {
        mix: Mix::None,
        name: "none",
        about: "no faults",
        kinds: &[],
        schedule: Schedule::Swarm,
    },
];

impl Mix {
    /// Every mix.
    pub fn all() -> impl Iterator<Item = Mix> {
        MIXES.iter().map(|m| m.mix)
    }

    /// This mix's row of the table.
    pub fn info(self) -> &'static MixInfo {
        let row = MIXES.iter().find(|m| m.mix == self);
        row.expect("every mix has a row")
    }

    /// Its name.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The names of every mix, comma-separated, for messages.
    pub fn names() -> String {
        let names: Vec<&str> = MIXES.iter().map(|m| m.name).collect();
        names.join(", ")
    }

    /// The generator of this mix's fault plans, with the liveness phase
    /// `liveness` asks for (see [`crate::core`]).
    pub fn nemesis_in(self, liveness: crate::core::Liveness) -> Nemesis {
        Nemesis {
            core_liveness: liveness == crate::core::Liveness::Core,
            ..self.nemesis()
        }
    }

    /// The generator of this mix's fault plans.
    pub fn nemesis(self) -> Nemesis {
        let info = self.info();
        let kinds = info.kinds.iter().copied().collect();
        match info.schedule {
            Schedule::Swarm => Nemesis {
                kinds,
                ..Nemesis::default()
            },
            Schedule::Dense(episodes) => Nemesis {
                kinds,
                swarm: false,
                episodes_max: episodes,
                ..Nemesis::default()
            },
        }
    }
}

impl fmt::Display for Mix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A mix name that is not in the table.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault mix `{0}`: expected one of {names}", names = Mix::names())]
pub struct UnknownMix(pub String);

impl FromStr for Mix {
    type Err = UnknownMix;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let row = MIXES.iter().find(|m| m.name == name);
        row.map(|m| m.mix)
            .ok_or_else(|| UnknownMix(name.to_string()))
    }
}

impl FromStr for Nemesis {
    type Err = UnknownMix;

    /// A preset mix's nemesis, by the mix's name.
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        name.parse::<Mix>().map(Mix::nemesis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fault kind's name is the one JSON writes.
    #[test]
    fn each_kind_is_named_as_json_writes_it() {
        for kind in FaultKind::each() {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.name()));
        }
    }

    #[test]
    fn every_mix_has_one_row_and_parses_from_its_name() {
        for (i, row) in MIXES.iter().enumerate() {
            assert_eq!(row.name.parse::<Mix>(), Ok(row.mix));
            assert_eq!(row.mix.info().name, row.name);
            let same = MIXES
                .iter()
                .filter(|m| m.mix == row.mix || m.name == row.name);
            assert_eq!(same.count(), 1, "row {i} is not unique");
        }
        let e = "meteors".parse::<Mix>().unwrap_err().to_string();
        assert!(e.contains("meteors") && e.contains("leader-churn"), "{e}");
    }
}
