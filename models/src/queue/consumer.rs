//! A consumer: it asks the broker's primary for a message (leased for
//! [`VISIBILITY`]), processes it for [`PROCESS_TIME`], applies its effect at
//! the sink, and acknowledges it; then asks again. It keeps nothing on
//! disk: a crashed consumer's message becomes visible again when its lease
//! ends, and goes to another consumer. Each incarnation draws a fresh
//! session id, so its calls never collide with an earlier life's.

use super::machine::{QReply, QRequest};
use super::{QBug, QNode, QTimer, BROKERS, SINK};
use crate::primary_backup::messages::PbMsg;
use sim::{Context, NodeId, SimDuration, TimerId};

/// How long a consumer asks the broker to hide a message it took.
pub const VISIBILITY: SimDuration = SimDuration::from_millis(200);
/// The `short-visibility-timeout` bug's lease: shorter than the processing.
pub const SHORT_VISIBILITY: SimDuration = SimDuration::from_millis(5);
/// How long processing a message takes.
pub const PROCESS_TIME: SimDuration = SimDuration::from_millis(10);
/// Fault point: processing takes thirty times as long (a slow downstream
/// call), longer than the visibility timeout, so the broker hands the
/// message to another consumer while this one still works on it.
pub const SLOW_PROCESSING: &str = "queue: processing outlasts the visibility timeout";

/// The coverage probes a consumer reaches.
pub mod probes {
    /// The sink answered that an effect was already applied.
    pub const EFFECT_DEDUPLICATED: &str = "a repeated effect deduplicated";
}

/// The pause before asking again when the queue was empty.
pub const POLL: SimDuration = SimDuration::from_millis(20);
/// How long a call may go unanswered before it is sent again.
pub const CALL_TIMEOUT: SimDuration = SimDuration::from_millis(100);

/// A message being worked on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Held {
    /// Its id.
    pub id: u64,
    payload: u64,
    published: u64,
    delivered: u64,
}

/// What a consumer does next with the message it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Process,
    Apply,
    Ack,
}

/// A consumer's state.
#[derive(Clone, Debug)]
pub struct Consumer {
    /// Its bugs: `ack-before-effect`, `short-visibility-timeout`.
    ack_first: bool,
    short_lease: bool,
    client: u32,
    seq: u32,
    primary: NodeId,
    /// The call in flight: its sequence number, where it went, what it asked.
    call: Option<(u32, NodeId, QRequest)>,
    /// The timer of the call's latest attempt (an earlier one is cancelled).
    timer: Option<TimerId>,
    held: Option<Held>,
    steps: Vec<Step>,
}

impl Consumer {
    /// A consumer that has not started.
    pub fn new(bugs: &[QBug]) -> Consumer {
        Consumer {
            ack_first: bugs.contains(&QBug::AckBeforeEffect),
            short_lease: bugs.contains(&QBug::ShortVisibilityTimeout),
            client: 0,
            seq: 0,
            primary: NodeId(1),
            call: None,
            timer: None,
            held: None,
            steps: Vec::new(),
        }
    }

    /// The message it holds, if any.
    pub fn held(&self) -> Option<Held> {
        self.held
    }

    /// Starts a new life: a fresh session, nothing held.
    pub fn start(&mut self, ctx: &mut Context<'_, QNode>) {
        *self = Consumer {
            seq: 0,
            call: None,
            timer: None,
            held: None,
            steps: Vec::new(),
            ..self.clone()
        };
        self.client = 0x8000_0000 | (ctx.rng().next_u64() as u32 & 0x7fff_ffff);
        self.receive(ctx);
    }

    fn receive(&mut self, ctx: &mut Context<'_, QNode>) {
        self.held = None;
        let lease = if self.short_lease {
            SHORT_VISIBILITY
        } else {
            VISIBILITY
        };
        let (client, seq) = self.next_session();
        let request = QRequest::Receive {
            client,
            seq,
            lease: lease.as_nanos(),
            now: 0,
        };
        self.send(ctx, self.primary, request);
    }

    fn next_session(&mut self) -> (u32, u32) {
        self.seq += 1;
        (self.client, self.seq)
    }

    fn send(&mut self, ctx: &mut Context<'_, QNode>, to: NodeId, request: QRequest) {
        let seq = self.seq;
        self.call = Some((seq, to, request));
        ctx.send(
            to,
            PbMsg::Call {
                id: u64::from(seq),
                request,
            },
        );
        self.arm(ctx, CALL_TIMEOUT, QTimer::CallTimeout(seq));
    }

