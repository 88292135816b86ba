//! The clients: honest ones beside five kinds of bad actor, each a role of
//! one workload. Client slot `i` is client `i`; [`ROLES`] says who is who.
//!
//! - **honest**: reads anything, writes its own keys, renews its token
//!   every [`RENEW_EVERY`] requests, and takes a refusal as a failure;
//! - **forger**: alters its token to claim another client (bad signature);
//! - **replayer**: replays honest requests it captured, byte for byte, and
//!   presents its own old tokens after they expired;
//! - **escalator**: holds a read-only token and writes, its own keys and
//!   other clients';
//! - **flooder**: writes as fast as it can, through every gateway in turn;
//! - **careless**: sends unknown operations and oversized values, and
//!   retries at once.

use super::messages::{Action, GwOp, GwReply, Refusal, Request, Role, Slot};
use super::token::Token;
use super::{GwNode, AUTH, GATEWAYS};
use sim::scenario::{Completion, Workload};
use sim::{Node, NodeId, SimDuration, SimRng};

/// Who each client slot is.
pub const ROLES: [Role; 7] = [
    Role::Honest,
    Role::Honest,
    Role::Forger,
    Role::Replayer,
    Role::Escalator,
    Role::Flooder,
    Role::Careless,
];
/// The escalator's client id (its token is read-only).
pub const ESCALATOR: u32 = 4;
/// Requests between an honest client's logins.
pub const RENEW_EVERY: u32 = 8;

/// One client's state.
#[derive(Clone, Debug, Default)]
struct Client {
    tokens: Vec<Token>,
    since_login: u32,
    nonce: u64,
    turn: usize,
}

/// The crowd's workload, aimed at the service `F` (this model's by default).
#[derive(Clone, Debug)]
pub struct Crowd<F = ThisGateway> {
    clients: Vec<Client>,
    /// The latest honest request, as the replayer captured it.
    captured: Option<Request>,
    door: std::marker::PhantomData<F>,
}

impl<F> Default for Crowd<F> {
    fn default() -> Self {
        Crowd {
            clients: Vec::new(),
            captured: None,
            door: std::marker::PhantomData,
        }
    }
}

fn role(client: usize) -> Role {
    ROLES[client % ROLES.len()]
}

impl<F> Crowd<F> {
    fn client(&mut self, i: usize) -> &mut Client {
        if self.clients.len() <= i {
            self.clients.resize_with(i + 1, Client::default);
        }
        &mut self.clients[i]
    }

    /// What client `i` asks next, with its token.
    fn action(&mut self, rng: &mut SimRng, i: usize, token: Token) -> Option<Request> {
        let own = Slot {
            owner: i as u32,
            index: rng.below(4) as u8,
        };
        let any = Slot {
            owner: rng.below(ROLES.len() as u64) as u32,
            index: rng.below(4) as u8,
        };
        let c = self.client(i);
        c.nonce += 1;
        let nonce = c.nonce;
        let write = |key| Action::Write {
            key,
            value: nonce,
            size: 16,
        };
        let (token, action, nonce) = match role(i) {
            Role::Honest if rng.chance(1, 2) => (token, Action::Read { key: any }, nonce),
            Role::Honest => (token, write(own), nonce),
            Role::Forger => (
                Token { client: 0, ..token },
                write(Slot { owner: 0, ..own }),
                nonce,
            ),
            Role::Replayer => return self.replay(rng, i, token),
            Role::Escalator => (
                token,
                write(if rng.chance(1, 2) { own } else { any }),
                nonce,
            ),
            Role::Flooder => (token, write(own), nonce),
            Role::Careless if rng.chance(1, 2) => {
                (token, Action::Unknown(rng.below(100) as u16), nonce)
            }
            Role::Careless => (
                token,
                Action::Write {
                    key: own,
                    value: nonce,
                    size: 1 << 20,
                },
                nonce,
            ),
        };
        let request = Request {
            token,
            nonce,
            action,
            role: role(i),
        };
        if role(i) == Role::Honest {
            self.captured = Some(request);
        }
        Some(request)
    }

    /// A captured honest request, or a write with its oldest token.
    fn replay(&mut self, rng: &mut SimRng, i: usize, token: Token) -> Option<Request> {
        if let Some(captured) = self.captured.filter(|_| rng.chance(1, 2)) {
            // The same bytes; only the ghost label says who sent them.
            return Some(Request {
                role: Role::Replayer,
                ..captured
            });
        }
        let c = self.client(i);
        let oldest = c.tokens.first().copied().unwrap_or(token);
        let key = Slot {
            owner: i as u32,
            index: 0,
        };
        let action = Action::Write {
            key,
            value: c.nonce,
            size: 16,
        };
        Some(Request {
            token: oldest,
            nonce: c.nonce,
            action,
            role: Role::Replayer,
        })
    }
}

