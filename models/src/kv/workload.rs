//! The client library, as a workload: configurable clients, keys and mix;
//! each client remembers which node answered last (its leader or primary),
//! follows redirects, retries an attempt that stays silent at another node,
//! and gives up at the scenario's client timeout (recorded as indeterminate).

use super::request::{KvCommand, KvReply, KvRequest};
use sim::scenario::{Completion, Interface, Workload};
use sim::{NodeId, SimDuration, SimRng};

/// The workload of a key-value model's clients.
#[derive(Clone, Debug, Hash)]
pub struct KvClients {
    /// How many keys operations spread over.
    pub keys: u8,
    /// Percent of operations that are gets.
    pub get_percent: u64,
    /// Percent that are puts (the rest are appends).
    pub put_percent: u64,
    /// How long one attempt waits before trying another node.
    pub attempt_timeout: SimDuration,
    /// The longest pause between one answer and the next operation (drawn
    /// uniformly from zero to this).
    pub think_max: SimDuration,
    /// Percent of operations sent to a random node rather than the one that
    /// answered last, as a client behind a load balancer or one that
    /// reconnects would. It keeps clients from all following one stale node.
    pub reconnect_percent: u64,
    /// Per client slot: the node to try first.
    target: Vec<Option<NodeId>>,
    /// Per client slot: the last sequence number used.
    seq: Vec<u32>,
}

impl Default for KvClients {
    /// 3 keys; 50% gets, 25% puts, 25% appends; 200 ms attempts; 10% of
    /// operations to a random node; up to 150 ms of thinking between operations (as Jepsen's `stagger` spaces a
    /// client's operations), so a run is mostly protocol traffic under faults
    /// rather than a saturated queue.
    fn default() -> Self {
        KvClients {
            keys: 3,
            get_percent: 50,
            put_percent: 25,
            attempt_timeout: SimDuration::from_millis(200),
            think_max: SimDuration::from_millis(150),
            reconnect_percent: 10,
            target: Vec::new(),
            seq: Vec::new(),
        }
    }
}

/// A token no other operation of the run uses: client slot and sequence number.
pub fn token(client: u32, seq: u32) -> u32 {
    assert!(
        seq < 1_000_000,
        "sequence numbers stay below 10^6 per client"
    );
    client * 1_000_000 + seq
}

impl KvClients {
    fn slot(&mut self, client: usize) {
        if self.target.len() <= client {
            self.target.resize(client + 1, None);
            self.seq.resize(client + 1, 0);
        }
    }

    fn command(&self, rng: &mut SimRng, value: u32) -> KvCommand {
        let key = rng.below(u64::from(self.keys.max(1))) as u8;
        let roll = rng.below(100);
        if roll < self.get_percent {
            KvCommand::Get { key }
        } else if roll < self.get_percent + self.put_percent {
            KvCommand::Put { key, value }
        } else {
            KvCommand::Append { key, value }
        }
    }
}

/// The client rules as inherent methods, so that drivers outside the
/// engine (the madsim host's async clients) use them without naming a node type.
impl KvClients {
    /// See [`Workload::next_op`].
    pub fn next_op(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        _process: u64,
        nodes: usize,
    ) -> Option<(NodeId, KvRequest)> {
        self.slot(client);
        self.seq[client] += 1;
        let seq = self.seq[client];
        let command = self.command(rng, token(client as u32, seq));
        let reconnect = rng.below(100) < self.reconnect_percent;
        let node = match self.target[client] {
            Some(node) if !reconnect => node,
            _ => NodeId::from(rng.below(nodes as u64) as usize),
        };
        self.target[client] = Some(node);
        let request = KvRequest {
            client: client as u32,
            seq,
            command,
        };
        Some((node, request))
    }

    /// See [`Workload::complete`].
    pub fn complete(&self, reply: &KvReply) -> Completion {
        match reply {
            KvReply::Value(_) | KvReply::Done => Completion::Ok,
            KvReply::Redirect { hint } => Completion::Retry { hint: *hint },
        }
    }

    /// See [`Workload::attempt_timeout`].
    pub fn attempt_timeout(&self) -> Option<SimDuration> {
        Some(self.attempt_timeout)
    }

    /// See [`Workload::retry_target`].
    pub fn retry_target(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        last: NodeId,
        hint: Option<NodeId>,
        nodes: usize,
    ) -> NodeId {
        self.slot(client);
        let node = hint.filter(|&h| h != last).unwrap_or_else(|| {
            // Any other node, at random.
            let step = 1 + rng.below(nodes.saturating_sub(1).max(1) as u64) as usize;
            NodeId::from((last.index() + step) % nodes.max(1))
        });
        self.target[client] = Some(node);
        node
    }

    /// See [`Workload::think_time`].
    pub fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_nanos(rng.below(self.think_max.as_nanos() + 1))
    }
}

impl<N: Interface<Op = KvRequest, Reply = KvReply>> Workload<N> for KvClients {
    fn next_op(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        process: u64,
        nodes: usize,
    ) -> Option<(NodeId, KvRequest)> {
        KvClients::next_op(self, rng, client, process, nodes)
    }

    fn complete(&self, reply: &KvReply) -> Completion {
        KvClients::complete(self, reply)
    }

    fn attempt_timeout(&self) -> Option<SimDuration> {
        KvClients::attempt_timeout(self)
    }

    fn retry_target(
        &mut self,
        rng: &mut SimRng,
        client: usize,
        last: NodeId,
        hint: Option<NodeId>,
        nodes: usize,
    ) -> NodeId {
        KvClients::retry_target(self, rng, client, last, hint, nodes)
    }

    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        KvClients::think_time(self, rng)
    }
}
