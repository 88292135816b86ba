//! `gateway`: an authenticated, rate-limited fleet of gateways in front of
//! a backend store, facing bad actors and misbehaving clients.
//!
//! Node 0 is the auth service ([`auth`]): it issues HMAC-SHA256 tokens
//! ([`token`]) with a client, a scope and an expiry on its monotonic clock,
//! and rotates its key. Nodes 1 to [`GATEWAYS`] are stateless gateways
//! ([`edge`]): they refuse malformed requests, bad or expired tokens,
//! actions outside a token's scope and clients over their share of the
//! rate limit ([`rate`]), all at the edge, and forward the rest. The last
//! node is the backend ([`backend`]): a single durable store. It checks
//! authorisation again (defence in depth) and refuses a request it has
//! seen before. The backend is not `raft-kv` or `primary-backup`: what this
//! model tests is who may do what, and a durable single store keeps every
//! failure found here a failure of that.
//!
//! The clients ([`crowd`]) are honest ones beside a forger, a replayer, a
//! privilege escalator, a flooder and a careless client. [`checks`] reads
//! ghost state to judge the service; [`view`] holds the checks every
//! request passes, written once for the gateways and the backend.
//!
//! Files: [`messages`], [`token`], [`rate`], [`view`], [`auth`],
//! [`edge`], [`backend`], [`crowd`], [`checks`] and [`scenario`].

pub mod auth;
pub mod backend;
pub mod checks;
pub mod crowd;
pub mod edge;
pub mod messages;
pub mod rate;
pub mod scenario;
pub mod token;
pub mod view;

pub use auth::Auth;
pub use backend::{Backend, Stored};
pub use edge::Gateway;
use messages::{GwMsg, GwOp, GwReply, GwTimer, Refusal};
pub use scenario::{scenario, GatewayModel};
use sim::{Context, Node, NodeId, OpId};

/// How many gateways.
pub const GATEWAYS: usize = 3;
/// The auth service's node.
pub const AUTH: NodeId = NodeId(0);
/// The backend's node.
pub const BACKEND: NodeId = NodeId(GATEWAYS as u32 + 1);
/// Each client's limit: requests per second, across the fleet.
pub const RATE: u64 = 60;
/// Each client's burst, across the fleet.
pub const BURST: u64 = 15;

sim::bug_switches! {
    /// The gateway's bug switches: how access control and rate limiting
    /// classically fail.
    pub enum GwBug {
        /// Gateways never look at a token's expiry.
        ExpiryUnchecked = "expiry-unchecked", caught by All within 10,
        /// The backend keeps no record of nonces: a captured request can be
        /// sent again and is applied again.
        ReplayAccepted = "replay-accepted", caught by All within 10,
        /// The shared authorisation check lets any write through, whatever
        /// the token's scope or the key's owner (at the gateway and at the
        /// backend: one library).
        ScopeNotCheckedOnWrite = "scope-not-checked-on-write", caught by All within 10,
        /// Each gateway enforces the whole limit alone: the fleet admits
        /// three times the limit.
        PerReplicaLimit = "per-replica-limit", caught by All within 10,
        /// A gateway judges expiry on its own wall clock: skew and drift let
        /// expired tokens in. Only clock faults find it.
        ExpiryByLocalClock = "expiry-by-local-clock", caught by All within 100,
        /// Gateways forward everything and the backend validates: nothing
        /// unauthorised is applied, but the invalid requests reach it.
        ValidateAtBackendOnly = "validate-at-backend-only", caught by All within 10,
    }
}

/// What a node keeps on disk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GwBlock {
    /// The auth service's keys.
    Keys(Vec<token::Key>),
    /// The backend's store.
    Store(Stored),
}

/// A node: the auth service, a gateway, or the backend.
#[derive(Clone, Debug)]
pub enum GwNode {
    /// The auth service.
    Auth(Auth),
    /// A gateway.
    Gateway(Gateway),
    /// The backend.
    Backend(Backend),
}

impl GwNode {
    /// Node `id`, with a bug switched on or not.
    pub fn new(id: NodeId, bug: Option<GwBug>) -> GwNode {
        match id {
            AUTH => GwNode::Auth(Auth::default()),
            BACKEND => GwNode::Backend(Backend::new(bug)),
            _ => GwNode::Gateway(Gateway::new(bug)),
        }
    }

    /// The auth service, if this node is it.
    pub fn auth(&self) -> Option<&Auth> {
        match self {
            GwNode::Auth(a) => Some(a),
            _ => None,
        }
    }

    /// The gateway, if this node is one.
    pub fn gateway(&self) -> Option<&Gateway> {
        match self {
            GwNode::Gateway(g) => Some(g),
            _ => None,
        }
    }

    /// The backend, if this node is it.
    pub fn backend(&self) -> Option<&Backend> {
        match self {
            GwNode::Backend(b) => Some(b),
            _ => None,
        }
    }
}

impl Node for GwNode {
    type Message = GwMsg;
    type Timer = GwTimer;
    type Block = GwBlock;
    type Op = GwOp;
    type Reply = GwReply;

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            GwNode::Auth(a) => a.start(ctx),
            GwNode::Gateway(g) => g.start(ctx),
            GwNode::Backend(b) => b.start(ctx),
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        match self {
            GwNode::Auth(a) => a.recover(ctx),
            GwNode::Gateway(g) => g.start(ctx),
            GwNode::Backend(b) => b.start(ctx),
        }
    }

    fn on_operate(&mut self, ctx: &mut Context<'_, Self>, _action: u32) {
        // The operator's one action: rotate the signing key now.
        if let GwNode::Auth(a) = self {
            a.rotate(ctx);
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, timer: GwTimer) {
        match (self, timer) {
            (GwNode::Auth(a), GwTimer::Rotate) => a.rotate(ctx),
            (GwNode::Gateway(g), GwTimer::Sync) => g.sync(ctx),
            (GwNode::Backend(b), GwTimer::Sync) => b.sync(ctx),
            _ => {}
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: GwMsg) {
        match self {
            GwNode::Auth(a) => a.on_message(ctx, from, msg),
            GwNode::Gateway(g) => g.on_message(ctx, msg),
            GwNode::Backend(b) => b.on_message(ctx, from, msg),
        }
    }

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op: OpId, request: GwOp) {
        match (self, request) {
            (GwNode::Auth(a), GwOp::Login { client, role }) => a.login(ctx, op, client, role),
            (GwNode::Gateway(g), GwOp::Call(r)) => g.on_call(ctx, op, r),
            _ => ctx.reply(op, GwReply::Refused(Refusal::Unavailable)),
        }
    }
}
