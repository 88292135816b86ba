//! The breadth-first search, its judge, and the replay of what it found.

use super::seen::Seen;
use super::state::{Scripts, State, Taken};
use super::{observed_in, Behaviour, Bounds, Outcome, Progress, Step, Stopped, Violation};
use crate::engine::Explorable;
use crate::harness::scenario::check::{first_judged_failure, Body, Check, When};
use crate::harness::scenario::report::{panic_text, Failure, FailureKind, RunReport};
use crate::harness::scenario::workload::{Scripted, Workload};
use crate::harness::scenario::Scenario;
use crate::linearizability::Verdict;
use crate::marks::Buggify;
use crate::node::Observed;
use crate::plan::FaultPlan;
use crate::rng::SimRng;

/// How often (in new states) a search tells its caller how far it got.
const REPORT_EVERY: u64 = 4096;

/// One search of one scenario: its bounds, and the scripts and workload
/// its clients run.
struct Search<'s, N: Explorable> {
    scenario: &'s Scenario<N>,
    bounds: Bounds,
    scripts: Scripts<N::Op>,
    workload: Box<dyn Workload<N>>,
}

/// The end of one pass of a search, or a call for another pass that keeps
/// more in each state.
enum Pass {
    Done(Box<Outcome>),
    Widen(Observed),
}

impl<N: Explorable + 'static> Scenario<N> {
    /// Searches every behaviour within `bounds`, breadth first (see
    /// [`super`]). `progress` hears how far it got every few thousand
    /// states and at each depth; it stops the search by returning false.
    pub fn explore_exhaustive(
        &self,
        bounds: Bounds,
        progress: &mut dyn FnMut(&Progress) -> bool,
    ) -> Outcome {
        let search = Search::new(self, bounds);
        let mut include = Observed::default();
        loop {
            match search.pass(include, progress) {
                Pass::Done(mut outcome) => {
                    observed_in(&mut outcome, include);
                    return *outcome;
                }
                Pass::Widen(wider) => include = wider,
            }
        }
    }

    /// Takes the steps of `behaviour` from the start of its search,
    /// judging as the search does, and stops at the first failure: a run's
    /// report, with the trace when `record` (the plan is empty; the steps
    /// are the schedule). A step that cannot be taken where it comes is an
    /// error naming it.
    pub fn replay_steps(
        &self,
        behaviour: &Behaviour,
        record: bool,
    ) -> Result<RunReport<N::Op, N::Reply>, String> {
        let search = Search::new(self, behaviour.bounds);
        let mut state = search.root(record);
        let mut undecided = 0;
        let mut failure = search.judged(&state, false, &mut undecided);
        for (i, &step) in behaviour.steps.iter().enumerate() {
            if failure.is_some() {
                break;
            }
            failure = match search.take(&mut state, step) {
                Ok(t) if t.taken => search.judged(&state, t.completed, &mut undecided),
                Ok(_) => return Err(format!("step {} ({step:?}) cannot be taken there", i + 1)),
                Err(panic) => Some(panic),
            };
        }
        Ok(report(behaviour.bounds.seed, state, failure))
    }
}

/// A replayed behaviour as a run's report.
fn report<N: Explorable>(
    seed: u64,
    state: State<N>,
    failure: Option<Failure>,
) -> RunReport<N::Op, N::Reply> {
    let sim = &state.sim;
    RunReport {
        seed,
        plan: FaultPlan::new(),
        trace_hash: sim.trace_hash(),
        client_log: Default::default(),
        failure,
        verdict: None,
        trace: sim.trace().records().map(<[_]>::to_vec),
        txn_cycle: None,
        syncs: sim.trace().syncs().map(<[_]>::to_vec).unwrap_or_default(),
        timings: Vec::new(),
        busiest_second: 0,
        buggified: Vec::new(),
        probes: sim.marks().probes().collect(),
        hot: Vec::new(),
        history: state.history,
    }
}

