//! One seed of a scenario, phase by phase: the safety phase (clients
//! under the plan, the checks judged after every event), the checks of the
//! whole history, then the liveness phase (every fault healed, each client
//! must make progress, the checks judged after the heal).

use super::budget::Over;
use super::check::{first_judged_failure, Body, ClientHistory, Monitors, When};
use super::clients::Clients;
use super::hot::HotWatch;
use super::report::{self, Failure, FailureKind, RunReport};
use super::{Meter, Scenario, Trim};
use crate::config::SimConfig;
use crate::engine::Simulation;
use crate::linearizability::Verdict;
use crate::marks::Buggify;
use crate::node::Node;
use crate::plan::FaultPlan;
use crate::time::{SimDuration, SimTime};

/// What a run watches after every event: in the safety phase, the run's
/// monitors and the harness-level probes not reached yet (by index); in
/// both phases, the hot monitors.
struct Watch<N: Node> {
    monitors: Monitors<N>,
    unreached: Vec<usize>,
    hot: HotWatch,
}

/// A run over its budget, as a failure.
fn over<N: Node>(sim: &Simulation<N>, over: Over) -> Failure {
    Failure {
        kind: match over.storm {
            true => FailureKind::Storm,
            false => FailureKind::Runaway,
        },
        message: over.message,
        at: sim.now(),
    }
}

