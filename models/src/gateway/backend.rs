//! The backend: a durable keyed store behind the gateways. It trusts the
//! gateways to authenticate (unless `validate-at-backend-only` moved that
//! here), but checks authorisation again (defence in depth), refuses a
//! request it has seen before (its nonce), and syncs each write with the
//! nonce that made it.

use super::edge::ask_issuer;
use super::messages::{Action, GwMsg, GwReply, Refusal, Request, Slot};
use super::view::{authenticate, authorize, well_formed, IssuerView};
use super::{GwBlock, GwBug, GwNode};
use sim::{Context, NodeId};
use std::collections::BTreeMap;

/// The backend's durable state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stored {
    /// The data.
    pub data: BTreeMap<Slot, u64>,
    /// Every (client, nonce) it served.
    pub nonces: BTreeMap<(u32, u64), ()>,
}

/// The backend's state.
#[derive(Clone, Debug, Default)]
pub struct Backend {
    view: IssuerView,
    stored: Stored,
    bug: Option<GwBug>,
    /// Ghost: the requests it authenticated itself (only when validation
    /// was moved here).
    pub authenticated: Vec<Request>,
    /// Ghost: the mutations it applied, in order.
    pub applied: Vec<Request>,
    /// Ghost: malformed requests that reached it.
    pub malformed: Vec<Request>,
}

impl Backend {
    /// A backend with a bug or not.
    pub fn new(bug: Option<GwBug>) -> Backend {
        Backend {
            bug,
            ..Backend::default()
        }
    }

    /// (Re)starts from what is synced; asks the issuer.
    pub fn start(&mut self, ctx: &mut Context<'_, GwNode>) {
        if let Ok(Some(GwBlock::Store(stored))) = ctx.storage().read(0) {
            self.stored = stored.clone();
        }
        self.sync(ctx);
    }

    /// Asks the issuer's time and keys, and again later.
    pub fn sync(&mut self, ctx: &mut Context<'_, GwNode>) {
        ask_issuer(ctx);
    }

    /// Messages: the issuer's keys and time, and forwarded requests.
    pub fn on_message(&mut self, ctx: &mut Context<'_, GwNode>, from: NodeId, msg: GwMsg) {
        if self.view.hear(&msg) {
            return;
        }
        if let GwMsg::Forward { id, request } = msg {
            let reply = self.serve(ctx, &request);
            ctx.send(from, GwMsg::Done { id, reply });
        }
    }

    fn serve(&mut self, ctx: &mut Context<'_, GwNode>, request: &Request) -> GwReply {
        match self.check(ctx, request) {
            Ok(()) => GwReply::Served(self.apply(ctx, request)),
            Err(why) => GwReply::Refused(why),
        }
    }

    fn check(&mut self, ctx: &mut Context<'_, GwNode>, request: &Request) -> Result<(), Refusal> {
        if well_formed(&request.action).is_err() {
            self.malformed.push(*request);
            return Err(Refusal::Malformed);
        }
        if self.bug == Some(GwBug::ValidateAtBackendOnly) {
            let (mono, wall) = (ctx.monotonic(), ctx.now());
            authenticate(&self.view, &request.token, mono, wall, None)?;
            self.authenticated.push(*request);
        }
        authorize(&request.token, &request.action, self.bug)?;
        let seen = self
            .stored
            .nonces
            .contains_key(&(request.token.client, request.nonce));
        if seen && self.bug != Some(GwBug::ReplayAccepted) {
            return Err(Refusal::Duplicate);
        }
        Ok(())
    }

    fn apply(&mut self, ctx: &mut Context<'_, GwNode>, request: &Request) -> Option<u64> {
        self.stored
            .nonces
            .insert((request.token.client, request.nonce), ());
        let value = match request.action {
            Action::Read { key } => self.stored.data.get(&key).copied(),
            Action::Write { key, value, .. } => {
                self.stored.data.insert(key, value);
                self.applied.push(*request);
                None
            }
            Action::Unknown(_) => None,
        };
        ctx.storage().write(0, GwBlock::Store(self.stored.clone()));
        ctx.storage().sync();
        value
    }
}