impl<'s, N: Explorable + 'static> Search<'s, N> {
    fn new(scenario: &'s Scenario<N>, bounds: Bounds) -> Self {
        let mut workload: Box<dyn Workload<N>> = match &scenario.workload {
            Some(make) => make(),
            None => Box::new(Scripted::<N::Op>::new(Vec::new())),
        };
        let nodes = scenario.config.nodes;
        let scripts = (0..bounds.clients)
            .map(|c| {
                (1..=bounds.ops as u64)
                    .map_while(|i| {
                        let mut rng = SimRng::for_operation(bounds.seed, c, i);
                        workload.next_op(&mut rng, c, c as u64, nodes)
                    })
                    .collect()
            })
            .collect();
        Search {
            scenario,
            bounds,
            scripts,
            workload,
        }
    }

    /// The start: the scenario's cluster, with no faults scheduled and
    /// every node started.
    fn root(&self, record: bool) -> State<N> {
        let plan = FaultPlan::new();
        let sim = self
            .scenario
            .simulation(self.bounds.seed, &plan, record, &Buggify::Off);
        State::root(sim, self.bounds.clients)
    }

    /// One pass: breadth first from the start, with `include` in each
    /// state's fingerprint. Calls for another pass if a handler read
    /// something `include` leaves out.
    fn pass(&self, include: Observed, progress: &mut dyn FnMut(&Progress) -> bool) -> Pass {
        let (root, mut outcome, mut seen) = match self.start(include) {
            Ok(started) => started,
            Err(end) => return end,
        };
        let mut paths: Vec<(usize, Step)> = Vec::new();
        let mut level = vec![(root, 0usize)];
        for depth in 0..self.bounds.depth {
            outcome.covered = depth;
            let mut next = Vec::new();
            for (state, at) in &level {
                for step in state.steps(&self.scripts, self.bounds.faults) {
                    let mut s = Box::new((**state).clone());
                    let taken = match self.take(&mut s, step) {
                        Ok(taken) if !taken.taken => continue,
                        Ok(taken) => taken,
                        Err(panic) => {
                            paths.push((*at, step));
                            let found = Some((path(&paths, paths.len()), panic));
                            return stop(outcome, Stopped::Violation, found);
                        }
                    };
                    outcome.transitions += 1;
                    if let Some(wider) = wider(include, s.sim.observed()) {
                        return Pass::Widen(wider);
                    }
                    if !seen.insert(s.fingerprint(include)) {
                        continue; // judged when first reached
                    }
                    paths.push((*at, step));
                    outcome.states = seen.len() as u64;
                    if let Some(failure) = self.judged(&s, taken.completed, &mut outcome.undecided)
                    {
                        let found = Some((path(&paths, paths.len()), failure));
                        return stop(outcome, Stopped::Violation, found);
                    }
                    if outcome.states >= self.bounds.states {
                        return stop(outcome, Stopped::States, None);
                    }
                    let report = outcome.states.is_multiple_of(REPORT_EVERY);
                    if report
                        && !progress(&Progress {
                            states: outcome.states,
                            depth,
                        })
                    {
                        return stop(outcome, Stopped::Interrupted, None);
                    }
                    next.push((s, paths.len()));
                }
            }
            outcome.covered = depth + 1;
            if next.is_empty() {
                return stop(outcome, Stopped::Exhausted, None);
            }
            let states = outcome.states;
            if !progress(&Progress {
                states,
                depth: depth + 1,
            }) {
                return stop(outcome, Stopped::Interrupted, None);
            }
            level = next;
        }
        stop(outcome, Stopped::Depth, None)
    }

    /// The start of a pass, judged, and the set of states seen with it;
    /// or the pass's end, if the start breaks a check or reads what
    /// `include` leaves out.
    fn start(&self, include: Observed) -> Result<(Box<State<N>>, Outcome, Seen), Pass> {
        let mut root = Box::new(self.root(false));
        let mut outcome = self.outcome();
        let mut seen = Seen::new();
        seen.insert(root.fingerprint(include));
        if let Some(failure) = self.judged(&root, false, &mut outcome.undecided) {
            let found = Some((Vec::new(), failure));
            return Err(stop(outcome, Stopped::Violation, found));
        }
        match wider(include, root.sim.observed()) {
            Some(wider) => Err(Pass::Widen(wider)),
            None => Ok((root, outcome, seen)),
        }
    }

    fn outcome(&self) -> Outcome {
        let not_judged = self
            .scenario
            .checks
            .iter()
            .filter(|c| matches!(c.body, Body::Monitor { .. }) || c.when() == When::AfterHeal);
        Outcome {
            bounds: self.bounds,
            states: 1,
            transitions: 0,
            covered: 0,
            stopped: Stopped::Depth,
            violation: None,
            undecided: 0,
            not_judged: not_judged.flat_map(|c| c.names().to_vec()).collect(),
            clock_in_state: false,
            random_in_state: false,
        }
    }

    /// Takes `step` in `state`: whether it could be taken, and whether an
    /// operation completed. A panic in the model's code is a failure there.
    fn take(&self, state: &mut State<N>, step: Step) -> Result<Taken, Failure> {
        let workload = self.workload.as_ref();
        let taken = catch(|| state.take(step, &self.scripts, workload));
        taken.map_err(|message| panicked(state, message))
    }

    /// [`Search::judge`], with a panic in a check as a failure.
    fn judged(&self, state: &State<N>, completed: bool, undecided: &mut u64) -> Option<Failure> {
        catch(|| self.judge(state, completed, undecided))
            .unwrap_or_else(|m| Some(panicked(state, m)))
    }

    /// The first check that fails in `state`: the invariants, and when an
    /// operation has just completed, the checks of the history.
    fn judge(&self, state: &State<N>, completed: bool, undecided: &mut u64) -> Option<Failure> {
        let (sim, history) = (&state.sim, &state.history);
        let checks = &self.scenario.checks;
        let failure = |kind, message| Failure {
            kind,
            message,
            at: sim.now(),
        };
        for when in [When::EveryEvent, When::EndOfSafety] {
            if let Some(message) = first_judged_failure(checks, when, "", sim, history) {
                return Some(failure(FailureKind::Invariant, message));
            }
        }
        if !completed {
            return None;
        }
        for check in checks {
            let Body::Linearizable(_, judge) = &check.body else {
                continue;
            };
            match judge(history) {
                Verdict::NotLinearizable(c) => {
                    return Some(failure(FailureKind::Linearizability, c.to_string()))
                }
                Verdict::Unknown { .. } => *undecided += 1,
                Verdict::Linearizable => {}
            }
        }
        let transactional = |c: &&Check<N>| matches!(c.body, Body::Transactional(..));
        if checks.iter().any(|c| transactional(&c)) {
            return self.scenario.check_transactions(sim, history, &mut None);
        }
        None
    }
}

