//! Bug switches: a model's classic mistakes, each re-created on demand.
//!
//! A model's switches are an enum of its own, declared once with
//! [`bug_switches!`](crate::bug_switches): each variant's command-line
//! name, its description (the variant's doc comment), and the hunt that
//! catches it (a fault mix and the seed budget within which a sweep from
//! seed 0 must fail). Everything else — `faultline list`, `--bug` parsing,
//! the table in docs/bug-finding.md, the test that holds each model to its budget — is
//! derived from that declaration.

use crate::core::Liveness;
use crate::mix::Mix;
use serde::{Deserialize, Serialize};

/// How a bug switch is caught: under `mix`, a sweep from seed 0 fails
/// within `within_seeds` seeds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hunt {
    /// The fault mix.
    pub mix: Mix,
    /// The seed budget.
    pub within_seeds: u64,
    /// True for a switch that is harmless alone by design (another part of
    /// the protocol masks it): a sweep of `within_seeds` seeds under `mix`
    /// must find *nothing*. Its row in docs/bug-finding.md says what it is caught with.
    pub harmless: bool,
    /// The liveness phase the hunt runs: [`Liveness::Core`] for a switch
    /// only the core liveness mode finds.
    pub liveness: Liveness,
}

/// A model's bug switches (declare them with [`crate::bug_switches!`]).
pub trait BugSwitch: Copy + std::fmt::Debug + Send + Sync + 'static {
    /// Every switch.
    const ALL: &'static [Self];
    /// Its command-line name.
    fn name(self) -> &'static str;
    /// What it re-creates (its doc comment).
    fn about(self) -> &'static str;
    /// How it is caught.
    fn hunt(self) -> Hunt;
    /// The switch with this command-line name.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|b| b.name() == name)
    }
}

/// For a model with no bug switches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoBugs {}

impl BugSwitch for NoBugs {
    const ALL: &'static [Self] = &[];
    fn name(self) -> &'static str {
        match self {}
    }
    fn about(self) -> &'static str {
        match self {}
    }
    fn hunt(self) -> Hunt {
        match self {}
    }
}

/// A bug switch as `faultline list --json` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BugInfo {
    /// Its command-line name.
    pub name: String,
    /// What it re-creates, in one paragraph.
    pub about: String,
    /// The fault mix that catches it.
    pub mix: String,
    /// The seed budget within which a sweep from seed 0 under `mix` fails
    /// (for a harmless switch: passes).
    pub within_seeds: u64,
    /// Harmless alone, by design: see [`Hunt::harmless`].
    #[serde(default)]
    pub harmless: bool,
    /// The liveness phase that catches it (see [`Hunt::liveness`]).
    #[serde(default, skip_serializing_if = "Liveness::is_heal_all")]
    pub liveness: Liveness,
}

impl BugInfo {
    /// The faults its hunt runs, as `explore` takes them: the mix's name,
    /// and `--liveness core` when only the core liveness mode finds it.
    pub fn faults(&self) -> String {
        match self.liveness {
            Liveness::HealAll => self.mix.clone(),
            Liveness::Core => format!("{} --liveness core", self.mix),
        }
    }

    /// The description of every switch of `B`.
    pub fn all<B: BugSwitch>() -> Vec<BugInfo> {
        B::ALL.iter().map(|&b| BugInfo::of(b)).collect()
    }

    /// One switch's description.
    pub fn of<B: BugSwitch>(bug: B) -> BugInfo {
        let about: Vec<&str> = bug.about().split_whitespace().collect();
        let hunt = bug.hunt();
        BugInfo {
            name: bug.name().to_string(),
            about: about.join(" "),
            mix: hunt.mix.name().to_string(),
            within_seeds: hunt.within_seeds,
            harmless: hunt.harmless,
            liveness: hunt.liveness,
        }
    }
}

/// Whether a switch declared `caught` or `harmless` (see
/// [`bug_switches!`](crate::bug_switches)) is harmless alone; any other word does not compile.
#[macro_export]
macro_rules! bug_verdict {
    (caught) => {
        false
    };
    (harmless) => {
        true
    };
}

/// Whether a switch's hunt runs the core liveness mode (`… by All in core
/// within N`) or heals everything (no `in`).
#[macro_export]
macro_rules! bug_liveness {
    () => {
        $crate::core::Liveness::HealAll
    };
    (core) => {
        $crate::core::Liveness::Core
    };
}

/// Declares a model's bug switches: an enum, and its [`BugSwitch`]
/// implementation. Each variant carries its doc comment (what it
/// re-creates), its command-line name, and how it is caught: the fault mix
/// (a [`Mix`](crate::Mix) variant), `in core` for a switch only the core
/// liveness mode finds (see [`crate::core`]), and the seed budget. A switch that
/// another part of the protocol masks by design is declared `harmless by
/// Mix within N`: N seeds under the mix find nothing.
///
/// ```
/// sim::bug_switches! {
///     /// My protocol's bug switches.
///     pub enum MyBug {
///         /// Acknowledge a write before it is durable.
///         AckEarly = "ack-early", caught by Crashes within 100,
///     }
/// }
/// use sim::model::BugSwitch;
/// assert_eq!(MyBug::from_name("ack-early"), Some(MyBug::AckEarly));
/// assert_eq!(MyBug::AckEarly.hunt().within_seeds, 100);
/// ```
#[macro_export]
macro_rules! bug_switches {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Enum:ident {
            $(
                $(#[doc = $doc:literal])+
                $Variant:ident = $name:literal, $verdict:ident by $mix:ident $(in $mode:ident)? within $seeds:literal
            ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        $vis enum $Enum {
            $(
                $(#[doc = $doc])+
                $Variant,
            )+
        }

        impl $crate::model::BugSwitch for $Enum {
            const ALL: &'static [Self] = &[$($Enum::$Variant),+];
            fn name(self) -> &'static str {
                match self {
                    $($Enum::$Variant => $name,)+
                }
            }
            fn about(self) -> &'static str {
                match self {
                    $($Enum::$Variant => concat!($($doc, "\n"),+),)+
                }
            }
            fn hunt(self) -> $crate::model::Hunt {
                match self {
                    $($Enum::$Variant => $crate::model::Hunt {
                        mix: $crate::Mix::$mix,
                        within_seeds: $seeds,
                        harmless: $crate::bug_verdict!($verdict),
                        liveness: $crate::bug_liveness!($($mode)?),
                    },)+
                }
            }
        }
    };
}
