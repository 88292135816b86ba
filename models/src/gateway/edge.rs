//! A gateway: stateless but for what it learns from the issuer and its
//! share of each client's rate limit. It refuses a malformed request, a bad
//! or expired token, an action outside the token's scope, and a client over
//! its share of the limit, and forwards the rest to the backend.

use super::messages::{GwMsg, GwReply, GwTimer, Refusal, Request};
use super::rate::{share, Bucket};
use super::view::{authenticate, authorize, well_formed, IssuerView};
use super::{GwBug, GwNode, AUTH, BACKEND, BURST, GATEWAYS, RATE};
use sim::{Context, OpId, SimDuration};
use std::collections::BTreeMap;

/// How often a gateway asks the issuer's time (and keys).
pub const SYNC_EVERY: SimDuration = SimDuration::from_millis(100);

/// A gateway's state.
#[derive(Clone, Debug, Default)]
pub struct Gateway {
    view: IssuerView,
    buckets: BTreeMap<u32, Bucket>,
    pending: BTreeMap<u64, OpId>,
    next_id: u64,
    bug: Option<GwBug>,
    /// Ghost, for the checks: the requests it authenticated, in order.
    pub authenticated: Vec<Request>,
    /// Ghost: the clients of the requests it admitted, in order.
    pub admitted: Vec<u32>,
}

impl Gateway {
    /// A gateway with a bug or not.
    pub fn new(bug: Option<GwBug>) -> Gateway {
        Gateway {
            bug,
            ..Gateway::default()
        }
    }

    /// (Re)starts: asks the issuer's time and keys.
    pub fn start(&mut self, ctx: &mut Context<'_, GwNode>) {
        self.sync(ctx);
    }

    /// Asks the issuer, and again in [`SYNC_EVERY`].
    pub fn sync(&mut self, ctx: &mut Context<'_, GwNode>) {
        ask_issuer(ctx);
    }

    /// A client's request.
    pub fn on_call(&mut self, ctx: &mut Context<'_, GwNode>, op: OpId, request: Request) {
        if let Err(why) = self.admit(ctx, &request) {
            return ctx.reply(op, GwReply::Refused(why));
        }
        self.admitted.push(request.token.client);
        self.next_id += 1;
        self.pending.insert(self.next_id, op);
        ctx.send(
            BACKEND,
            GwMsg::Forward {
                id: self.next_id,
                request,
            },
        );
    }

    /// The edge's checks, in order: form, token, scope, rate.
    fn admit(&mut self, ctx: &mut Context<'_, GwNode>, request: &Request) -> Result<(), Refusal> {
        if self.bug != Some(GwBug::ValidateAtBackendOnly) {
            well_formed(&request.action)?;
            let (mono, wall) = (ctx.monotonic(), ctx.now());
            authenticate(&self.view, &request.token, mono, wall, self.bug)?;
            self.authenticated.push(*request);
            authorize(&request.token, &request.action, self.bug)?;
        }
        let (rate, burst) = if self.bug == Some(GwBug::PerReplicaLimit) {
            (RATE, BURST)
        } else {
            share(RATE, BURST, GATEWAYS as u64)
        };
        let now = ctx.monotonic();
        let bucket = self
            .buckets
            .entry(request.token.client)
            .or_insert_with(|| Bucket::new(rate, burst, now));
        bucket.try_take(now).then_some(()).ok_or(Refusal::Throttled)
    }

    /// The issuer's answers, and the backend's.
    pub fn on_message(&mut self, ctx: &mut Context<'_, GwNode>, msg: GwMsg) {
        if self.view.hear(&msg) {
            return;
        }
        if let GwMsg::Done { id, reply } = msg {
            if let Some(op) = self.pending.remove(&id) {
                ctx.reply(op, reply);
            }
        }
    }
}

/// Asks the issuer's time (its keys come with the answer), and again in
/// [`SYNC_EVERY`]: for the gateways and the backend alike.
pub fn ask_issuer(ctx: &mut Context<'_, GwNode>) {
    let sent = ctx.monotonic();
    ctx.send(AUTH, GwMsg::TimeReq { sent });
    ctx.set_timer(SYNC_EVERY, GwTimer::Sync);
}
