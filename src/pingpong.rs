//! The reference benchmark's protocol: sequential ping-pong.
//!
//! Nodes `0..servers` are servers that answer each request; node `servers` is the
//! client. The client sends requests `0..requests` one at a time, round-robin over
//! the servers, and waits for each reply before sending the next. With a retry
//! timeout set (needed when the network drops messages) the client resends the
//! outstanding request when its timer fires; stale and duplicate replies are
//! ignored.

use sim::{Context, Node, NodeId, SimDuration, TimerId};

/// A ping-pong message: the request number, out and back.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Ping {
    /// Client to server.
    Request(u64),
    /// Server to client.
    Response(u64),
}

/// The client's progress.
#[derive(Debug)]
pub struct ClientState {
    servers: u32,
    next: u64,
    end: u64,
    retry_after: Option<SimDuration>,
    timer: Option<TimerId>,
    /// How many times a request was resent.
    pub retries: u64,
    /// How many requests were answered.
    pub completed: u64,
}

/// A ping-pong node.
#[derive(Debug)]
pub enum PingPong {
    /// Answers every request.
    Server,
    /// Sends the requests.
    Client(ClientState),
}

impl PingPong {
    /// The node for `id` in a cluster of `servers` servers and one client.
    pub fn for_node(
        id: NodeId,
        servers: u32,
        requests: u64,
        retry_after: Option<SimDuration>,
    ) -> PingPong {
        if id.0 < servers {
            PingPong::Server
        } else {
            PingPong::Client(ClientState {
                servers,
                next: 0,
                end: requests,
                retry_after,
                timer: None,
                retries: 0,
                completed: 0,
            })
        }
    }
}

impl ClientState {
    fn send_current(&mut self, ctx: &mut Context<'_, PingPong>) {
        if self.next >= self.end {
            return;
        }
        let server = NodeId((self.next % u64::from(self.servers)) as u32);
        ctx.send(server, Ping::Request(self.next));
        if let Some(after) = self.retry_after {
            self.timer = Some(ctx.set_timer(after, self.next));
        }
    }
}

impl Node for PingPong {
    type Message = Ping;
    type Timer = u64;
    type Block = ();
    type Op = ();
    type Reply = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if let PingPong::Client(c) = self {
            c.send_current(ctx);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Ping) {
        match (self, msg) {
            (PingPong::Server, Ping::Request(id)) => ctx.send(from, Ping::Response(id)),
            (PingPong::Client(c), Ping::Response(id)) if id == c.next => {
                if let Some(t) = c.timer.take() {
                    ctx.cancel_timer(t);
                }
                c.completed += 1;
                c.next += 1;
                c.send_current(ctx);
            }
            // A late or duplicated reply to a request already answered.
            (PingPong::Client(_), Ping::Response(_)) => {}
            (node, msg) => panic!("ping-pong: {node:?} cannot receive {msg:?}"),
        }
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, request: u64) {
        if let PingPong::Client(c) = self {
            if request == c.next {
                c.retries += 1;
                c.send_current(ctx);
            }
        }
    }

    fn on_recover(&mut self, ctx: &mut Context<'_, Self>) {
        self.on_start(ctx);
    }
}