impl<N: Node + 'static> Scenario<N>
where
    N::Op: Clone,
    N::Reply: Clone,
{
    /// Runs one seed under its own plan.
    pub fn run_seed(&self, seed: u64) -> RunReport<N::Op, N::Reply> {
        self.run_with_plan(seed, self.plan_for(seed))
    }

    /// Runs one seed under `plan`.
    ///
    /// # Panics
    /// If the scenario's config or the plan is invalid for it (see
    /// [`FaultPlan::validate`]; check a plan from outside before running it).
    pub fn run_with_plan(&self, seed: u64, plan: FaultPlan) -> RunReport<N::Op, N::Reply> {
        let record = self.config.record_trace;
        self.run_plan(seed, plan, record, &self.buggify, Trim::default())
    }

    /// Runs one seed under `plan` with the fault points `buggify` allows
    /// (a replay's or a shrink step's: [`Buggify::Sites`]), cut down by
    /// `trim` (see [`Trim`]).
    ///
    /// # Panics
    /// If `trim` does not fit the scenario ([`Trim::validate`]).
    pub fn run_with(
        &self,
        seed: u64,
        plan: FaultPlan,
        buggify: &Buggify,
        trim: Trim,
    ) -> RunReport<N::Op, N::Reply> {
        if let Err(e) = trim.validate(self.clients, self.safety_for) {
            panic!("{e}");
        }
        self.run_plan(seed, plan, self.config.record_trace, buggify, trim)
    }

    /// Runs one seed under `plan`, recording the trace or not.
    pub(super) fn run_plan(
        &self,
        seed: u64,
        plan: FaultPlan,
        record: bool,
        buggify: &Buggify,
        trim: Trim,
    ) -> RunReport<N::Op, N::Reply> {
        let mut sim = self.simulation(seed, &plan, record, buggify);
        let workload = self.workload.as_ref().map(|w| w());
        let count = trim.clients.unwrap_or(self.clients);
        let timeout = self.client_timeout;
        let mut clients = Clients::new(count, workload, seed, timeout, trim.ops_per_client);
        let safety_for = trim.safety_for.unwrap_or(self.safety_for);
        // A panic in the model's code (a handler, a check, the workload) is a
        // failure of the run, with the trace hash up to where it happened.
        let mut meter = Meter::new(self.budget, "safety");
        let mut watch = Watch {
            monitors: Monitors::fresh(&self.checks),
            unreached: (0..self.state_probes.len()).collect(),
            hot: HotWatch::new(&self.hot),
        };
        let phases = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let w = &mut watch;
            let mut failure = self.safety(&mut sim, &mut clients, safety_for, &mut meter, w);
            let mut cycle = None;
            let verdict = match &failure {
                None => self.check_history(&clients.history, sim.now(), &mut failure),
                Some(_) => None,
            };
            if failure.is_none() {
                failure = self.check_transactions(&sim, &clients.history, &mut cycle);
            }
            if failure.is_none() {
                failure = self.liveness(&mut sim, &mut clients, &plan, &mut meter, w);
            }
            (failure, verdict, cycle)
        }));
        let (failure, verdict, txn_cycle) = phases.unwrap_or_else(|payload| {
            let message = format!(
                "the model panicked: {}",
                report::panic_text(payload.as_ref())
            );
            let failure = Failure {
                kind: FailureKind::Panic,
                message,
                at: sim.now(),
            };
            (Some(failure), None, None)
        });
        let failure = self.undeclared_site(&sim).or(failure);
        let timings = self.timings.as_ref().map_or_else(Vec::new, |m| m(&sim));
        RunReport {
            seed,
            timings,
            busiest_second: meter.peak(),
            buggified: sim.marks().fired(),
            probes: sim.marks().probes().collect(),
            hot: watch.hot.stretches(),
            plan,
            trace_hash: sim.trace_hash(),
            history: clients.history,
            client_log: clients.log,
            failure,
            verdict,
            trace: sim.trace().records().map(<[_]>::to_vec),
            syncs: sim.trace().syncs().map(<[_]>::to_vec).unwrap_or_default(),
            txn_cycle,
        }
    }

    /// The simulation of one run: the scenario's cluster for `seed`, with
    /// its focus, its versions and `plan` scheduled.
    pub(super) fn simulation(
        &self,
        seed: u64,
        plan: &FaultPlan,
        record: bool,
        buggify: &Buggify,
    ) -> Simulation<N> {
        let config = SimConfig {
            seed,
            record_trace: record,
            buggify: buggify.clone(),
            ..self.config.clone()
        };
        let factory = self.factory.clone();
        let mut sim = Simulation::new(config, move |id| factory(id))
            .unwrap_or_else(|e| panic!("scenario config: {e}"));
        if let Some((_, focus)) = &self.focus {
            sim.set_focus(focus.clone());
        }
        if let Some(versioned) = self.versioned.clone() {
            sim.set_versions(self.newest_version(), move |id, v| versioned(id, v));
        }
        plan.schedule(&mut sim)
            .unwrap_or_else(|e| panic!("fault plan: {e}"));
        sim
    }

    /// A fault point the run evaluated that the scenario does not declare,
    /// as a failure: the model is misdescribed, and an artifact listing it
    /// would be refused.
    fn undeclared_site(&self, sim: &Simulation<N>) -> Option<Failure> {
        let mut evaluated = sim.marks().evaluated();
        let site = evaluated.find(|s| !self.fault_points.contains(s))?;
        Some(Failure {
            kind: FailureKind::Panic,
            message: format!(
                "the model evaluates fault point `{site}`, which its scenario does not \
                 declare: add `.fault_point(\"{site}\")` to it"
            ),
            at: sim.now(),
        })
    }

    /// The safety phase: clients under the plan, every invariant and monitor
    /// after every event.
    fn safety(
        &self,
        sim: &mut Simulation<N>,
        clients: &mut Clients<N>,
        safety_for: SimDuration,
        meter: &mut Meter,
        watch: &mut Watch<N>,
    ) -> Option<Failure> {
        let safety_end = SimTime::ZERO.after(safety_for);
        self.drive(sim, clients, safety_end, meter, (watch, true))
    }

    /// The linearizability checks at the end of the safety phase, if the
    /// scenario has any; a history that is not linearizable becomes
    /// `failure`.
    fn check_history(
        &self,
        history: &ClientHistory<N>,
        at: SimTime,
        failure: &mut Option<Failure>,
    ) -> Option<Verdict> {
        // Every linearizability check is judged; the first that fails, else
        // the first verdict, is the run's.
        let mut verdicts = self.checks.iter().filter_map(|c| match &c.body {
            Body::Linearizable(_, check) => Some(check(history)),
            _ => None,
        });
        let first = verdicts.next()?;
        let failed = |v: &Verdict| matches!(v, Verdict::NotLinearizable(_));
        let verdict = match failed(&first) {
            true => first,
            false => verdicts.find(failed).unwrap_or(first),
        };
        if let Verdict::NotLinearizable(c) = &verdict {
            *failure = Some(Failure {
                kind: FailureKind::Linearizability,
                message: c.to_string(),
                at,
            });
        }
        Some(verdict)
    }

    /// The transactional check, then the other checks of the history, at
    /// the end of the safety phase, as a failure when the history breaks
    /// one; an anomaly's first cycle goes in `cycle`.
    pub(super) fn check_transactions(
        &self,
        sim: &Simulation<N>,
        history: &ClientHistory<N>,
        cycle: &mut Option<crate::txn::report::CycleReport>,
    ) -> Option<Failure> {
        let at = sim.now();
        // The transactional check first: it names the anomaly and its cycle,
        // the most precise account of what broke.
        for check in &self.checks {
            let Body::Transactional(model, translate) = &check.body else {
                continue;
            };
            let txns = translate(history);
            let options = crate::txn::CheckOptions {
                model: *model,
                orders: crate::txn::verdict::Orders::for_model(*model),
                ..Default::default()
            };
            let verdict = crate::txn::check(&txns, options);
            if verdict.outcome == crate::txn::verdict::Outcome::Invalid {
                *cycle = verdict.first_cycle(&txns);
                return Some(Failure {
                    kind: FailureKind::Transactional,
                    message: verdict.render(&txns),
                    at,
                });
            }
        }
        let failed = first_judged_failure(&self.checks, When::EndOfSafety, "", sim, history);
        failed.map(|message| Failure {
            kind: FailureKind::Invariant,
            message,
            at,
        })
    }

    /// The liveness phase: everything healed once the plan is over, each
    /// client's next operation must complete, then every "eventually" holds.
    fn liveness(
        &self,
        sim: &mut Simulation<N>,
        clients: &mut Clients<N>,
        plan: &FaultPlan,
        meter: &mut Meter,
        watch: &mut Watch<N>,
    ) -> Option<Failure> {
        meter.enter("liveness");
        let plan_end = sim.now().max(plan.end());
        while sim.next_event_time().is_some_and(|t| t <= plan_end) {
            sim.step();
            if let Some(message) = meter.tick(sim) {
                return Some(over(sim, message));
            }
        }
        sim.run_until(plan_end);
        sim.quiet_fault_points();
        for heal in FaultPlan::heal_all(sim.node_count()) {
            sim.apply(heal).expect("heals are valid");
        }
        // In core mode the rest stays faulty: its faults come after the heal.
        if let Some(core) = &plan.core {
            sim.set_healed_core(core.core.clone());
            for kept in &core.kept {
                sim.apply(kept.clone())
                    .expect("a validated plan's kept faults");
            }
        }
        let deadline = sim.now().after(self.liveness_for);
        clients.start_liveness();
        watch.hot.heal(sim.now());
        if let Some(failure) = self.drive(sim, clients, deadline, meter, (watch, false)) {
            return Some(failure);
        }
        let shortfall = clients.liveness_shortfall().or_else(|| {
            let (checks, history) = (&self.checks, &clients.history);
            first_judged_failure(checks, When::AfterHeal, "eventually ", sim, history)
        });
        let shortfall = match &plan.core {
            Some(core) => shortfall.map(|m| format!("{m}; {}", self.core_state(sim, core))),
            None => shortfall,
        };
        shortfall.map(|message| Failure {
            kind: FailureKind::Liveness,
            message,
            at: sim.now(),
        })
    }

    /// Runs events and client actions until `until`. In the safety phase
    /// (`safety`) every invariant, monitor and unreached harness-level
    /// probe is checked after every event; in both, the hot monitors.
    fn drive(
        &self,
        sim: &mut Simulation<N>,
        clients: &mut Clients<N>,
        until: SimTime,
        meter: &mut Meter,
        (watch, safety): (&mut Watch<N>, bool),
    ) -> Option<Failure> {
        // Clients act when something may have changed for them: an answer
        // arrived, or their next deadline came.
        let mut next_client = until;
        let mut clients_due = true;
        loop {
            if clients_due {
                // An answered client sends its next operation at once.
                clients.act(sim);
                next_client = clients
                    .next_action_time(sim.now())
                    .unwrap_or(until)
                    .min(until);
                clients_due = false;
            }
            if sim.next_event_time().is_some_and(|t| t <= next_client) {
                sim.step();
                if let Some(message) = meter.tick(sim) {
                    return Some(over(sim, message));
                }
                if sim.replies_waiting() > 0 {
                    clients.collect(sim);
                    clients_due = true;
                }
                if let Some(failure) = self.watch_event(sim, clients, watch, safety) {
                    return Some(failure);
                }
                continue;
            }
            sim.run_until(next_client);
            clients.collect(sim);
            clients_due = true;
            if next_client >= until {
                return self.hot_overdue(sim, watch);
            }
        }
    }
}