    /// Sets the call's one timer, cancelling the one before.
    fn arm(&mut self, ctx: &mut Context<'_, QNode>, after: SimDuration, timer: QTimer) {
        if let Some(t) = self.timer.take() {
            ctx.cancel_timer(t);
        }
        self.timer = Some(ctx.set_timer(after, timer));
    }

    /// Sends the call in flight again, to `to`.
    fn resend(&mut self, ctx: &mut Context<'_, QNode>, to: NodeId) {
        if let Some((_, _, request)) = self.call {
            self.send(ctx, to, request);
        }
    }

    fn next_broker(&self) -> NodeId {
        NodeId::from(self.primary.index() % BROKERS + 1)
    }

    /// A timer.
    pub fn on_timer(&mut self, ctx: &mut Context<'_, QNode>, timer: QTimer) {
        match timer {
            QTimer::Poll => self.receive(ctx),
            QTimer::Processed => self.advance(ctx),
            QTimer::CallTimeout(seq) | QTimer::Resend(seq) => {
                let Some((current, to, _)) = self.call else {
                    return;
                };
                if current != seq {
                    return;
                }
                if to == SINK {
                    self.resend(ctx, SINK);
                } else {
                    if matches!(timer, QTimer::CallTimeout(_)) {
                        self.primary = self.next_broker();
                    }
                    self.resend(ctx, self.primary);
                }
            }
            QTimer::Tick => {}
        }
    }

    /// An answer to a call.
    pub fn on_answer(&mut self, ctx: &mut Context<'_, QNode>, id: u64, reply: QReply) {
        let Some((seq, _, request)) = self.call.filter(|c| u64::from(c.0) == id) else {
            return; // a late answer to an earlier call
        };
        if let QReply::Redirect { hint } = reply {
            let broker = hint.filter(|h| (1..=BROKERS).contains(&h.index()));
            self.primary = broker.unwrap_or_else(|| self.next_broker());
            self.call = Some((seq, self.primary, request));
            self.arm(ctx, SimDuration::from_millis(5), QTimer::Resend(seq));
            return;
        }
        self.call = None;
        if let Some(t) = self.timer.take() {
            ctx.cancel_timer(t);
        }
        match reply {
            QReply::Empty => {
                ctx.set_timer(POLL, QTimer::Poll);
            }
            QReply::Delivered {
                id,
                payload,
                published,
                delivered,
                ..
            } => {
                self.held = Some(Held {
                    id,
                    payload,
                    published,
                    delivered,
                });
                self.steps = if self.ack_first {
                    vec![Step::Ack, Step::Process, Step::Apply]
                } else {
                    vec![Step::Process, Step::Apply, Step::Ack]
                };
                self.advance(ctx);
            }
            QReply::Applied { again } => {
                ctx.sometimes(probes::EFFECT_DEDUPLICATED, again);
                self.advance(ctx);
            }
            QReply::Acked => self.advance(ctx),
            QReply::Published | QReply::Full | QReply::Redirect { .. } => {}
        }
    }

    /// Takes the next step with the held message, or asks for another.
    fn advance(&mut self, ctx: &mut Context<'_, QNode>) {
        let Some(h) = self.held else {
            return self.receive(ctx);
        };
        if self.steps.is_empty() {
            return self.receive(ctx);
        }
        match self.steps.remove(0) {
            Step::Process => {
                let slow = ctx.buggify(SLOW_PROCESSING);
                let took = if slow {
                    PROCESS_TIME.as_nanos() * 30
                } else {
                    PROCESS_TIME.as_nanos()
                };
                ctx.set_timer(SimDuration::from_nanos(took), QTimer::Processed);
            }
            Step::Apply => {
                let (client, seq) = self.next_session();
                let (id, payload, published, delivered) =
                    (h.id, h.payload, h.published, h.delivered);
                let request = QRequest::Apply {
                    client,
                    seq,
                    id,
                    payload,
                    published,
                    delivered,
                    now: 0,
                };
                self.send(ctx, SINK, request);
            }
            Step::Ack => {
                let (client, seq) = self.next_session();
                self.send(
                    ctx,
                    self.primary,
                    QRequest::Ack {
                        client,
                        seq,
                        id: h.id,
                    },
                );
            }
        }
    }
}
