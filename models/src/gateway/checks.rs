//! The gateway model's checks. They read ghost state the protocol never
//! reads: what each node authenticated, admitted and applied, with the
//! sender's role on each request.
//!
//! - **no unauthorised effect**: every request a node authenticated bore a
//!   token signed by one of the issuer's keys and unexpired on the issuer's
//!   clock at that instant; every write the backend applied was in its
//!   token's scope and to its client's own key; no request was applied
//!   twice (a replay);
//! - **rate limits hold**: per client, what the fleet admitted in any
//!   second is within [`super::rate::fleet_bound`];
//! - **early rejection**: no malformed request reached the backend.

use super::messages::Request;
use super::rate::fleet_bound;
use super::view::authorize;
use super::{GwNode, AUTH, BACKEND, BURST, GATEWAYS, RATE};
use sim::{NodeId, SimTime, Simulation};
use std::collections::{BTreeMap, VecDeque};

/// The properties the monitor checks, as failures name them.
pub const PROPERTIES: [&str; 3] = [
    "no unauthorised effect",
    "rate limits hold",
    "early rejection",
];

/// The window rate limits are judged over.
pub const WINDOW_NS: u64 = 1_000_000_000;

/// How far each ghost log has been read, per node (a restarted node's log
/// starts again).
#[derive(Default)]
pub struct Watch {
    read: BTreeMap<(NodeId, u8), usize>,
    applied: BTreeMap<(u32, u64), ()>,
    admissions: BTreeMap<u32, VecDeque<SimTime>>,
    keys: super::token::Keyring,
}

impl Watch {
    /// The new entries of one node's ghost log `which`.
    fn fresh<'a, T>(&mut self, node: NodeId, which: u8, log: &'a [T]) -> &'a [T] {
        let read = self.read.entry((node, which)).or_insert(0);
        if *read > log.len() {
            *read = 0; // the node restarted: a new log
        }
        let fresh = &log[*read..];
        *read = log.len();
        fresh
    }

    /// Checks what happened since the last event.
    pub fn check(&mut self, sim: &Simulation<GwNode>) -> Result<(), String> {
        // The issuer's keys as of when it was last up (it keeps them on
        // disk), and its clock, which runs while it is down.
        if let Some(auth) = sim.node(AUTH).and_then(GwNode::auth) {
            self.keys = auth.all_keys();
        }
        let keys = self.keys.clone();
        let issuer_now = sim.monotonic_time(AUTH);
        for g in 1..=GATEWAYS {
            let id = NodeId::from(g);
            let Some(gw) = sim.node(id).and_then(GwNode::gateway) else {
                continue;
            };
            for r in self.fresh(id, 0, &gw.authenticated) {
                genuine(id, r, &keys, issuer_now)?;
            }
            let admitted = self.fresh(id, 1, &gw.admitted).to_vec();
            for client in admitted {
                self.admit(client, sim.now())?;
            }
        }
        let Some(backend) = sim.node(BACKEND).and_then(GwNode::backend) else {
            return Ok(());
        };
        for r in self.fresh(BACKEND, 0, &backend.authenticated) {
            genuine(BACKEND, r, &keys, issuer_now)?;
        }
        if let Some(r) = backend.malformed.first() {
            return Err(format!("early rejection: the backend received a malformed request from the {} (client {}): {:?}", r.role.name(), r.token.client, r.action));
        }
        for r in self.fresh(BACKEND, 1, &backend.applied).to_vec() {
            self.applied_once(&r)?;
        }
        Ok(())
    }

    fn applied_once(&mut self, r: &Request) -> Result<(), String> {
        if authorize(&r.token, &r.action, None).is_err() {
            return Err(format!(
                "no unauthorised effect: the backend applied the {}'s {:?} with a token of client {} scoped {:?}",
                r.role.name(), r.action, r.token.client, r.token.scope
            ));
        }
        if self.applied.insert((r.token.client, r.nonce), ()).is_some() {
            return Err(format!(
                "no unauthorised effect: the backend applied client {}'s request {} twice (sent again by the {}): {:?}",
                r.token.client, r.nonce, r.role.name(), r.action
            ));
        }
        Ok(())
    }

    /// One admission of `client`'s, at true time `now`.
    fn admit(&mut self, client: u32, now: SimTime) -> Result<(), String> {
        let times = self.admissions.entry(client).or_default();
        times.push_back(now);
        while times.front().is_some_and(|&t| now.0 - t.0 >= WINDOW_NS) {
            times.pop_front();
        }
        let bound = fleet_bound(
            RATE,
            BURST,
            WINDOW_NS,
            sim::nemesis::MAX_DRIFT_PPM as u64 / 10_000,
        );
        if times.len() as u64 > bound {
            return Err(format!(
                "rate limits hold: client {client}: {} requests admitted across the fleet in the second to {now}, over the bound of {bound} (limit {RATE}/s, burst {BURST})",
                times.len()
            ));
        }
        Ok(())
    }
}

/// A request `node` authenticated bore a genuine, unexpired token.
fn genuine(
    node: NodeId,
    r: &Request,
    keys: &super::token::Keyring,
    issuer_now: SimTime,
) -> Result<(), String> {
    let t = &r.token;
    if keys.verify(t).is_err() {
        return Err(format!(
            "no unauthorised effect: {node} authenticated the {}'s request {} with a forged token {t:?}",
            r.role.name(), r.nonce
        ));
    }
    if t.expires <= issuer_now.0 {
        return Err(format!(
            "no unauthorised effect: {node} authenticated the {}'s request {} with client {}'s token that expired at {} (the issuer's clock reads {issuer_now})",
            r.role.name(), r.nonce, t.client, SimTime(t.expires)
        ));
    }
    Ok(())
}
