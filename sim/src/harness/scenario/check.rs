//! One way to state a check: a [`Check`] is a named property and the
//! [`When`] at which a run judges it, as stateright's `Expectation` is one
//! concept. Every builder call that adds a check ([`Scenario::invariant`],
//! [`Scenario::eventually`], [`Scenario::linearizable`], …) is sugar for
//! [`Scenario::check`] with one of the constructors here.
//!
//! ```
//! use sim::scenario::{Check, When};
//! # use sim::{Context, Node, NodeId};
//! # struct Quiet;
//! # impl Node for Quiet {
//! #     type Message = ();
//! #     type Timer = ();
//! #     type Block = ();
//! #     type Op = ();
//! #     type Reply = ();
//! #     fn on_start(&mut self, _: &mut Context<'_, Self>) {}
//! #     fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, _: ()) {}
//! #     fn on_recover(&mut self, _: &mut Context<'_, Self>) {}
//! # }
//! let up = Check::<Quiet>::always("no node down for good", |sim| Ok(()));
//! assert_eq!(up.when(), When::EveryEvent);
//! let healed = Check::<Quiet>::eventually("every node up", |sim| Ok(()));
//! assert_eq!(healed.when(), When::AfterHeal);
//! ```
//!
//! [`Scenario::check`]: super::Scenario::check
//! [`Scenario::invariant`]: super::Scenario::invariant
//! [`Scenario::eventually`]: super::Scenario::eventually
//! [`Scenario::linearizable`]: super::Scenario::linearizable

use crate::engine::Simulation;
use crate::history::History;
use crate::linearizability::Verdict;
use crate::node::Node;
use crate::spec::SequentialSpec;
use crate::staleness::ReadHistory;
use crate::time::SimDuration;
use crate::txn::{ConsistencyModel, TxnHistory};

/// When a run judges a check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum When {
    /// After every event of the safety phase, on the state and the client
    /// history so far: an invariant.
    EveryEvent,
    /// Once, when the safety phase ends, on its whole client history.
    EndOfSafety,
    /// Once, at the end of the liveness phase, after every fault has been
    /// healed for the scenario's `liveness_for`: an "eventually".
    AfterHeal,
}

/// A client history of node type `N`.
pub type ClientHistory<N> = History<<N as Node>::Op, <N as Node>::Reply>;
/// A check with memory, made fresh for each run: it sees the simulation
/// after every event (see [`Check::monitor`]).
pub type Monitor<N> = Box<dyn FnMut(&Simulation<N>) -> Result<(), String>>;
type Judge<N> = Box<dyn Fn(&Simulation<N>, &ClientHistory<N>) -> Result<(), String>>;
type MakeMonitor<N> = Box<dyn Fn() -> Monitor<N>>;
type Linearize<N> = Box<dyn Fn(&ClientHistory<N>) -> Verdict>;
type ToTxns<N> = Box<dyn Fn(&ClientHistory<N>) -> TxnHistory>;

/// What a check runs.
pub(super) enum Body<N: Node> {
    /// A property of the state and the history, at its `When`.
    Judge(When, Judge<N>),
    /// A fresh monitor per run, after every event. `names_itself`: its
    /// failures start with the property that broke (one of the check's
    /// names), and are reported as they are.
    Monitor {
        make: MakeMonitor<N>,
        names_itself: bool,
    },
    /// Linearizability of the history against the named spec.
    Linearizable(String, Linearize<N>),
    /// The history as transactions, against a consistency model.
    Transactional(ConsistencyModel, ToTxns<N>),
}

/// One named property of a run, judged at its [`When`].
pub struct Check<N: Node> {
    /// The properties it checks (more than one only for
    /// [`Check::properties`]).
    pub(super) names: Vec<String>,
    pub(super) body: Body<N>,
}