/// A service the crowd can be aimed at: where logins and requests go, how
/// they become the service's operations, and what its answers mean.
/// [`ThisGateway`] is this model's; a user's service implements it to face
/// the same crowd (see docs/models.md).
pub trait Frontdoor: 'static {
    /// The service's node.
    type Node: Node;
    /// The node that issues tokens.
    const ISSUER: NodeId;
    /// How many entry points (gateways) requests are spread over.
    const GATEWAYS: usize;
    /// Entry point `k`'s node (`k` below [`Frontdoor::GATEWAYS`]).
    fn entry(k: usize) -> NodeId;
    /// Client `client`'s login, as the service's operation.
    fn login(client: u32, role: Role) -> <Self::Node as Node>::Op;
    /// A request, as the service's operation.
    fn call(request: Request) -> <Self::Node as Node>::Op;
    /// What a reply means.
    fn answer(reply: &<Self::Node as Node>::Reply) -> Answer;
}

/// What a reply means to the crowd.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// A token was issued.
    Token(Token),
    /// The request was served.
    Served,
    /// It was refused, and why.
    Refused(Refusal),
}

/// This model's front door.
#[derive(Clone, Copy, Debug, Default)]
pub struct ThisGateway;

impl Frontdoor for ThisGateway {
    type Node = GwNode;
    const ISSUER: NodeId = AUTH;
    const GATEWAYS: usize = GATEWAYS;

    fn entry(k: usize) -> NodeId {
        NodeId::from(1 + k)
    }

    fn login(client: u32, role: Role) -> GwOp {
        GwOp::Login { client, role }
    }

    fn call(request: Request) -> GwOp {
        GwOp::Call(request)
    }

    fn answer(reply: &GwReply) -> Answer {
        match *reply {
            GwReply::Issued(t) => Answer::Token(t),
            GwReply::Served(_) => Answer::Served,
            GwReply::Refused(r) => Answer::Refused(r),
        }
    }
}

impl<F: Frontdoor> Workload<F::Node> for Crowd<F> {
    fn next_op(
        &mut self,
        rng: &mut SimRng,
        i: usize,
        _: u64,
        _: usize,
    ) -> Option<(NodeId, <F::Node as Node>::Op)> {
        let renew = match role(i) {
            Role::Replayer => 3,
            _ => RENEW_EVERY,
        };
        let c = self.client(i);
        let token = match c.tokens.last() {
            Some(&t) if c.since_login < renew => t,
            _ => return Some((F::ISSUER, F::login(i as u32, role(i)))),
        };
        c.since_login += 1;
        c.turn += 1;
        let entry = F::entry((i + c.turn) % F::GATEWAYS);
        let request = self.action(rng, i, token)?;
        Some((entry, F::call(request)))
    }

    fn complete(&self, reply: &<F::Node as Node>::Reply) -> Completion {
        match F::answer(reply) {
            Answer::Token(_) | Answer::Served => Completion::Ok,
            // Seen before: a retry of a request that took effect.
            Answer::Refused(Refusal::Duplicate) => Completion::Ok,
            Answer::Refused(Refusal::Unavailable) => Completion::Retry { hint: None },
            Answer::Refused(_) => Completion::Fail,
        }
    }

    fn observe(&mut self, i: usize, reply: &<F::Node as Node>::Reply) {
        match F::answer(reply) {
            Answer::Token(token) => {
                let c = self.client(i);
                c.tokens.push(token);
                if c.tokens.len() > 4 {
                    c.tokens.remove(0);
                }
                c.since_login = 0;
            }
            // An honest client whose token is refused as expired or
            // unknown (a key rotated while it was cut off) logs in again
            // before its next request.
            Answer::Refused(Refusal::Expired | Refusal::BadToken) if role(i) == Role::Honest => {
                self.client(i).since_login = RENEW_EVERY;
            }
            _ => {}
        }
    }

    fn attempt_timeout(&self) -> Option<SimDuration> {
        Some(SimDuration::from_millis(200))
    }

    fn retry_target(
        &mut self,
        _: &mut SimRng,
        _: usize,
        last: NodeId,
        _: Option<NodeId>,
        _: usize,
    ) -> NodeId {
        if last == F::ISSUER {
            return last;
        }
        let k = (0..F::GATEWAYS)
            .position(|k| F::entry(k) == last)
            .unwrap_or(0);
        F::entry((k + 1) % F::GATEWAYS)
    }

    fn retry_backoff(&self) -> SimDuration {
        SimDuration::from_millis(1)
    }

    fn think_time_for(&mut self, rng: &mut SimRng, i: usize) -> SimDuration {
        match role(i) {
            Role::Flooder => SimDuration::from_millis(1),
            Role::Careless => SimDuration::from_millis(5),
            _ => SimDuration::from_millis(rng.between(20, 40)),
        }
    }
}

/// A client operation's kind for summaries: its sender's role.
pub fn op_kind(op: &GwOp) -> &'static str {
    match op {
        GwOp::Login { role, .. } => role.name(),
        GwOp::Call(request) => request.role.name(),
    }
}
