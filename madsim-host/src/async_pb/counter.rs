//! A counter for the async primary-backup service: the service that is not
//! a key-value store. Clients add amounts and read the total; the history
//! is checked against the `counter` spec ([`sim::spec::counter`]), whose
//! operations these are, with a session on each so that a retry applies
//! once.

use super::Machine;
use serde::{Deserialize, Serialize};
use sim::history::{EventKind, History};
use sim::linearizability::Verdict;
use sim::scenario::{Completion, Interface, Workload};
use sim::spec::counter::{Counter, CounterInput, CounterOutput};
use sim::{NodeId, SimDuration, SimRng};
use std::collections::BTreeMap;

/// A client's request: a counter operation in the client's session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CounterRequest {
    /// The client slot.
    pub client: u32,
    /// Its sequence number, one per operation (a retry repeats it).
    pub seq: u32,
    /// The operation.
    pub input: CounterInput,
}

/// The service's answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CounterReply {
    /// The spec's answer.
    Done(CounterOutput),
    /// Not the primary: try `hint`, if known.
    Redirect {
        /// The node believed to serve.
        hint: Option<NodeId>,
    },
}

/// The counter service as its clients see it.
#[derive(Clone, Copy, Debug, Default)]
pub struct CounterInterface;

impl Interface for CounterInterface {
    type Op = CounterRequest;
    type Reply = CounterReply;
}

/// The replicated state: the total, and per client its latest sequence
/// number with the answer it got.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CounterStore {
    total: i64,
    sessions: BTreeMap<u32, (u32, CounterOutput)>,
}

impl Machine for CounterStore {
    type Request = CounterRequest;
    type Reply = CounterReply;
    type Interface = CounterInterface;
    type Clients = CounterClients;

    fn apply(&mut self, request: &CounterRequest) -> Option<CounterReply> {
        if let Some(&(seq, output)) = self.sessions.get(&request.client) {
            if request.seq == seq {
                return Some(CounterReply::Done(output));
            }
            if request.seq < seq {
                return None;
            }
        }
        let output = match request.input {
            CounterInput::Add(n) => {
                self.total = self.total.wrapping_add(n);
                CounterOutput::Done
            }
            CounterInput::Read => CounterOutput::Value(self.total),
        };
        self.sessions.insert(request.client, (request.seq, output));
        Some(CounterReply::Done(output))
    }

    fn is_write(request: &CounterRequest) -> bool {
        matches!(request.input, CounterInput::Add(_))
    }

    fn session(request: &CounterRequest) -> (u32, u32) {
        (request.client, request.seq)
    }

    fn last_seq(&self, client: u32) -> Option<u32> {
        self.sessions.get(&client).map(|&(seq, _)| seq)
    }

    fn redirect(hint: Option<NodeId>) -> CounterReply {
        CounterReply::Redirect { hint }
    }
}

/// The counter's clients: adds of 1 to 5 and reads, half and half, each
/// client sticking to the node that last answered it; 200 ms attempts and
/// up to 150 ms of thinking, as the key-value clients.
#[derive(Clone, Debug, Default)]
pub struct CounterClients {
    /// Per client slot: the last sequence number used, and the node to try.
    slots: BTreeMap<usize, (u32, Option<NodeId>)>,
}

const ATTEMPT: SimDuration = SimDuration::from_millis(200);
const THINK_MAX: SimDuration = SimDuration::from_millis(150);

impl Workload<CounterInterface> for CounterClients {
    fn next_op(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        _process: u64,
        nodes: usize,
    ) -> Option<(NodeId, CounterRequest)> {
        let (seq, target) = self.slots.entry(client).or_default();
        *seq += 1;
        let input = match rng.below(2) {
            0 => CounterInput::Add(1 + rng.below(5) as i64),
            _ => CounterInput::Read,
        };
        let node = *target.get_or_insert_with(|| NodeId::from(rng.below(nodes as u64) as usize));
        let request = CounterRequest {
            client: u32::try_from(client).expect("few clients"),
            seq: *seq,
            input,
        };
        Some((node, request))
    }

    fn complete(&self, reply: &CounterReply) -> Completion {
        match reply {
            CounterReply::Done(_) => Completion::Ok,
            CounterReply::Redirect { hint } => Completion::Retry { hint: *hint },
        }
    }

    fn attempt_timeout(&self) -> Option<SimDuration> {
        Some(ATTEMPT)
    }

    fn retry_target(
        &mut self,
        _rng: &mut SimRng,
        client: usize,
        last: NodeId,
        hint: Option<NodeId>,
        nodes: usize,
    ) -> NodeId {
        let node = hint
            .filter(|&h| h != last)
            .unwrap_or_else(|| NodeId::from((last.index() + 1) % nodes.max(1)));
        self.slots.entry(client).or_default().1 = Some(node);
        node
    }

    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_nanos(rng.below(THINK_MAX.as_nanos() + 1))
    }
}

/// A counter history in the `counter` spec's terms. A redirect never
/// completes an operation (the client retries); if one appears it is
/// recorded as indeterminate rather than guessed at.
pub fn spec_history(
    h: &History<CounterRequest, CounterReply>,
) -> History<CounterInput, CounterOutput> {
    h.map(|kind| match kind {
        EventKind::Invoke(r) => EventKind::Invoke(r.input),
        EventKind::Ok(CounterReply::Done(output)) => EventKind::Ok(*output),
        EventKind::Ok(CounterReply::Redirect { .. }) | EventKind::Info => EventKind::Info,
        EventKind::Fail => EventKind::Fail,
    })
}

/// Checks a run's history against the `counter` spec.
pub fn check(h: &History<CounterRequest, CounterReply>) -> Verdict {
    sim::linearizability::check(&Counter, &spec_history(h))
        .expect("the driver records paired histories")
}

/// An operation's kind, for the per-operation figures.
pub fn kind(request: &CounterRequest) -> &'static str {
    match request.input {
        CounterInput::Add(_) => "add",
        CounterInput::Read => "read",
    }
}
