//! Two-phase commit written twice, the same way: once as a faultline node,
//! once as a stateright actor. The benchmark `exhaustive_vs_stateright`
//! times both searches; the test of the same name checks that they count
//! the same states.
//!
//! The protocol is Gray and Lamport's, as stateright's `2pc` example has
//! it, made of actors: a transaction manager (node 0) and `rms` resource
//! managers. A resource manager decides by timer to prepare (and tells the
//! manager) or to abort; the manager aborts by timer while undecided, and
//! commits once every resource manager has prepared. Every handler changes
//! the state, so stateright's rule that a handler which changes nothing is
//! no step at all never applies, and the two state graphs are the same.
//! The network is unordered and neither loses nor doubles messages; no
//! node crashes.

// Timing is measured outside any simulation.
#![allow(dead_code, clippy::disallowed_types, clippy::disallowed_methods)]

use sim::scenario::exhaustive::{Bounds, Outcome};
use sim::scenario::{Check, Scenario};
use sim::{Context, Node, NodeId, TimerId};
use std::borrow::Cow;
use std::time::Duration;

/// A resource manager's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Rm {
    /// Not decided yet.
    Working,
    /// Prepared to commit.
    Prepared,
    /// Committed.
    Committed,
    /// Aborted.
    Aborted,
}

/// The manager's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Tm {
    /// Not decided yet.
    Init,
    /// Committed.
    Committed,
    /// Aborted.
    Aborted,
}

/// Messages: a resource manager has prepared; the manager's decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Msg {
    /// Sent to the manager.
    Prepared,
    /// Sent to every resource manager.
    Commit,
    /// Sent to every resource manager.
    Abort,
}

/// The timers that stand for a spontaneous choice.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Timer {
    /// A resource manager prepares.
    Prepare,
    /// A resource manager aborts.
    Abort,
    /// The manager aborts.
    TmAbort,
}

/// One participant's state, the same in both frameworks.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum State {
    /// The manager: its decision and who has prepared.
    Tm { state: Tm, prepared: Vec<bool> },
    /// A resource manager: its state and whether the decision reached it.
    Rm { state: Rm, heard: bool },
}

impl State {
    fn start(id: usize, rms: usize) -> State {
        match id {
            0 => State::Tm {
                state: Tm::Init,
                prepared: vec![false; rms],
            },
            _ => State::Rm {
                state: Rm::Working,
                heard: false,
            },
        }
    }
}

/// What a handler asks for, in either framework.
trait Out {
    fn send(&mut self, to: usize, msg: Msg);
    fn cancel(&mut self, timer: Timer);
}

/// A message's effect, written once for both frameworks.
fn on_msg(state: &mut State, from: usize, msg: Msg, rms: usize, out: &mut impl Out) {
    match (state, msg) {
        (State::Tm { state, prepared }, Msg::Prepared) => {
            prepared[from - 1] = true;
            if *state == Tm::Init && prepared.iter().all(|p| *p) {
                *state = Tm::Committed;
                out.cancel(Timer::TmAbort);
                (1..=rms).for_each(|rm| out.send(rm, Msg::Commit));
            }
        }
        (State::Rm { state, heard }, Msg::Commit | Msg::Abort) => {
            if *state == Rm::Working {
                out.cancel(Timer::Prepare);
                out.cancel(Timer::Abort);
            }
            *heard = true;
            *state = match msg {
                Msg::Commit => Rm::Committed,
                _ => Rm::Aborted,
            };
        }
        _ => unreachable!("no other message is sent"),
    }
}

/// A timer's effect, written once for both frameworks.
fn on_timer(state: &mut State, timer: Timer, rms: usize, out: &mut impl Out) {
    match (state, timer) {
        (State::Tm { state, .. }, Timer::TmAbort) => {
            *state = Tm::Aborted;
            (1..=rms).for_each(|rm| out.send(rm, Msg::Abort));
        }
        (State::Rm { state, .. }, Timer::Prepare) => {
            *state = Rm::Prepared;
            out.cancel(Timer::Abort);
            out.send(0, Msg::Prepared);
        }
        (State::Rm { state, .. }, Timer::Abort) => {
            *state = Rm::Aborted;
            out.cancel(Timer::Prepare);
        }
        _ => unreachable!("no other timer is set"),
    }
}

/// The invariant: no resource manager commits while another aborts.
fn consistent<'a>(states: impl Iterator<Item = &'a State>) -> bool {
    let (mut committed, mut aborted) = (false, false);
    for s in states {
        if let State::Rm { state, .. } = s {
            committed |= *state == Rm::Committed;
            aborted |= *state == Rm::Aborted;
        }
    }
    !(committed && aborted)
}

// ---- faultline ----

/// A faultline node: the state, and the handles of its timers.
#[derive(Clone, Debug, Hash)]
pub(crate) struct Participant {
    state: State,
    rms: usize,
    timers: Vec<(Timer, TimerId)>,
}

struct FaultlineOut<'c, 'a> {
    ctx: &'c mut Context<'a, Participant>,
    timers: &'c mut Vec<(Timer, TimerId)>,
}

