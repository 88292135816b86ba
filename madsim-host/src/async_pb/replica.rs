//! Nodes 1 to 3: replicas. Each heartbeats to the coordinator and follows
//! the membership it hears. As a follower it takes the primary's states,
//! refusing any from an epoch older than it has promised. As primary it
//! serves clients one at a time: apply, ship the whole state to every
//! follower, await all their acknowledgements, and only then answer.
//!
//! The disk (promised epoch, stamped state) is written before any message
//! that depends on it, and outlives the replica's crashes; everything else
//! is lost with the incarnation.

use super::invariants::Invariants;
use super::messages::{Membership, Msg, TAG_ACK};
use super::{AsyncPbBug, Machine, HEARTBEAT, ROUND_TIMEOUT};
use crate::netlayer::{LinkState, MessageLayer};
use crate::wire::{
    client_addr, client_of, node_of, server_addr, TAG_MESSAGE, TAG_REPLY, TAG_REQUEST,
};
use madsim::net::Endpoint;
use madsim::runtime::Handle;
use madsim::time::{sleep, timeout, Instant};
use sim::{NodeId, OpId};
use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// What a replica keeps on disk.
#[derive(Clone, Debug, Default)]
struct Disk<M> {
    /// The newest epoch this replica has heard of: it refuses older states.
    promised: u64,
    /// The epoch of the primary whose state this is.
    state_epoch: u64,
    /// That state's version.
    version: u64,
    /// The machine, sessions included.
    store: M,
}

/// What outlives a replica's crashes.
struct Durable<M> {
    me: usize,
    disk: Mutex<Disk<M>>,
    net: MessageLayer,
    invariants: Arc<Mutex<Invariants>>,
    bug: Option<AsyncPbBug>,
}

/// Starts replica `me` as a madsim node.
pub fn start<M: Machine>(
    handle: &Handle,
    me: usize,
    seed: u64,
    links: LinkState,
    invariants: Arc<Mutex<Invariants>>,
    bug: Option<AsyncPbBug>,
) -> madsim::task::NodeId {
    let durable = Arc::new(Durable {
        me,
        disk: Mutex::new(Disk::<M>::default()),
        net: MessageLayer::new(links, seed, &format!("async-kv-net-{me}")),
        invariants,
        bug,
    });
    handle
        .create_node()
        .name(format!("replica-{me}"))
        .ip(server_addr(me).ip())
        .init(move || run(durable.clone()))
        .build()
        .id()
}

/// One incarnation: what it has heard, and whether it serves.
struct Replica<M> {
    durable: Arc<Durable<M>>,
    ep: Rc<Endpoint>,
    /// The newest membership heard from the coordinator.
    membership: Option<Membership>,
    /// The epoch in which this replica, as primary, has shipped its state to
    /// every follower: it serves clients only in that epoch.
    serving: Option<u64>,
}

async fn run<M: Machine>(durable: Arc<Durable<M>>) {
    let ep = Rc::new(Endpoint::bind(server_addr(durable.me)).await.expect("bind"));
    let replica = Rc::new(RefCell::new(Replica {
        durable,
        ep: ep.clone(),
        membership: None,
        serving: None,
    }));
    let beating = replica.clone();
    madsim::task::spawn_local(async move {
        loop {
            beating.borrow().heartbeat();
            sleep(HEARTBEAT).await;
        }
    });
    let listening = replica.clone();
    let node_ep = ep.clone();
    madsim::task::spawn_local(async move {
        while let Ok((payload, from)) = node_ep.recv_from_raw(TAG_MESSAGE).await {
            let msg: Msg = listening
                .borrow()
                .durable
                .net
                .open(&node_ep, (payload, from));
            listening
                .borrow_mut()
                .on_message(node_of(from).index(), msg);
        }
    });
    // Client requests, one at a time: a replication round is awaited before
    // the next request is read.
    while let Ok((payload, _)) = ep.recv_from_raw(TAG_REQUEST).await {
        let (op, request) = *payload
            .downcast::<(OpId, M::Request)>()
            .expect("a request of the service's type");
        if let Some(reply) = serve(&replica, request).await {
            let to = client_addr(client_of(op));
            let _ = ep.send_to_raw(to, TAG_REPLY, Box::new((op, reply))).await;
        }
    }
}

impl<M: Machine> Replica<M> {
    fn me(&self) -> usize {
        self.durable.me
    }

    fn send(&self, to: usize, tag: u64, msg: Msg) {
        self.durable.net.send(&self.ep, server_addr(to), tag, msg);
    }

    fn heartbeat(&self) {
        let known = self.membership.as_ref().map(|m| m.epoch);
        self.send(0, TAG_MESSAGE, Msg::Heartbeat { known });
    }

