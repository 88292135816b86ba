//! The auth service: it issues tokens (HMAC-signed, expiring [`TTL`] after
//! issue on its monotonic clock), rotates its signing key every
//! [`ROTATE_EVERY`] and whenever an operator says so (the `operate` fault
//! kind), hands its current and previous keys to the gateways and the
//! backend, and tells them its clock. Its keys are durable.

use super::messages::{GwMsg, GwReply, GwTimer, Role};
use super::token::{Key, Keyring, Token};
use super::view::scope_of;
use super::{GwBlock, GwNode, BACKEND, GATEWAYS};
use sim::{Context, NodeId, OpId, SimDuration, TimerId};

/// Coverage probe: the auth service rotated its signing key.
pub const KEY_ROTATED: &str = "the signing key rotated";
/// How long a token lasts, on the issuer's monotonic clock.
pub const TTL: SimDuration = SimDuration::from_millis(500);
/// How often the signing key changes.
pub const ROTATE_EVERY: SimDuration = SimDuration::from_secs(3);

/// The auth service's state.
#[derive(Clone, Debug, Default)]
pub struct Auth {
    /// Every key it has signed with, oldest first (the last is current).
    keys: Vec<Key>,
    /// The next scheduled rotation (an operator's rotation replaces it).
    timer: Option<TimerId>,
}

impl Auth {
    /// Every key it ever signed with (the checks verify tokens with these).
    pub fn all_keys(&self) -> Keyring {
        let mut ring = Keyring::default();
        self.keys.iter().for_each(|&k| ring.insert(k));
        ring
    }

    /// First start: a key, handed out.
    pub fn start(&mut self, ctx: &mut Context<'_, GwNode>) {
        self.rotate(ctx);
    }

    /// After a crash: the synced keys, and a fresh one.
    pub fn recover(&mut self, ctx: &mut Context<'_, GwNode>) {
        if let Ok(Some(GwBlock::Keys(keys))) = ctx.storage().read(0) {
            self.keys = keys.clone();
        }
        self.rotate(ctx);
    }

    /// A new key: drawn from the node's seeded stream, synced, handed out.
    pub fn rotate(&mut self, ctx: &mut Context<'_, GwNode>) {
        ctx.reached(KEY_ROTATED);
        let id = self.keys.last().map_or(1, |k| k.0 + 1);
        let mut key = [0u8; 32];
        for chunk in key.chunks_mut(8) {
            chunk.copy_from_slice(&ctx.rng().next_u64().to_be_bytes());
        }
        self.keys.push((id, key));
        ctx.storage().write(0, GwBlock::Keys(self.keys.clone()));
        ctx.storage().sync();
        for n in 1..=GATEWAYS + 1 {
            ctx.send(NodeId::from(n), GwMsg::Keys(self.handed_out()));
        }
        debug_assert_eq!(NodeId::from(GATEWAYS + 1), BACKEND);
        if let Some(t) = self.timer.take() {
            ctx.cancel_timer(t);
        }
        self.timer = Some(ctx.set_timer(ROTATE_EVERY, GwTimer::Rotate));
    }

    /// The current key and the one before (tokens signed with it are
    /// still valid until they expire).
    fn handed_out(&self) -> Vec<Key> {
        self.keys.iter().rev().take(2).copied().collect()
    }

    /// A login: a token for `client`, with the scope its policy grants.
    pub fn login(&mut self, ctx: &mut Context<'_, GwNode>, op: OpId, client: u32, _role: Role) {
        let key = *self.keys.last().expect("a key from the start");
        let expires = ctx.monotonic().after(TTL).0;
        let token = Token::sign(&key, client, scope_of(client), expires);
        ctx.reply(op, GwReply::Issued(token));
    }

    /// A gateway or the backend asks the time: the answer, and the keys.
    pub fn on_message(&mut self, ctx: &mut Context<'_, GwNode>, from: NodeId, msg: GwMsg) {
        if let GwMsg::TimeReq { sent } = msg {
            let issuer = ctx.monotonic();
            ctx.send(from, GwMsg::TimeIs { sent, issuer });
            ctx.send(from, GwMsg::Keys(self.handed_out()));
        }
    }
}