/// `include` widened by what the handlers have `read`, if that adds any.
fn wider(include: Observed, read: Observed) -> Option<Observed> {
    let wide = Observed {
        clock: include.clock || read.clock,
        random: include.random || read.random,
    };
    (wide != include).then_some(wide)
}

/// The steps from the start to state `at` (1-based; 0 is the start).
fn path(paths: &[(usize, Step)], mut at: usize) -> Vec<Step> {
    let mut steps = Vec::new();
    while at > 0 {
        let (parent, step) = paths[at - 1];
        steps.push(step);
        at = parent;
    }
    steps.reverse();
    steps
}

/// `f`'s answer, or what it panicked with.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|p| panic_text(p.as_ref()))
}

/// A panic of the model's code in `state`, as a failure.
fn panicked<N: Explorable>(state: &State<N>, message: String) -> Failure {
    Failure {
        kind: FailureKind::Panic,
        message: format!("the model panicked: {message}"),
        at: state.sim.now(),
    }
}

/// The end of a pass: `outcome`, stopped for `stopped`, with what it found.
fn stop(mut outcome: Outcome, stopped: Stopped, found: Option<(Vec<Step>, Failure)>) -> Pass {
    outcome.stopped = stopped;
    outcome.violation = found.map(|(steps, failure)| Violation { steps, failure });
    Pass::Done(Box::new(outcome))
}
