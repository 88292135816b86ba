//! The standard `gateway` scenario, and the model's description.

use super::checks::{Watch, PROPERTIES};
use super::crowd::{self, Crowd, ROLES};
use super::messages::{GwOp, GwReply, Role};
use super::{GwBug, GwNode, AUTH, GATEWAYS};
use sim::history::{EventKind, History};
use sim::model::EngineModel;
use sim::scenario::{Check, Scenario};
use sim::{Mix, SimDuration};
use std::collections::BTreeMap;

/// The share of honest operations that must complete, whatever the
/// adversaries do.
pub const HONEST_FLOOR_PERCENT: u64 = 50;

/// `gateway`, described once for the catalog.
#[derive(Clone, Copy, Debug, Default)]
pub struct GatewayModel;

impl EngineModel for GatewayModel {
    type Node = GwNode;
    type Bug = GwBug;
    const NAME: &'static str = "gateway";
    const SUMMARY: &'static str =
        "an authenticated, rate-limited gateway fleet facing a forger, a replayer, an escalator, a flooder and a careless client";

    fn scenario(&self, bug: Option<GwBug>) -> Scenario<GwNode> {
        scenario(bug)
    }

    fn op_kind(&self, op: &GwOp) -> &'static str {
        crowd::op_kind(op)
    }
}

/// The auth service, three gateways and the backend; two honest clients
/// and one of each adversary; the `all` mix with surges; the monitor after
/// every event; 10 s of safety; then, healed, every client's next operation
/// completes, and honest clients kept their service.
pub fn scenario(bug: Option<GwBug>) -> Scenario<GwNode> {
    Scenario::new(move |id| GwNode::new(id, bug))
        .nodes(2 + GATEWAYS)
        .core(sim::core::CoreSpec {
            quorum: 3,
            required: vec![AUTH, super::BACKEND],
        })
        .clients(ROLES.len(), Crowd::<crowd::ThisGateway>::default)
        .faults(Mix::All.nemesis())
        .surges()
        .operated([AUTH])
        .focus("the auth service", |_| Some(AUTH))
        // Its honest-service floor is a service level: it holds under a
        // bounded fault load, not under a storm at the issuer.
        .sparse_faults()
        .check(Check::properties(&PROPERTIES, || {
            let mut watch = Watch::default();
            move |sim| watch.check(sim)
        }))
        .check(Check::of_history(
            "honest clients keep their service",
            honest_service,
        ))
        .probe(super::auth::KEY_ROTATED, 20)
        .run_for(SimDuration::from_secs(10))
}

/// Of the honest clients' operations the gateways decided (served or
/// refused, not timed out), at least [`HONEST_FLOOR_PERCENT`] were served.
pub fn honest_service(history: &History<GwOp, GwReply>) -> Result<(), String> {
    let mut open: BTreeMap<u64, Role> = BTreeMap::new();
    let (mut total, mut ok) = (0u64, 0u64);
    for e in &history.events {
        match &e.kind {
            EventKind::Invoke(op) => {
                let role = match op {
                    GwOp::Login { role, .. } => *role,
                    GwOp::Call(r) => r.role,
                };
                open.insert(e.process, role);
            }
            // An operation that timed out is left out: under a storm of
            // faults aimed at the auth service no gateway can answer, and
            // the floor judges what the gateways decide, not availability.
            EventKind::Info => {
                open.remove(&e.process);
            }
            done => {
                if open.remove(&e.process) == Some(Role::Honest) {
                    total += 1;
                    ok += u64::from(matches!(done, EventKind::Ok(_)));
                }
            }
        }
    }
    if total > 0 && ok * 100 < total * HONEST_FLOOR_PERCENT {
        return Err(format!(
            "honest clients completed {ok} of {total} operations ({}%), under the floor of {HONEST_FLOOR_PERCENT}%",
            ok * 100 / total
        ));
    }
    Ok(())
}
