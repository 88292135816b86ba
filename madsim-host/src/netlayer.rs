//! The thin message layer over madsim's endpoints: it adds what madsim's
//! network lacks, loss, duplication and extra delay (which reorders), while a
//! fault plan's flaky-network period is in force. Every node, hosted or
//! async, sends its messages to other nodes through one of these.

use madsim::net::Endpoint;
use sim::{LinkConfig, SimRng};
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};
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
}

impl Links {
    /// Clean links, and a budget of `limit` messages.
    pub fn new(limit: u64) -> LinkState {
        Arc::new(Links {
            config: Mutex::new(None),
            sent: AtomicU64::new(0),
            limit,
        })
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
        M: Clone + Send + Sync + 'static,
    {
        for delay in self.copies() {
            let (ep, msg) = (ep.clone(), msg.clone());
            madsim::task::spawn_local(async move {
                if !delay.is_zero() {
                    madsim::time::sleep(delay).await;
                }
                let _ = ep.send_to_raw(to, tag, Box::new(msg)).await;
            });
        }
    }

    /// What happens to one message: how many copies go (0 is a drop), each
    /// after what extra delay. Delaying a copy past later messages reorders
    /// it. Past the run's budget, none go.
    fn copies(&self) -> Vec<Duration> {
        if self.links.sent.fetch_add(1, Ordering::Relaxed) >= self.links.limit {
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
