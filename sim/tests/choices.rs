//! The engine driven by choices, and its snapshots: events run in any
//! order but never before their time, cancelled and crashed timers are not
//! choices, messages are lost and doubled on demand, a copy runs apart
//! from its original, and the fingerprint tells states apart by what they
//! hold, not by how they were reached.

use sim::{Context, Node, NodeId, Observed, OpId, PendingKind, SimConfig, SimDuration, Simulation};

#[derive(Clone, Copy, Debug, Hash)]
enum Op {
    Send { to: u32, payload: u64 },
    Timer { after_ms: u64, tag: u64 },
    CancelLast,
    ReadClock,
}

#[derive(Clone, Debug, Default, Hash)]
struct Echo {
    got: Vec<u64>,
    fired: Vec<u64>,
    last: Option<sim::TimerId>,
}

impl Node for Echo {
    type Message = u64;
    type Timer = u64;
    type Block = u64;
    type Op = Op;
    type Reply = ();

    fn on_start(&mut self, _: &mut Context<'_, Self>) {}

    fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, payload: u64) {
        self.got.push(payload);
    }

    fn on_timer(&mut self, _: &mut Context<'_, Self>, tag: u64) {
        self.fired.push(tag);
    }

    fn on_recover(&mut self, _: &mut Context<'_, Self>) {}

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, _: OpId, op: Op) {
        match op {
            Op::Send { to, payload } => ctx.send(NodeId(to), payload),
            Op::Timer { after_ms, tag } => {
                let after = SimDuration::from_millis(after_ms);
                self.last = Some(ctx.set_timer(after, tag));
            }
            Op::CancelLast => {
                if let Some(id) = self.last.take() {
                    ctx.cancel_timer(id);
                }
            }
            Op::ReadClock => {
                let _ = ctx.now();
            }
        }
    }
}

/// Two started nodes, nothing pending.
fn started() -> Simulation<Echo> {
    let mut sim = Simulation::new(SimConfig::new(3).nodes(2), |_| Echo::default()).unwrap();
    while let Some(p) = sim.pending().first().copied() {
        assert!(sim.run_pending(p.seq));
    }
    sim
}

fn deliveries(sim: &Simulation<Echo>) -> Vec<u64> {
    let pending = sim.pending();
    let messages = pending
        .iter()
        .filter(|p| matches!(p.kind, PendingKind::Deliver { .. }));
    messages.map(|p| p.seq).collect()
}

#[test]
fn an_event_taken_early_waits_for_its_time_and_one_taken_late_runs_now() {
    let mut sim = started();
    sim.run_op_now(
        NodeId(0),
        Op::Timer {
            after_ms: 50,
            tag: 1,
        },
    )
    .unwrap();
    sim.run_op_now(NodeId(0), Op::Send { to: 1, payload: 7 })
        .unwrap();
    let pending = sim.pending();
    let (timer, message) = (pending[0], pending[1]);
    assert!(matches!(timer.kind, PendingKind::Timer { node: NodeId(0) }));
    assert!(message.at < timer.at, "the message is due first");
    assert!(sim.run_pending(timer.seq));
    assert_eq!(sim.now(), timer.at);
    assert!(sim.run_pending(message.seq));
    assert_eq!(sim.now(), timer.at, "time never goes back");
    assert_eq!(sim.node(NodeId(1)).unwrap().got, [7]);
    assert!(!sim.run_pending(message.seq), "an event runs once");
}

#[test]
fn cancelled_timers_and_timers_set_before_a_crash_are_no_choice() {
    let mut sim = started();
    sim.run_op_now(
        NodeId(0),
        Op::Timer {
            after_ms: 5,
            tag: 1,
        },
    )
    .unwrap();
    sim.run_op_now(NodeId(0), Op::CancelLast).unwrap();
    sim.run_op_now(
        NodeId(1),
        Op::Timer {
            after_ms: 5,
            tag: 2,
        },
    )
    .unwrap();
    assert_eq!(sim.pending().len(), 1);
    sim.apply(sim::Fault::Crash {
        node: NodeId(1),
        torn_writes: false,
    })
    .unwrap();
    assert!(sim.pending().is_empty());
}

