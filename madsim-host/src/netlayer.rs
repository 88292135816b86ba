//! The thin message layer over madsim's endpoints: it adds what madsim's
//! network lacks, loss, duplication and extra delay (which reorders), while a
//! fault plan's flaky-network period is in force. Every node, hosted or
//! async, sends its messages to other nodes through one of these.

use madsim::net::Endpoint;
use sim::{LinkConfig, SimRng};
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The flaky-network settings in force (`None`: a clean network), shared by
/// the fault plan, which sets them, and every node's sends, which obey them.
pub type LinkState = Arc<Mutex<Option<LinkConfig>>>;

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
    /// after what extra delay. Delaying a copy past later messages reorders it.
    fn copies(&self) -> Vec<Duration> {
        let Some(config) = *self.links.lock().expect("one thread") else {
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
