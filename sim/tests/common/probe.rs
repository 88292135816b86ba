//! A probe node for fault tests: it does what client operations tell it and
//! records what happens to it.

use sim::{
    Context, Latency, LinkConfig, Node, NodeId, OpId, SimConfig, SimDuration, SimTime, Simulation,
};

/// What a test asks a probe to do.
#[derive(Clone, Copy, Debug, Hash)]
pub(crate) enum ProbeOp {
    Send { to: u32, payload: u64 },
    Write { block: u64, value: u64, sync: bool },
    SetTimer { after: SimDuration, tag: u64 },
    Bump,
}

/// A probe's record of events.
#[derive(Debug, Default)]
pub(crate) struct Probe {
    /// (sender, payload, local clock at arrival)
    pub received: Vec<(NodeId, u64, SimTime)>,
    /// (tag, local clock when fired)
    pub timers: Vec<(u64, SimTime)>,
    /// Storage blocks 0..16 as seen by the recover handler.
    pub recovered: Option<Vec<(u64, u64)>>,
    /// Volatile state: lost at a crash.
    pub bumps: u64,
}

impl Probe {
    pub(crate) fn payloads(&self) -> Vec<u64> {
        self.received.iter().map(|r| r.1).collect()
    }
}

impl Node for Probe {
    type Message = u64;
    type Timer = u64;
    type Block = u64;
    type Op = ProbeOp;
    type Reply = ();

    fn on_start(&mut self, _ctx: &mut Context<'_, Self>) {}

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: u64) {
        self.received.push((from, msg, ctx.now()));
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, tag: u64) {
        self.timers.push((tag, ctx.now()));
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        let blocks = (0..16)
            .filter_map(|b| ctx.storage().read(b).ok().flatten().map(|v| (b, *v)))
            .collect();
        self.recovered = Some(blocks);
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op_id: OpId, op: ProbeOp) {
        match op {
            ProbeOp::Send { to, payload } => ctx.send(NodeId(to), payload),
            ProbeOp::Write { block, value, sync } => {
                ctx.storage().write(block, value);
                if sync {
                    ctx.storage().sync();
                }
            }
            ProbeOp::SetTimer { after, tag } => {
                ctx.set_timer(after, tag);
            }
            ProbeOp::Bump => self.bumps += 1,
        }
        ctx.reply(op_id, ());
    }
}

/// One millisecond, exactly, on every link.
pub(crate) fn fixed_1ms() -> LinkConfig {
    LinkConfig::reliable(Latency::Fixed(SimDuration::from_millis(1)))
}

/// A probe cluster with the given default link.
pub(crate) fn probes(seed: u64, nodes: usize, link: LinkConfig) -> Simulation<Probe> {
    Simulation::new(SimConfig::new(seed).nodes(nodes).link(link), |_| {
        Probe::default()
    })
    .expect("valid config")
}

/// Tells `from` to send `payload` to `to`, now.
pub(crate) fn send(sim: &mut Simulation<Probe>, from: u32, to: u32, payload: u64) {
    sim.submit(NodeId(from), ProbeOp::Send { to, payload })
        .expect("known node");
}

/// The probe at `id` (which must be up).
pub(crate) fn probe(sim: &Simulation<Probe>, id: u32) -> &Probe {
    sim.node(NodeId(id)).expect("node is up")
}