    fn on_message(&mut self, from: usize, msg: Msg) {
        match msg {
            Msg::Config(m) => {
                if self
                    .membership
                    .as_ref()
                    .is_some_and(|old| old.epoch >= m.epoch)
                {
                    return;
                }
                let mut disk = self.durable.disk.lock().expect("one thread");
                disk.promised = disk.promised.max(m.epoch);
                self.membership = Some(m);
            }
            Msg::State {
                epoch,
                version,
                store,
            } => {
                let store = store
                    .downcast_ref::<M>()
                    .expect("the service's machine")
                    .clone();
                let answer = {
                    let mut disk = self.durable.disk.lock().expect("one thread");
                    if epoch < disk.promised {
                        Some(Msg::Stale {
                            epoch: disk.promised,
                        })
                    } else if (epoch, version) >= (disk.state_epoch, disk.version) {
                        *disk = Disk {
                            promised: epoch,
                            state_epoch: epoch,
                            version,
                            store,
                        };
                        Some(Msg::Ack { epoch, version })
                    } else {
                        None // an older state of this epoch, overtaken
                    }
                };
                if let Some(answer) = answer {
                    self.send(from, TAG_ACK, answer);
                }
            }
            _ => {}
        }
    }

    /// The membership in which this replica is primary, if it is, and has
    /// promised no newer epoch.
    fn primary_of(&self) -> Result<Membership, Option<NodeId>> {
        let m = self.membership.clone().ok_or(None)?;
        let promised = self.durable.disk.lock().expect("one thread").promised;
        if m.primary != self.me() {
            return Err(Some(NodeId::from(m.primary)));
        }
        if promised > m.epoch {
            return Err(None);
        }
        Ok(m)
    }
}

/// Serves one client request; `None` leaves it unanswered (the client
/// retries, and its session keeps the retry from applying twice).
async fn serve<M: Machine>(
    replica: &Rc<RefCell<Replica<M>>>,
    request: M::Request,
) -> Option<M::Reply> {
    let m = match replica.borrow().primary_of() {
        Ok(m) => m,
        Err(hint) => return Some(M::redirect(hint)),
    };
    let durable = replica.borrow().durable.clone();
    if replica.borrow().serving != Some(m.epoch) {
        // A new epoch (or a failed round): ship the state under this epoch's
        // stamp before serving anything.
        durable.disk.lock().expect("one thread").state_epoch = m.epoch;
        if !replicate(replica, &m).await {
            return None;
        }
        replica.borrow_mut().serving = Some(m.epoch);
        let store = durable.disk.lock().expect("one thread").store.clone();
        durable
            .invariants
            .lock()
            .expect("one thread")
            .serving(durable.me, m.epoch, &store);
        if !m.joining.is_empty() {
            replica
                .borrow()
                .send(0, TAG_MESSAGE, Msg::Synced { epoch: m.epoch });
        }
    }
    let is_write = M::is_write(&request);
    let reply = {
        let mut disk = durable.disk.lock().expect("one thread");
        let reply = disk.store.apply(&request)?;
        if is_write {
            disk.version += 1;
        }
        reply
    };
    let epoch = m.epoch;
    if durable.bug == Some(AsyncPbBug::UnawaitedReplication) && is_write {
        let replica = replica.clone();
        madsim::task::spawn_local(async move {
            replicate(&replica, &m).await;
        });
    } else if !replicate(replica, &m).await {
        return None;
    }
    if is_write {
        let (client, seq) = M::session(&request);
        let mut invariants = durable.invariants.lock().expect("one thread");
        invariants.acknowledged(durable.me, epoch, client, seq);
    }
    Some(reply)
}

/// Ships the disk's state to every follower of `m` and awaits all their
/// acknowledgements. A read ships it too: a follower that has promised a
/// newer epoch refuses, so a deposed primary learns it before it answers.
/// On failure the replica stops serving until a round succeeds again, and
/// reports silent followers to the coordinator.
async fn replicate<M: Machine>(replica: &Rc<RefCell<Replica<M>>>, m: &Membership) -> bool {
    let (ep, version, store) = {
        let r = replica.borrow();
        let disk = r.durable.disk.lock().expect("one thread");
        let store: Arc<dyn Any + Send + Sync> = Arc::new(disk.store.clone());
        (r.ep.clone(), disk.version, store)
    };
    let mut waiting: BTreeSet<usize> = m.followers().collect();
    for &f in &waiting {
        let state = Msg::State {
            epoch: m.epoch,
            version,
            store: store.clone(),
        };
        replica.borrow().send(f, TAG_MESSAGE, state);
    }
    let deadline = Instant::now() + ROUND_TIMEOUT;
    let mut refused = false;
    while !waiting.is_empty() && !refused {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(Ok((payload, from))) = timeout(left, ep.recv_from_raw(TAG_ACK)).await else {
            break;
        };
        let answer: Msg = replica.borrow().durable.net.open(&ep, (payload, from));
        match answer {
            Msg::Ack { epoch, version: v } if epoch == m.epoch && v == version => {
                waiting.remove(&node_of(from).index());
            }
            Msg::Stale { epoch } if epoch > m.epoch => refused = true,
            _ => {}
        }
    }
    if waiting.is_empty() {
        return true;
    }
    let mut r = replica.borrow_mut();
    r.serving = None;
    if !refused {
        for &f in &waiting {
            r.send(
                0,
                TAG_MESSAGE,
                Msg::Suspect {
                    epoch: m.epoch,
                    replica: f,
                },
            );
        }
    }
    false
}