impl Out for FaultlineOut<'_, '_> {
    fn send(&mut self, to: usize, msg: Msg) {
        self.ctx.send(NodeId::from(to), msg);
    }
    fn cancel(&mut self, timer: Timer) {
        if let Some(i) = self.timers.iter().position(|(t, _)| *t == timer) {
            let (_, id) = self.timers.remove(i);
            self.ctx.cancel_timer(id);
        }
    }
}

impl Participant {
    fn handle(
        &mut self,
        ctx: &mut Context<'_, Self>,
        act: impl FnOnce(&mut State, usize, &mut FaultlineOut<'_, '_>),
    ) {
        let mut out = FaultlineOut {
            ctx,
            timers: &mut self.timers,
        };
        act(&mut self.state, self.rms, &mut out);
    }
}

impl Node for Participant {
    type Message = Msg;
    type Timer = Timer;
    type Block = ();
    type Op = ();
    type Reply = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        let timers: &[Timer] = match self.state {
            State::Tm { .. } => &[Timer::TmAbort],
            State::Rm { .. } => &[Timer::Prepare, Timer::Abort],
        };
        for &t in timers {
            let id = ctx.set_timer(sim::SimDuration::from_millis(1), t);
            self.timers.push((t, id));
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Msg) {
        self.handle(ctx, |state, rms, out| {
            on_msg(state, from.index(), msg, rms, out)
        });
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: Timer) {
        self.timers.retain(|(t, _)| *t != timer);
        self.handle(ctx, |state, rms, out| on_timer(state, timer, rms, out));
    }

    fn on_recover(&mut self, _: &mut Context<'_, Self>) {}
}

/// The faultline scenario of `rms` resource managers.
pub(crate) fn faultline_scenario(rms: usize) -> Scenario<Participant> {
    Scenario::new(move |id: NodeId| Participant {
        state: State::start(id.index(), rms),
        rms,
        timers: Vec::new(),
    })
    .nodes(rms + 1)
    .check(Check::always(
        "consistent",
        |sim: &sim::Simulation<Participant>| {
            let states = sim.live_nodes().map(|(_, p)| &p.state);
            match consistent(states) {
                true => Ok(()),
                false => Err("one resource manager committed, another aborted".into()),
            }
        },
    ))
}

/// Every state of `rms` resource managers, searched by faultline.
pub(crate) fn faultline_search(rms: usize) -> Outcome {
    let bounds = Bounds {
        depth: u32::MAX,
        states: u64::MAX,
        faults: 0,
        clients: 0,
        ops: 0,
        seed: 0,
    };
    faultline_scenario(rms).explore_exhaustive(bounds, &mut |_| true)
}

// ---- stateright ----

/// The same participant as a stateright actor.
#[derive(Clone)]
pub(crate) struct Actor {
    rms: usize,
}

struct StaterightOut<'o>(&'o mut stateright::actor::Out<Actor>);

impl Out for StaterightOut<'_> {
    fn send(&mut self, to: usize, msg: Msg) {
        self.0.send(stateright::actor::Id::from(to), msg);
    }
    fn cancel(&mut self, timer: Timer) {
        self.0.cancel_timer(timer);
    }
}

impl stateright::actor::Actor for Actor {
    type Msg = Msg;
    type Timer = Timer;
    type State = State;
    type Storage = ();
    type Random = ();

    fn on_start(
        &self,
        id: stateright::actor::Id,
        _: &Option<()>,
        o: &mut stateright::actor::Out<Self>,
    ) -> State {
        let state = State::start(usize::from(id), self.rms);
        let timers: &[Timer] = match state {
            State::Tm { .. } => &[Timer::TmAbort],
            State::Rm { .. } => &[Timer::Prepare, Timer::Abort],
        };
        for &t in timers {
            o.set_timer(t, Duration::from_millis(1)..Duration::from_millis(2));
        }
        state
    }

    fn on_msg(
        &self,
        _: stateright::actor::Id,
        state: &mut Cow<State>,
        src: stateright::actor::Id,
        msg: Msg,
        o: &mut stateright::actor::Out<Self>,
    ) {
        on_msg(
            state.to_mut(),
            usize::from(src),
            msg,
            self.rms,
            &mut StaterightOut(o),
        );
    }

    fn on_timeout(
        &self,
        _: stateright::actor::Id,
        state: &mut Cow<State>,
        timer: &Timer,
        o: &mut stateright::actor::Out<Self>,
    ) {
        on_timer(state.to_mut(), *timer, self.rms, &mut StaterightOut(o));
    }
}

/// Every state of `rms` resource managers, searched by stateright on one
/// thread, breadth first: the unique states it counted.
pub(crate) fn stateright_search(rms: usize) -> usize {
    use stateright::actor::{ActorModel, Network};
    use stateright::{Checker, Expectation, Model};
    let model = ActorModel::new((), ())
        .actors((0..=rms).map(|_| Actor { rms }))
        .init_network(Network::new_unordered_nonduplicating([]))
        .property(Expectation::Always, "consistent", |_, state| {
            consistent(state.actor_states.iter().map(|s| &**s))
        });
    let checker = model.checker().threads(1).spawn_bfs().join();
    checker.assert_properties();
    checker.unique_state_count()
}
