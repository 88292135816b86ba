//! Node 0: the coordinator. It keeps the membership on a disk that survives
//! its crashes, hears the replicas' heartbeats, and makes a new epoch when
//! the primary or a follower goes silent, when the primary reports a
//! follower, when joining replicas are synced, or when a dropped replica has
//! waited long enough to be readmitted. Clients that reach it are redirected
//! to the primary.

use super::messages::{Membership, Msg};
use super::{Machine, HEARTBEAT, NODES, READMIT_AFTER, SUSPECT_AFTER};
use crate::netlayer::{LinkState, MessageLayer};
use crate::wire::{
    client_addr, client_of, node_of, server_addr, TAG_MESSAGE, TAG_REPLY, TAG_REQUEST,
};
use madsim::net::Endpoint;
use madsim::runtime::Handle;
use madsim::time::{sleep, Instant};
use sim::{NodeId, OpId};
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// What outlives the coordinator's crashes.
struct Durable {
    /// The membership, written before anyone hears of it.
    membership: Arc<Mutex<Membership>>,
    net: MessageLayer,
}

/// Starts the coordinator as madsim node 0; returns its madsim id and its
/// durable membership (for the harness to read the primary from).
pub fn start<M: Machine>(
    handle: &Handle,
    seed: u64,
    links: LinkState,
) -> (madsim::task::NodeId, Arc<Mutex<Membership>>) {
    let durable = Arc::new(Durable {
        membership: Arc::new(Mutex::new(Membership {
            epoch: 1,
            primary: 1,
            backups: (2..NODES).collect(),
            joining: Vec::new(),
        })),
        net: MessageLayer::new(links, seed, "async-kv-net-0"),
    });
    let membership = durable.membership.clone();
    let id = handle
        .create_node()
        .name("coordinator")
        .ip(server_addr(0).ip())
        .init(move || run::<M>(durable.clone()))
        .build()
        .id();
    (id, membership)
}

/// One incarnation's view: who was heard when, and who was dropped when.
struct Coordinator {
    durable: Arc<Durable>,
    ep: Rc<Endpoint>,
    heard: BTreeMap<usize, Instant>,
    dropped: BTreeMap<usize, Instant>,
}

async fn run<M: Machine>(durable: Arc<Durable>) {
    let ep = Rc::new(Endpoint::bind(server_addr(0)).await.expect("bind"));
    // A fresh incarnation has heard no one yet: it gives everyone a full
    // suspicion period before it acts on silence.
    let now = Instant::now();
    let coordinator = Rc::new(RefCell::new(Coordinator {
        durable,
        ep: ep.clone(),
        heard: (1..NODES).map(|r| (r, now)).collect(),
        dropped: BTreeMap::new(),
    }));
    let redirecting = ep.clone();
    let primary_of = coordinator.clone();
    madsim::task::spawn_local(async move {
        while let Ok((payload, _)) = redirecting.recv_from_raw(TAG_REQUEST).await {
            let (op, _) = *payload.downcast::<(OpId, M::Request)>().expect("a request");
            let primary = primary_of.borrow().membership().primary;
            let reply = M::redirect(Some(NodeId::from(primary)));
            let _ = redirecting
                .send_to_raw(client_addr(client_of(op)), TAG_REPLY, Box::new((op, reply)))
                .await;
        }
    });
    let listening = coordinator.clone();
    madsim::task::spawn_local(async move {
        while let Ok((payload, from)) = ep.recv_from_raw(TAG_MESSAGE).await {
            let msg: Msg = listening.borrow().durable.net.open(&ep, (payload, from));
            listening
                .borrow_mut()
                .on_message(node_of(from).index(), msg);
        }
    });
    loop {
        sleep(HEARTBEAT).await;
        coordinator.borrow_mut().tick();
    }
}

impl Coordinator {
    fn membership(&self) -> Membership {
        self.durable.membership.lock().expect("one thread").clone()
    }

    fn send(&self, to: usize, msg: Msg) {
        self.durable
            .net
            .send(&self.ep, server_addr(to), TAG_MESSAGE, msg);
    }

    fn on_message(&mut self, from: usize, msg: Msg) {
        let m = self.membership();
        match msg {
            Msg::Heartbeat { known } => {
                self.heard.insert(from, Instant::now());
                if known != Some(m.epoch) {
                    self.send(from, Msg::Config(m));
                }
            }
            Msg::Suspect { epoch, replica } if epoch == m.epoch && from == m.primary => {
                self.drop_followers(&[replica]);
            }
            Msg::Synced { epoch }
                if epoch == m.epoch && from == m.primary && !m.joining.is_empty() =>
            {
                self.change(|m| {
                    let joined = std::mem::take(&mut m.joining);
                    m.backups.extend(joined);
                });
            }
            _ => {}
        }
    }

    fn alive(&self, replica: usize) -> bool {
        self.heard
            .get(&replica)
            .is_some_and(|t| t.elapsed() < SUSPECT_AFTER)
    }

    /// Acts on silence and on waiting replicas; at most one change per tick.
    fn tick(&mut self) {
        let m = self.membership();
        if !self.alive(m.primary) {
            // Promote a live backup; with none, wait for the primary.
            let Some(next) = m.backups.iter().copied().find(|&b| self.alive(b)) else {
                return;
            };
            let old = m.primary;
            let silent: Vec<usize> = m.followers().filter(|&r| !self.alive(r)).collect();
            let unsynced = m.joining.clone();
            self.mark_dropped(old);
            for &r in silent.iter().chain(&unsynced) {
                self.mark_dropped(r);
            }
            let alive: Vec<usize> = m
                .backups
                .iter()
                .copied()
                .filter(|&b| self.alive(b))
                .collect();
            self.change(|m| {
                m.primary = next;
                m.backups = alive.into_iter().filter(|&b| b != next).collect();
                m.joining.clear();
            });
            return;
        }
        let silent: Vec<usize> = m.followers().filter(|&r| !self.alive(r)).collect();
        if !silent.is_empty() {
            self.drop_followers(&silent);
            return;
        }
        let ready: Vec<usize> = (1..NODES)
            .filter(|&r| !m.includes(r) && self.alive(r))
            .filter(|r| {
                self.dropped
                    .get(r)
                    .is_none_or(|t| t.elapsed() >= READMIT_AFTER)
            })
            .collect();
        if !ready.is_empty() {
            self.change(|m| m.joining.extend(ready));
        }
    }

    fn mark_dropped(&mut self, replica: usize) {
        self.dropped.insert(replica, Instant::now());
    }

    fn drop_followers(&mut self, replicas: &[usize]) {
        let m = self.membership();
        let gone: Vec<usize> = replicas
            .iter()
            .copied()
            .filter(|&r| r != m.primary && m.includes(r))
            .collect();
        if gone.is_empty() {
            return;
        }
        for &r in &gone {
            self.mark_dropped(r);
        }
        self.change(|m| {
            m.backups.retain(|r| !gone.contains(r));
            m.joining.retain(|r| !gone.contains(r));
        });
    }

    /// Makes the next epoch: written to disk first, then announced to all.
    fn change(&mut self, edit: impl FnOnce(&mut Membership)) {
        let m = {
            let mut m = self.durable.membership.lock().expect("one thread");
            edit(&mut m);
            m.epoch += 1;
            m.clone()
        };
        for r in 1..NODES {
            self.send(r, Msg::Config(m.clone()));
        }
    }
}
