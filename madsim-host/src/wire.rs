//! The wire: where every madsim node listens, which tag each kind of
//! message travels under, and the run's virtual clock. Hosted models, the
//! async key-value service and the clients all follow it, so one client
//! driver serves them all.

use madsim::time::Instant;
use sim::{NodeId, OpId, SimTime};
use std::net::SocketAddr;

/// The port every endpoint uses.
pub const PORT: u16 = 700;
/// Messages between nodes.
pub const TAG_MESSAGE: u64 = 1;
/// Client requests.
pub const TAG_REQUEST: u64 = 2;
/// Answers to clients.
pub const TAG_REPLY: u64 = 3;

/// Server `i`'s address.
pub fn server_addr(i: usize) -> SocketAddr {
    let last = u8::try_from(i + 1).expect("fewer than 255 servers");
    SocketAddr::from(([10, 0, 0, last], PORT))
}

/// Client `c`'s address: operation ids carry the client, so a server knows
/// where an answer goes.
pub fn client_addr(c: u64) -> SocketAddr {
    let port = u16::try_from(1000 + c).expect("fewer than 64,000 clients");
    SocketAddr::from(([10, 0, 1, 1], port))
}

/// The client an operation id belongs to.
pub fn client_of(op: OpId) -> u64 {
    op.0 >> 32
}

/// The node index of a server address.
pub fn node_of(addr: SocketAddr) -> NodeId {
    match addr.ip() {
        std::net::IpAddr::V4(ip) => NodeId::from(usize::from(ip.octets()[3]) - 1),
        std::net::IpAddr::V6(_) => unreachable!("servers have IPv4 addresses"),
    }
}

/// Virtual time since the run began, as the hosted node's clock.
pub fn since(epoch: Instant) -> SimTime {
    let d = Instant::now().duration_since(epoch);
    SimTime(u64::try_from(d.as_nanos()).expect("runs shorter than 584 years"))
}
