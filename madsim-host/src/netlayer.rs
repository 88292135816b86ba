//! The thin message layer over madsim's endpoints: it adds what madsim's
//! network lacks, loss, duplication and extra delay (which reorders), while a
//! fault plan's flaky-network period is in force. Every node, hosted or
//! async, sends its messages to other nodes through one of these, and
//! opens what it receives with [`MessageLayer::open`].
//!
//! The links also keep the run's event trace when it is recorded: each
//! send, drop, duplicate and delivery of a node message, and what the
//! fault plan and the clients note ([`Links::note`]). Recording changes
//! no draw and no schedule, so a recorded run is the same run.

use crate::wire::{node_of, since};
use madsim::net::Endpoint;
use madsim::time::Instant;
use sim::trace::{DropReason, TraceEvent, TraceRecord};
use sim::{LinkConfig, NodeId, SimRng, SimTime};
use std::any::Any;
use std::fmt::Debug;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The links of a run, shared by the fault plan and every node's sends.
pub type LinkState = Arc<Links>;

/// The flaky-network settings in force (`None`: a clean network), which the
/// fault plan sets and every send obeys; and the run's budget of messages,
/// as the engine's budget of events: past it, nothing more is sent, and the
/// run is a runaway.
#[derive(Debug)]
pub struct Links {
    config: Mutex<Option<LinkConfig>>,
    sent: AtomicU64,
    limit: u64,
    /// Whether events are recorded: checked before anything else, so an
    /// unrecorded run's sends take no lock for the trace.
    recording: AtomicBool,
    /// The run's start and its events, when they are recorded.
    trace: Mutex<Option<(Instant, Vec<TraceRecord>)>>,
}

/// What an endpoint receives: the payload and its sender.
pub type Received = (Box<dyn Any + Send + Sync>, SocketAddr);

/// A node message on the wire: the send's id travels with it, so that its
/// delivery is traced as the delivery of that send.
struct Envelope<M> {
    id: u64,
    msg: M,
}

impl Links {
    /// Clean links, and a budget of `limit` messages.
    pub fn new(limit: u64) -> LinkState {
        Arc::new(Links {
            config: Mutex::new(None),
            sent: AtomicU64::new(0),
            limit,
            recording: AtomicBool::new(false),
            trace: Mutex::new(None),
        })
    }

    /// From now on, events are recorded, timed from `epoch`.
    pub fn record_from(&self, epoch: Instant) {
        *self.trace.lock().expect("one thread") = Some((epoch, Vec::new()));
        self.recording.store(true, Ordering::Relaxed);
    }

    /// Records the event `event` makes of the time now, with `detail`
    /// (made only when recording).
    pub fn note(&self, event: impl FnOnce(SimTime) -> TraceEvent, detail: impl FnOnce() -> String) {
        if !self.recording.load(Ordering::Relaxed) {
            return;
        }
        let mut trace = self.trace.lock().expect("one thread");
        if let Some((epoch, records)) = trace.as_mut() {
            if records.len() < sim::trace::MAX_RECORDED {
                let event = event(since(*epoch));
                records.push(TraceRecord {
                    event,
                    detail: detail(),
                });
            }
        }
    }

    /// The recorded events, if recorded.
    pub fn take_trace(&self) -> Option<Vec<TraceRecord>> {
        self.recording.store(false, Ordering::Relaxed);
        let taken = self.trace.lock().expect("one thread").take();
        taken.map(|(_, records)| records)
    }

    /// Puts `config` in force (`None`: a clean network).
    pub fn set(&self, config: Option<LinkConfig>) {
        *self.config.lock().expect("one thread") = config;
    }

    /// What went over budget, if anything did.
    pub fn runaway(&self) -> Option<String> {
        let sent = self.sent.load(Ordering::Relaxed);
        (sent > self.limit).then(|| {
            format!(
                "more than {} messages sent, the budget; the rest were not sent",
                self.limit
            )
        })
    }
}

/// One node's sending side of the layer: the shared link settings and the
/// node's own seeded stream of drop, duplicate and delay draws (so one node's
/// traffic never shifts another's draws).
pub struct MessageLayer {
    links: LinkState,
    rng: Mutex<SimRng>,
}

