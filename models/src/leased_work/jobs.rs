//! The clients: each submits a job, waits until it is done, thinks a
//! little, and submits the next. A silent attempt is sent again (the job's
//! id makes the retry wait for the same job).

use super::messages::{JobId, SubmitJob};
use super::{LwNode, COORDINATOR};
use sim::scenario::Workload;
use sim::{NodeId, SimDuration, SimRng};

/// The workload of leased work's clients.
#[derive(Clone, Debug, Default, Hash)]
pub struct JobClients {
    /// Per client slot: the last sequence number used.
    seq: Vec<u32>,
}

/// How long a client waits before it sends a job again.
pub const ATTEMPT_TIMEOUT: SimDuration = SimDuration::from_millis(500);
/// The longest pause between a job's completion and the next job.
pub const THINK_MAX: SimDuration = SimDuration::from_millis(100);

impl Workload<LwNode> for JobClients {
    fn next_op(
        &mut self,
        _rng: &mut SimRng,
        client: usize,
        _process: u64,
        _nodes: usize,
    ) -> Option<(NodeId, SubmitJob)> {
        if self.seq.len() <= client {
            self.seq.resize(client + 1, 0);
        }
        self.seq[client] += 1;
        let client = u16::try_from(client).expect("fewer than 65,536 clients");
        let job = JobId {
            client,
            seq: self.seq[usize::from(client)],
        };
        Some((COORDINATOR, SubmitJob { job }))
    }

    fn attempt_timeout(&self) -> Option<SimDuration> {
        Some(ATTEMPT_TIMEOUT)
    }

    fn retry_target(
        &mut self,
        _rng: &mut SimRng,
        _client: usize,
        _last: NodeId,
        _hint: Option<NodeId>,
        _nodes: usize,
    ) -> NodeId {
        COORDINATOR
    }

    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_nanos(rng.below(THINK_MAX.as_nanos() + 1))
    }
}
