//! What a gateway (or the backend) knows of the issuer: its keys, and an
//! upper bound on its monotonic clock. And the checks every request passes,
//! written once and used by both: form, authentication, authorisation.
//!
//! **Expiry, and the drift it budgets for.** A token expires at a reading
//! of the issuer's *monotonic* clock (clock jumps do not move it). A node
//! asks the issuer's time at its own monotonic `t0` and hears `A`; at its
//! monotonic `m` later, the issuer's clock reads at most `A + (m − t0) ×
//! (1 + ρ)/(1 − ρ)`, with every clock within ±ρ of true time (ρ = 10%, the
//! nemesis's bound). A token is accepted only while its expiry is past that
//! bound, so it is never accepted after it expired.

use super::messages::{Action, GwMsg, Refusal};
use super::token::{Keyring, Scope, Token};
use super::GwBug;
use sim::SimTime;

/// The largest value a write may carry, in bytes.
pub const MAX_VALUE: u32 = 1024;

/// A node's view of the issuer.
#[derive(Clone, Debug, Default)]
pub struct IssuerView {
    /// The keys it holds.
    pub keys: Keyring,
    /// The issuer's clock `A` heard in answer to a question sent at this
    /// node's monotonic `t0`: `(t0, A)`, the latest.
    time: Option<(SimTime, SimTime)>,
}

impl IssuerView {
    /// Records the issuer's answer to a question sent at `sent`.
    pub fn heard_time(&mut self, sent: SimTime, issuer: SimTime) {
        if self.time.is_none_or(|(t0, _)| sent >= t0) {
            self.time = Some((sent, issuer));
        }
    }

    /// Takes in what the issuer says (its keys, its time); false for any
    /// other message.
    pub fn hear(&mut self, msg: &GwMsg) -> bool {
        match msg {
            GwMsg::Keys(keys) => {
                keys.iter().for_each(|&k| self.keys.insert(k));
                if let Some(oldest) = keys.iter().map(|k| k.0).min() {
                    self.keys.retire_before(oldest);
                }
            }
            GwMsg::TimeIs { sent, issuer } => self.heard_time(*sent, *issuer),
            _ => return false,
        }
        true
    }

    /// The most the issuer's monotonic clock can read now, at this node's
    /// monotonic `now`; `None` before the first answer.
    pub fn issuer_at_most(&self, now: SimTime) -> Option<SimTime> {
        let (t0, a) = self.time?;
        let rho = sim::nemesis::MAX_DRIFT_PPM as u64 / 10_000;
        let elapsed = now.since(t0).as_nanos();
        let bound = u128::from(elapsed) * u128::from(100 + rho) / u128::from(100 - rho);
        Some(SimTime(a.0.saturating_add(bound as u64 + 1)))
    }
}

/// The request is well-formed: a known operation, a value within bounds.
pub fn well_formed(action: &Action) -> Result<(), Refusal> {
    match action {
        Action::Unknown(_) => Err(Refusal::Malformed),
        Action::Write { size, .. } if *size > MAX_VALUE => Err(Refusal::Malformed),
        _ => Ok(()),
    }
}

/// The token is genuine and unexpired: signed by a held key, and (unless a
/// bug skips it) its expiry past the issuer's clock. `mono` and `wall` are
/// this node's clocks.
pub fn authenticate(
    view: &IssuerView,
    token: &Token,
    mono: SimTime,
    wall: SimTime,
    bug: Option<GwBug>,
) -> Result<(), Refusal> {
    // No keys yet, or a token signed with a key newer than any held here
    // (the issuer rotated while this node was cut off): it cannot judge
    // yet, and says so, so an honest client retries rather than fails.
    match view.keys.newest() {
        Some((newest, _)) if token.key_id <= newest => {}
        _ => return Err(Refusal::Unavailable),
    }
    view.keys.verify(token).map_err(|_| Refusal::BadToken)?;
    let now = match bug {
        Some(GwBug::ExpiryUnchecked) => return Ok(()),
        Some(GwBug::ExpiryByLocalClock) => wall,
        _ => view.issuer_at_most(mono).ok_or(Refusal::Unavailable)?,
    };
    if token.expires <= now.0 {
        return Err(Refusal::Expired);
    }
    Ok(())
}

/// The token allows the action: reading needs the read scope; writing
/// needs the write scope and a key the token's client owns.
pub fn authorize(token: &Token, action: &Action, bug: Option<GwBug>) -> Result<(), Refusal> {
    let allowed = match action {
        Action::Read { .. } => token.scope.read,
        Action::Write { .. } if bug == Some(GwBug::ScopeNotCheckedOnWrite) => true,
        Action::Write { key, .. } => token.scope.write && key.owner == token.client,
        Action::Unknown(_) => false,
    };
    allowed.then_some(()).ok_or(Refusal::Forbidden)
}

/// The scope the issuer grants a client: the escalator (client 4 in the
/// standard scenario) reads only; see [`super::crowd`].
pub fn scope_of(client: u32) -> Scope {
    if client == super::crowd::ESCALATOR {
        Scope::READ
    } else {
        Scope::ALL
    }
}