impl<N: Node + 'static> Scenario<N>
where
    N::Op: Clone,
    N::Reply: Clone,
{
    /// After one event: in the safety phase, the unreached probes, the
    /// invariants and the monitors; in both, the hot monitors.
    fn watch_event(
        &self,
        sim: &mut Simulation<N>,
        clients: &Clients<N>,
        watch: &mut Watch<N>,
        safety: bool,
    ) -> Option<Failure> {
        let at = sim.now();
        if safety {
            self.probe_state(sim, &mut watch.unreached);
            let broken = (watch.monitors).first_violation(&self.checks, sim, &clients.history);
            if let Some(message) = broken {
                let kind = FailureKind::Invariant;
                return Some(Failure { kind, message, at });
            }
        }
        if self.hot.is_empty() {
            return None;
        }
        let message = watch.hot.after_event(&self.hot, sim)?;
        let kind = FailureKind::Liveness;
        Some(Failure { kind, message, at })
    }

    /// At the end of a phase: after the heal, a hot monitor past its bound.
    fn hot_overdue(&self, sim: &Simulation<N>, watch: &mut Watch<N>) -> Option<Failure> {
        let message = watch.hot.overdue(&self.hot, sim.now())?;
        let (kind, at) = (FailureKind::Liveness, sim.now());
        Some(Failure { kind, message, at })
    }
}
