//! The producers: each client slot publishes messages with an idempotency
//! key (its slot and a sequence number), retries a silent or redirected
//! publish with the same key, and backs off when the queue is full. And
//! what the checks and the summary make of a run.

use super::machine::{message_id, QReply, QRequest};
use super::{QNode, BROKERS, SINK};
use sim::delivery::{Applied, Publish};
use sim::history::{EventKind, History};
use sim::scenario::{Completion, Workload};
use sim::{NodeId, SimDuration, SimRng, Simulation};
use std::collections::BTreeMap;

/// A producer's usual pause between publishes.
pub const THINK: SimDuration = SimDuration::from_millis(40);
/// A producer's pause after the queue said it is full.
pub const BACKOFF: SimDuration = SimDuration::from_millis(50);

/// The producers' workload.
#[derive(Clone, Debug, Default)]
pub struct Producers {
    seqs: Vec<u32>,
    refused: bool,
}

impl Workload<QNode> for Producers {
    fn next_op(
        &mut self,
        _: &mut SimRng,
        client: usize,
        _: u64,
        _: usize,
    ) -> Option<(NodeId, QRequest)> {
        if self.seqs.len() <= client {
            self.seqs.resize(client + 1, 0);
        }
        self.seqs[client] += 1;
        let (client, seq) = (client as u32, self.seqs[client]);
        let id = message_id(client, seq);
        let publish = QRequest::Publish {
            client,
            seq,
            id,
            payload: id,
            now: 0,
        };
        Some((NodeId(1), publish))
    }

    fn complete(&self, reply: &QReply) -> Completion {
        match reply {
            QReply::Published => Completion::Ok,
            QReply::Full => Completion::Fail,
            QReply::Redirect { hint } => Completion::Retry { hint: *hint },
            _ => Completion::Info,
        }
    }

    fn observe(&mut self, _: usize, _: &QReply) {
        self.refused = false;
    }

    fn attempt_timeout(&self) -> Option<SimDuration> {
        Some(SimDuration::from_millis(100))
    }

    fn retry_target(
        &mut self,
        _: &mut SimRng,
        _: usize,
        last: NodeId,
        hint: Option<NodeId>,
        _: usize,
    ) -> NodeId {
        let broker = hint.filter(|h| (1..=BROKERS).contains(&h.index()));
        broker.unwrap_or_else(|| NodeId::from(last.index() % BROKERS + 1))
    }

    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_nanos(THINK.as_nanos() + rng.below(5_000_000))
    }
}

/// The publishes of a run, as the delivery check takes them.
pub fn publishes(history: &History<QRequest, QReply>) -> Vec<Publish> {
    let mut pending: BTreeMap<u64, (u64, u64, u64)> = BTreeMap::new();
    let mut out = Vec::new();
    for e in &history.events {
        match &e.kind {
            EventKind::Invoke(QRequest::Publish { client, id, .. }) => {
                pending.insert(e.process, (*id, u64::from(*client), e.time));
            }
            kind => {
                let Some((id, producer, call)) = pending.remove(&e.process) else {
                    continue;
                };
                let acked = matches!(kind, EventKind::Ok(QReply::Published)).then_some(e.time);
                out.push(Publish {
                    id,
                    producer,
                    call,
                    acked,
                });
            }
        }
    }
    let unanswered = pending.into_values();
    out.extend(unanswered.map(|(id, producer, call)| Publish {
        id,
        producer,
        call,
        acked: None,
    }));
    out
}

/// The sink's effects, as the delivery check takes them.
pub fn effects(sim: &Simulation<QNode>) -> Vec<Applied> {
    let Some(sink) = sim.node(SINK).and_then(QNode::sink) else {
        return Vec::new();
    };
    sink.effects()
        .iter()
        .map(|(&id, e)| Applied {
            id,
            count: e.count,
            at: e.applied,
        })
        .collect()
}

/// Per message that took effect: its time waiting in the queue (publish to
/// first delivery: latency) and publish to effect (response time), on the
/// nodes' clocks.
pub fn timings(sim: &Simulation<QNode>) -> Vec<(&'static str, u64)> {
    let Some(sink) = sim.node(SINK).and_then(QNode::sink) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in sink.effects().values() {
        out.push((
            "queue wait (publish to delivery)",
            e.delivered.saturating_sub(e.published),
        ));
        out.push(("publish to effect", e.applied.saturating_sub(e.published)));
    }
    out
}