impl MessageLayer {
    /// The layer for the node `label` names, in the run `seed` names.
    pub fn new(links: LinkState, seed: u64, label: &str) -> MessageLayer {
        MessageLayer {
            links,
            rng: Mutex::new(SimRng::from_seed_and_label(seed, label)),
        }
    }

    /// Sends `msg` from `ep` to `to` under `tag`: dropped, sent once, or
    /// sent twice, each copy after its own extra delay. Never blocks the caller.
    pub fn send<M>(&self, ep: &Rc<Endpoint>, to: SocketAddr, tag: u64, msg: M)
    where
        M: Clone + Debug + Send + Sync + 'static,
    {
        let (id, copies) = self.copies();
        if self.links.recording.load(Ordering::Relaxed) {
            let (from, dest) = (node_of(ep.local_addr().expect("bound")), node_of(to));
            self.trace_send((from, dest, id), copies.len(), &msg);
        }
        for delay in copies {
            let (ep, msg) = (ep.clone(), msg.clone());
            madsim::task::spawn_local(async move {
                if !delay.is_zero() {
                    madsim::time::sleep(delay).await;
                }
                let _ = ep
                    .send_to_raw(to, tag, Box::new(Envelope { id, msg }))
                    .await;
            });
        }
    }

    fn trace_send<M: Debug>(
        &self,
        (from, to, msg_id): (NodeId, NodeId, u64),
        copies: usize,
        msg: &M,
    ) {
        let send = |at| TraceEvent::Send {
            at,
            from,
            to,
            msg_id,
            digest: 0,
        };
        self.links.note(send, || format!("{msg:?}"));
        match copies {
            0 => {
                let reason = DropReason::Lost;
                let drop = |at| TraceEvent::Drop {
                    at,
                    from,
                    to,
                    msg_id,
                    reason,
                };
                self.links.note(drop, String::new);
            }
            2 => {
                let dup = |at| TraceEvent::Duplicate {
                    at,
                    from,
                    to,
                    msg_id,
                };
                self.links.note(dup, String::new);
            }
            _ => {}
        }
    }

    /// Opens a node message that `from` sent through a layer of this run
    /// and `ep` received, noting its delivery.
    ///
    /// # Panics
    /// Where the payload is not a message of type `M`.
    pub fn open<M: 'static>(&self, ep: &Endpoint, (payload, from): Received) -> M {
        let envelope = *payload
            .downcast::<Envelope<M>>()
            .expect("a node message of the receiver's type");
        let (from, msg_id) = (node_of(from), envelope.id);
        let to = node_of(ep.local_addr().expect("bound"));
        let deliver = |at| TraceEvent::Deliver {
            at,
            from,
            to,
            msg_id,
        };
        self.links.note(deliver, String::new);
        envelope.msg
    }

    /// The message's send id (its number in the run, from 1), and what
    /// happens to it: how many copies go (0 is a drop), each after what
    /// extra delay. Delaying a copy past later messages reorders it. Past
    /// the run's budget, none go.
    fn copies(&self) -> (u64, Vec<Duration>) {
        let id = self.links.sent.fetch_add(1, Ordering::Relaxed) + 1;
        (id, self.delays(id))
    }

    fn delays(&self, id: u64) -> Vec<Duration> {
        if id > self.links.limit {
            return Vec::new();
        }
        let Some(config) = *self.links.config.lock().expect("one thread") else {
            return vec![Duration::ZERO];
        };
        let mut rng = self.rng.lock().expect("one thread");
        if config.drop.sample(&mut rng) {
            return Vec::new();
        }
        let copies = if config.duplicate.sample(&mut rng) {
            2
        } else {
            1
        };
        (0..copies)
            .map(|_| {
                if config.reorder.sample(&mut rng) {
                    let max = config.reorder_delay_max.as_nanos();
                    Duration::from_nanos(rng.below(max + 1))
                } else {
                    Duration::ZERO
                }
            })
            .collect()
    }
}
