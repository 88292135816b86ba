//! The standard `queue` scenario, and the model's description.

use super::consumer::probes;
use super::machine::QRequest;
use super::workload::{self, Producers};
use super::{QBug, QNode, BROKERS, CONSUMERS, SINK};
use sim::delivery::{check, Options};
use sim::model::EngineModel;
use sim::scenario::{Check, Scenario, When};
use sim::{Mix, NodeId, SimDuration, Simulation};

/// `queue`, described once for the catalog.
#[derive(Clone, Copy, Debug, Default)]
pub struct QueueModel;

impl EngineModel for QueueModel {
    type Node = QNode;
    type Bug = QBug;
    const NAME: &'static str = "queue";
    const SUMMARY: &'static str =
        "a replicated queue with at-least-once delivery and idempotent consumers, under traffic surges";

    fn scenario(&self, bug: Option<QBug>) -> Scenario<QNode> {
        scenario(bug)
    }

    fn op_kind(&self, _: &QRequest) -> &'static str {
        "publish"
    }
}

/// The configuration service, three brokers, three consumers and the sink;
/// two producers; the `all` mix, with surges; no effect applied twice after
/// every event; 10 s of safety; then, healed, every acknowledged publish
/// has taken effect exactly once.
pub fn scenario(bug: Option<QBug>) -> Scenario<QNode> {
    scenario_with_bugs(bug.into_iter().collect())
}

/// The standard scenario with several bugs on at once.
pub fn scenario_with_bugs(bugs: Vec<QBug>) -> Scenario<QNode> {
    Scenario::new(move |id| QNode::with_bugs(id, &bugs))
        .nodes(2 + BROKERS + CONSUMERS)
        .clients(2, Producers::default)
        .faults(Mix::All.nemesis())
        .surges()
        .fault_point(super::consumer::SLOW_PROCESSING)
        .focus("the broker's primary", |sim| {
            sim.node(NodeId(0))
                .and_then(QNode::service)
                .and_then(|s| s.config().primary)
        })
        .check(Check::always("no effect applied twice", no_effect_twice))
        .check(Check::new(
            When::AfterHeal,
            "every acknowledged message took effect once",
            |sim, history| {
                let options = Options {
                    complete: true,
                    fifo: false,
                };
                check(
                    &workload::publishes(history),
                    &workload::effects(sim),
                    options,
                )
            },
        ))
        .timings(workload::timings)
        .probe(probes::EFFECT_DEDUPLICATED, 50)
        .run_for(SimDuration::from_secs(10))
}

/// The sink applied no message's effect twice.
pub fn no_effect_twice(sim: &Simulation<QNode>) -> Result<(), String> {
    let Some(sink) = sim.node(SINK).and_then(QNode::sink) else {
        return Ok(());
    };
    match sink.effects().iter().find(|(_, e)| e.count > 1) {
        Some((id, e)) => Err(format!(
            "message {id} applied {} times at the sink",
            e.count
        )),
        None => Ok(()),
    }
}