#[test]
fn messages_are_lost_and_doubled_on_demand() {
    let mut sim = started();
    sim.run_op_now(NodeId(0), Op::Send { to: 1, payload: 7 })
        .unwrap();
    sim.run_op_now(
        NodeId(0),
        Op::Timer {
            after_ms: 5,
            tag: 1,
        },
    )
    .unwrap();
    let timer = sim.pending()[1].seq;
    assert!(
        !sim.drop_pending(timer) && !sim.duplicate_pending(timer),
        "not messages"
    );
    let message = deliveries(&sim)[0];
    assert!(sim.duplicate_pending(message));
    let copies = deliveries(&sim);
    assert_eq!(copies.len(), 2);
    let (a, b) = (sim.pending()[0], *sim.pending().last().unwrap());
    assert_eq!(
        (a.at, a.digest),
        (b.at, b.digest),
        "the copy is due when the first is"
    );
    assert!(sim.drop_pending(copies[0]));
    assert!(sim.run_pending(copies[1]));
    assert_eq!(sim.node(NodeId(1)).unwrap().got, [7]);
    assert_eq!((sim.stats().dropped, sim.stats().duplicated), (1, 1));
}

#[test]
fn a_copy_runs_apart_from_its_original_and_as_a_fresh_run_would() {
    let mut sim = started();
    sim.run_op_now(NodeId(0), Op::Send { to: 1, payload: 7 })
        .unwrap();
    let before = (sim.fingerprint(Observed::default()), sim.trace_hash());
    let mut copy = sim.clone();
    assert!(copy.run_pending(deliveries(&copy)[0]));
    assert_eq!(
        (sim.fingerprint(Observed::default()), sim.trace_hash()),
        before
    );
    assert!(sim.node(NodeId(1)).unwrap().got.is_empty());
    assert!(sim.run_pending(deliveries(&sim)[0]));
    assert_eq!(sim.trace_hash(), copy.trace_hash());
    assert_eq!(
        sim.fingerprint(Observed::default()),
        copy.fingerprint(Observed::default())
    );
}

#[test]
fn the_fingerprint_is_what_a_state_holds_not_how_it_was_reached() {
    let mut a = started();
    a.run_op_now(NodeId(0), Op::Send { to: 1, payload: 1 })
        .unwrap();
    a.run_op_now(NodeId(1), Op::Send { to: 0, payload: 2 })
        .unwrap();
    let mut b = a.clone();
    let (x, y) = (deliveries(&a)[0], deliveries(&a)[1]);
    let none = Observed::default();
    assert_ne!(a.fingerprint(none), {
        let mut c = a.clone();
        c.run_pending(x);
        c.fingerprint(none)
    });
    a.run_pending(x);
    a.run_pending(y);
    b.run_pending(y);
    b.run_pending(x);
    assert_eq!(
        a.fingerprint(none),
        b.fingerprint(none),
        "the order commutes"
    );
    assert_ne!(a.trace_hash(), b.trace_hash(), "the traces differ");
}

#[test]
fn the_engine_notes_which_handlers_read_the_clock() {
    let mut sim = started();
    sim.run_op_now(NodeId(0), Op::Send { to: 1, payload: 1 })
        .unwrap();
    assert_eq!(sim.observed(), Observed::default());
    let later = sim.clone();
    sim.run_op_now(NodeId(0), Op::ReadClock).unwrap();
    assert!(sim.observed().clock && !sim.observed().random);
    assert!(
        !later.observed().clock,
        "a copy taken before has its own note"
    );
    let timed = Observed {
        clock: true,
        random: false,
    };
    // Two states alike but for the time: a timer of 100 ms and one of
    // 1 ms, each set and fired.
    let fired_after = |ms: u64| {
        let mut s = later.clone();
        s.run_op_now(
            NodeId(0),
            Op::Timer {
                after_ms: ms,
                tag: 9,
            },
        )
        .unwrap();
        let timer = s.pending().last().unwrap().seq;
        assert!(s.run_pending(timer));
        s
    };
    let (slow, quick) = (fired_after(100), fired_after(1));
    assert_ne!(slow.now(), quick.now());
    let none = Observed::default();
    assert_eq!(slow.fingerprint(none), quick.fingerprint(none));
    assert_ne!(slow.fingerprint(timed), quick.fingerprint(timed));
}
