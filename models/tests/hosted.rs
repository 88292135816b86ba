//! `raft-kv` outside the engine: five nodes driven through `sim::host` by a
//! small hand-written event loop (fixed latencies, no network faults, no
//! trace). They elect a leader, commit a write, keep it across the leader's
//! crash, and serve it from the next leader. The model does not know which
//! host runs it, which is what lets other hosts (madsim) run it too.

use models::kv::{KvCommand, KvReply, KvRequest};
use models::raft_kv::messages::{RaftMsg, Tick};
use models::raft_kv::{RaftKv, Role};
use sim::host::{Effect, Hosted};
use sim::{NodeId, OpId, SimDuration, SimTime, TimerId};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

enum Input {
    Message {
        from: NodeId,
        to: NodeId,
        msg: RaftMsg,
    },
    Timer {
        node: NodeId,
        id: TimerId,
    },
}

/// A deterministic host: one queue of (time, sequence) and fixed latencies.
struct Host {
    nodes: Vec<Hosted<RaftKv>>,
    queue: BinaryHeap<Reverse<(SimTime, u64)>>,
    inputs: BTreeMap<u64, Input>,
    seq: u64,
    now: SimTime,
    replies: Vec<(OpId, KvReply)>,
}

impl Host {
    fn new(n: usize) -> Host {
        let mut host = Host {
            nodes: (0..n)
                .map(|i| Hosted::new(NodeId::from(i), n, 7, |_| RaftKv::new(None)))
                .collect(),
            queue: BinaryHeap::new(),
            inputs: BTreeMap::new(),
            seq: 0,
            now: SimTime::ZERO,
            replies: Vec::new(),
        };
        for i in 0..n {
            let effects = host.nodes[i].start(SimTime::ZERO);
            host.carry_out(NodeId::from(i), effects);
        }
        host
    }

    fn push(&mut self, at: SimTime, input: Input) {
        self.seq += 1;
        self.inputs.insert(self.seq, input);
        self.queue.push(Reverse((at, self.seq)));
    }

    fn carry_out(&mut self, from: NodeId, effects: Vec<Effect<RaftKv>>) {
        for e in effects {
            match e {
                Effect::Send { to, msg } => {
                    // 2 to 6 ms, varying by message, the same on every run.
                    let latency = SimDuration::from_millis(2 + self.seq % 5);
                    self.push(self.now.after(latency), Input::Message { from, to, msg });
                }
                Effect::SetTimer {
                    id,
                    after,
                    payload: Tick,
                } => {
                    self.push(self.now.after(after), Input::Timer { node: from, id });
                }
                Effect::Reply { op, reply } => self.replies.push((op, reply)),
            }
        }
    }

    fn run_until(&mut self, until: SimTime) {
        while let Some(&Reverse((at, seq))) = self.queue.peek() {
            if at > until {
                break;
            }
            self.queue.pop();
            self.now = at;
            let (node, effects) = match self.inputs.remove(&seq).expect("queued") {
                Input::Message { from, to, msg } => {
                    (to, self.nodes[to.index()].message(at, from, msg))
                }
                Input::Timer { node, id } => (node, self.nodes[node.index()].timer(at, id, Tick)),
            };
            self.carry_out(node, effects);
        }
        self.now = until;
    }

    fn leader(&self) -> Option<NodeId> {
        let leaders: Vec<&Hosted<RaftKv>> = self
            .nodes
            .iter()
            .filter(|h| h.node().is_some_and(|n| n.role() == Role::Leader))
            .collect();
        leaders
            .iter()
            .max_by_key(|h| h.node().map(RaftKv::term))
            .map(|h| h.id())
    }

    /// Sends `command` to the leader and runs until it answers.
    fn request(&mut self, seq: u32, command: KvCommand) -> KvReply {
        let leader = self.leader().expect("a leader");
        let op = OpId(u64::from(seq));
        let request = KvRequest {
            client: 0,
            seq,
            command,
        };
        let effects = self.nodes[leader.index()].client_op(self.now, op, request);
        self.carry_out(leader, effects);
        self.run_until(self.now.after(SimDuration::from_millis(200)));
        let i = self
            .replies
            .iter()
            .position(|(o, _)| *o == op)
            .expect("answered");
        self.replies.remove(i).1
    }
}

#[test]
fn raft_kv_runs_under_a_hand_written_host() {
    let mut host = Host::new(5);
    host.run_until(SimTime(1_000_000_000));
    let first = host.leader().expect("a leader within 1 s");

    let put = KvCommand::Put { key: 0, value: 42 };
    assert_eq!(host.request(1, put), KvReply::Done);
    assert_eq!(
        host.request(2, KvCommand::Get { key: 0 }),
        KvReply::Value(vec![42])
    );

    // The leader crashes; the others elect a new one, which has the write.
    host.nodes[first.index()].crash();
    host.run_until(host.now.after(SimDuration::from_secs(1)));
    let second = host.leader().expect("a new leader");
    assert_ne!(second, first);
    assert_eq!(
        host.request(3, KvCommand::Get { key: 0 }),
        KvReply::Value(vec![42])
    );

    // The old leader restarts from its synced log and follows.
    let effects = host.nodes[first.index()].restart(host.now);
    host.carry_out(first, effects);
    host.run_until(host.now.after(SimDuration::from_secs(1)));
    let rejoined = host.nodes[first.index()].node().expect("restarted");
    assert_eq!(rejoined.role(), Role::Follower);
    assert!(rejoined.log().last_index() >= 2, "it kept its log");
}