impl<N: Node + 'static> Check<N> {
    /// The general form: `judge` sees the simulation and the client
    /// history (so far, for [`When::EveryEvent`]) at `when`. A failure is
    /// reported as `name: what it said` (after a heal, `eventually name: …`).
    pub fn new(
        when: When,
        name: &str,
        judge: impl Fn(&Simulation<N>, &ClientHistory<N>) -> Result<(), String> + 'static,
    ) -> Self {
        Check {
            names: vec![name.to_string()],
            body: Body::Judge(when, Box::new(judge)),
        }
    }

    /// An invariant of the state, after every event of the safety phase.
    pub fn always(
        name: &str,
        holds: impl Fn(&Simulation<N>) -> Result<(), String> + 'static,
    ) -> Self {
        Check::new(When::EveryEvent, name, move |sim, _| holds(sim))
    }

    /// A property of the state once every fault has been healed.
    pub fn eventually(
        name: &str,
        holds: impl Fn(&Simulation<N>) -> Result<(), String> + 'static,
    ) -> Self {
        Check::new(When::AfterHeal, name, move |sim, _| holds(sim))
    }

    /// A property of the client history when the safety phase ends ("every
    /// audit sees the same total").
    pub fn of_history(
        name: &str,
        holds: impl Fn(&ClientHistory<N>) -> Result<(), String> + 'static,
    ) -> Self {
        Check::new(When::EndOfSafety, name, move |_, history| holds(history))
    }

    /// An invariant over the run so far rather than the present state,
    /// such as "at most one leader per term" (leaders of a term may crash
    /// and be forgotten by every node, but not by the monitor). `make`
    /// builds a fresh monitor for each run; it sees the simulation after
    /// every event of the safety phase.
    pub fn monitor<M>(name: &str, make: impl Fn() -> M + 'static) -> Self
    where
        M: FnMut(&Simulation<N>) -> Result<(), String> + 'static,
    {
        Check {
            names: vec![name.to_string()],
            body: Body::Monitor {
                make: Box::new(move || Box::new(make())),
                names_itself: false,
            },
        }
    }

    /// One monitor that checks several properties in one pass over the
    /// nodes, such as Raft's four safety properties. Each failure must
    /// start with the name of the property that broke (one of
    /// `properties`), and is reported as it is.
    ///
    /// # Panics
    /// If `properties` is empty.
    pub fn properties<M>(properties: &[&str], make: impl Fn() -> M + 'static) -> Self
    where
        M: FnMut(&Simulation<N>) -> Result<(), String> + 'static,
    {
        assert!(!properties.is_empty(), "a monitor checks some property");
        Check {
            names: properties.iter().map(|p| p.to_string()).collect(),
            body: Body::Monitor {
                make: Box::new(move || Box::new(make())),
                names_itself: true,
            },
        }
    }

    /// The history is linearizable against `spec`, once `translate` has
    /// put it in the spec's terms; judged when the safety phase ends. A
    /// verdict of unknown is not a failure.
    pub fn linearizable<S: SequentialSpec + 'static>(
        spec: S,
        translate: impl Fn(&ClientHistory<N>) -> History<S::Input, S::Output> + 'static,
    ) -> Self {
        let check = move |h: &ClientHistory<N>| {
            crate::linearizability::check(&spec, &translate(h))
                .expect("the harness records paired histories")
        };
        Check {
            names: vec![format!("linearizable ({} spec)", S::NAME)],
            body: Body::Linearizable(S::NAME.to_string(), Box::new(check)),
        }
    }

    /// The history, made transactions by `translate` (see [`crate::txn`]
    /// and [`TxnHistory::from_client_history`]), satisfies `model`; judged
    /// when the safety phase ends. An unknown verdict is not a failure.
    pub fn transactional(
        model: ConsistencyModel,
        translate: impl Fn(&ClientHistory<N>) -> TxnHistory + 'static,
    ) -> Self {
        Check {
            names: vec![format!("{model} (transactions)")],
            body: Body::Transactional(model, Box::new(translate)),
        }
    }

    /// The read guarantees of a store with lagging replicas (see
    /// [`crate::staleness`]): prefix consistency, the session guarantees,
    /// and staleness within `bound`, once `translate` has made the history
    /// a [`ReadHistory`]. An unknown verdict is not a failure.
    pub fn read_guarantees(
        bound: SimDuration,
        translate: impl Fn(&ClientHistory<N>) -> ReadHistory + 'static,
    ) -> Self {
        let name = format!("read guarantees (staleness within {bound})");
        Check::of_history(&name, move |h| {
            crate::staleness::check(&translate(h), bound).into_result()
        })
    }

    /// When a run judges it.
    pub fn when(&self) -> When {
        match &self.body {
            Body::Judge(when, _) => *when,
            Body::Monitor { .. } => When::EveryEvent,
            Body::Linearizable(..) | Body::Transactional(..) => When::EndOfSafety,
        }
    }

    /// The properties it checks, by name.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The sequential spec it checks the history against, if it is a
    /// linearizability check.
    pub(super) fn spec(&self) -> Option<&str> {
        match &self.body {
            Body::Linearizable(spec, _) => Some(spec),
            _ => None,
        }
    }
}

/// The checks of one run that have memory: a fresh monitor per
/// [`Body::Monitor`], by the check's index.
pub(super) struct Monitors<N: Node> {
    fresh: Vec<(usize, Monitor<N>)>,
}

impl<N: Node + 'static> Monitors<N> {
    /// A fresh monitor for each check that has memory.
    pub(super) fn fresh(checks: &[Check<N>]) -> Self {
        let fresh = checks
            .iter()
            .enumerate()
            .filter_map(|(i, c)| match &c.body {
                Body::Monitor { make, .. } => Some((i, make())),
                _ => None,
            });
        Monitors {
            fresh: fresh.collect(),
        }
    }

    /// The first check judged after every event that fails now, in the
    /// order they were added, as its report.
    pub(super) fn first_violation(
        &mut self,
        checks: &[Check<N>],
        sim: &Simulation<N>,
        history: &ClientHistory<N>,
    ) -> Option<String> {
        let mut monitors = self.fresh.iter_mut().peekable();
        for (i, check) in checks.iter().enumerate() {
            let verdict = match &check.body {
                Body::Judge(When::EveryEvent, judge) => judge(sim, history),
                Body::Monitor { names_itself, .. } => {
                    let (at, monitor) = monitors.next().expect("a monitor per check");
                    debug_assert_eq!(*at, i, "monitors are in the checks' order");
                    match monitor(sim) {
                        Err(e) if *names_itself => return Some(named_by_itself(check, e)),
                        verdict => verdict,
                    }
                }
                _ => continue,
            };
            if let Err(e) = verdict {
                return Some(format!("{}: {e}", check.names[0]));
            }
        }
        None
    }
}

/// A failure of a monitor that names its property itself, as it is.
fn named_by_itself<N: Node>(check: &Check<N>, message: String) -> String {
    debug_assert!(
        check.names.iter().any(|p| message.starts_with(p.as_str())),
        "a monitor's failure names its property: {message}"
    );
    message
}

/// The first check of `checks` judged at `when` (by [`Body::Judge`]) that
/// fails on this state and history, as `prefix name: what it said`.
pub(super) fn first_judged_failure<N: Node>(
    checks: &[Check<N>],
    when: When,
    prefix: &str,
    sim: &Simulation<N>,
    history: &ClientHistory<N>,
) -> Option<String> {
    checks.iter().find_map(|check| match &check.body {
        Body::Judge(w, judge) if *w == when => {
            let e = judge(sim, history).err()?;
            Some(format!("{prefix}{}: {e}", check.names[0]))
        }
        _ => None,
    })
}
