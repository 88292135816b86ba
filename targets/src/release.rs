//! A library under test at several releases, as one model: each release's
//! replica is its own type (each links its own copy of the library), and
//! [`releases!`] makes the node that runs the release a run asks for, with
//! one message type that carries any release's messages.
//!
//! A replica implements [`Replica`]; the node that hosts it implements
//! [`Host`], which is all a replica knows of it, so the replicas and the
//! release enum around them never import each other.

use models::kv::{KvReply, KvRequest};
use sim::{Context, Node, NodeId, OpId};

/// The one timer of every replica: its library's clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick;

/// A node that hosts a replica whose messages are `W` and whose storage
/// blocks are `B`, serving the key-value clients.
pub trait Host<W, B>: Node<Timer = Tick, Block = B, Op = KvRequest, Reply = KvReply> {
    /// The replica's message as one of the host's.
    fn wrap(wire: W) -> Self::Message;
}

/// One release's replica, as its host drives it.
pub trait Replica: Sized {
    /// Its messages.
    type Wire;
    /// Its storage blocks.
    type Block;
    /// A fresh node.
    fn start<N: Host<Self::Wire, Self::Block>>(ctx: &mut Context<'_, N>) -> Self;
    /// A node restarted on what its storage kept; `None` keeps it down
    /// (its storage is not what the library may restart on).
    fn recover<N: Host<Self::Wire, Self::Block>>(ctx: &mut Context<'_, N>) -> Option<Self>;
    /// A message from another replica.
    fn on_message<N: Host<Self::Wire, Self::Block>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        wire: Self::Wire,
    );
    /// Its timer fired.
    fn on_timer<N: Host<Self::Wire, Self::Block>>(&mut self, ctx: &mut Context<'_, N>);
    /// A client's request.
    fn on_client_op<N: Host<Self::Wire, Self::Block>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        op: OpId,
        request: KvRequest,
    );
}

/// Declares the node of a library at several releases:
///
/// ```text
/// releases! {
///     node NoraftKv, message Msg, block Block, switch NoraftVersion;
///     newest V0_7 => v0_7;
///     V0_4 => v0_4, V0_5 => v0_5
/// }
/// ```
///
/// makes `Msg` (a variant per release, holding its `Wire`), `NoraftKv`
/// (fresh, down, or a release's `Replica`), the [`Host`] impls, the
/// [`sim::Node`] impl that starts the release the switch names (the newest
/// with none), and the [`crate::judge::raft::RaftView`] impl that asks the
/// running replica.
macro_rules! releases {
    (
        node $Node:ident, message $Msg:ident, block $Block:ty, switch $Switch:ident;
        newest $New:ident => $new:ident;
        $($V:ident => $m:ident),+ $(,)?
    ) => {
        /// A message between replicas, of the release the run uses.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $Msg {
            #[doc = concat!("The newest release (`", stringify!($new), "`).")]
            $New($new::Wire),
            $(#[doc = concat!("Release `", stringify!($m), "`.")] $V($m::Wire),)+
        }

        /// A replica of the release the run uses.
        #[derive(Debug)]
        pub enum $Node {
            /// Not started yet: the release to start (`None`: the newest).
            Fresh(Option<$Switch>),
            /// Restarted on storage it may not restart on: it stays down.
            Down,
            #[doc = concat!("The newest release (`", stringify!($new), "`).")]
            $New(Box<$new::Replica>),
            $(#[doc = concat!("Release `", stringify!($m), "`.")] $V(Box<$m::Replica>),)+
        }

        impl $crate::release::Host<$new::Wire, $Block> for $Node {
            fn wrap(wire: $new::Wire) -> $Msg {
                $Msg::$New(wire)
            }
        }
        $(impl $crate::release::Host<$m::Wire, $Block> for $Node {
            fn wrap(wire: $m::Wire) -> $Msg {
                $Msg::$V(wire)
            }
        })+

        impl $Node {
            fn fresh_release(&self) -> Option<$Switch> {
                match self {
                    $Node::Fresh(release) => *release,
                    _ => unreachable!("only a fresh node is started or recovered"),
                }
            }
        }

        impl sim::Node for $Node {
            type Message = $Msg;
            type Timer = $crate::release::Tick;
            type Block = $Block;
            type Op = models::kv::KvRequest;
            type Reply = models::kv::KvReply;

            fn on_start(&mut self, ctx: &mut sim::Context<'_, Self>) {
                use $crate::release::Replica as _;
                *self = match self.fresh_release() {
                    None => $Node::$New(Box::new($new::Replica::start(ctx))),
                    $(Some($Switch::$V) => $Node::$V(Box::new($m::Replica::start(ctx))),)+
                };
            }

            fn on_recover(&mut self, ctx: &mut sim::Context<'_, Self>) {
                use $crate::release::Replica as _;
                let replica = match self.fresh_release() {
                    None => $new::Replica::recover(ctx).map(|r| $Node::$New(Box::new(r))),
                    $(Some($Switch::$V) => $m::Replica::recover(ctx).map(|r| $Node::$V(Box::new(r))),)+
                };
                *self = replica.unwrap_or($Node::Down);
            }

            fn on_message(&mut self, ctx: &mut sim::Context<'_, Self>, from: sim::NodeId, msg: $Msg) {
                use $crate::release::Replica as _;
                match (self, msg) {
                    ($Node::$New(r), $Msg::$New(w)) => r.on_message(ctx, from, w),
                    $(($Node::$V(r), $Msg::$V(w)) => r.on_message(ctx, from, w),)+
                    ($Node::Down, _) => {}
                    (node, msg) => unreachable!("one release per run: {msg:?} reached {node:?}"),
                }
            }

            fn on_timer(&mut self, ctx: &mut sim::Context<'_, Self>, _: $crate::release::Tick) {
                use $crate::release::Replica as _;
                match self {
                    $Node::$New(r) => r.on_timer(ctx),
                    $($Node::$V(r) => r.on_timer(ctx),)+
                    $Node::Fresh(_) | $Node::Down => {}
                }
            }

            fn on_client_op(
                &mut self,
                ctx: &mut sim::Context<'_, Self>,
                op: sim::OpId,
                request: models::kv::KvRequest,
            ) {
                use $crate::release::Replica as _;
                match self {
                    $Node::$New(r) => r.on_client_op(ctx, op, request),
                    $($Node::$V(r) => r.on_client_op(ctx, op, request),)+
                    $Node::Fresh(_) | $Node::Down => {}
                }
            }
        }

        impl $crate::judge::raft::RaftView for $Node {
            fn term(&self) -> u64 {
                $crate::release::releases!(@each self, $Node, $New, [$($V),+], r => r.term(), 0)
            }
            fn leads(&self) -> bool {
                $crate::release::releases!(@each self, $Node, $New, [$($V),+], r => r.leads(), false)
            }
            fn commit_index(&self) -> u64 {
                $crate::release::releases!(@each self, $Node, $New, [$($V),+], r => r.commit_index(), 0)
            }
            fn entry_term(&self, index: u64) -> Option<u64> {
                $crate::release::releases!(@each self, $Node, $New, [$($V),+], r => r.entry_term(index), None)
            }
            fn library_error(&self) -> Option<&str> {
                $crate::release::releases!(@each self, $Node, $New, [$($V),+], r => r.library_error(), None)
            }
        }
    };
    (@each $node:expr, $Node:ident, $New:ident, [$($V:ident),+], $r:ident => $body:expr, $none:expr) => {
        match $node {
            $Node::$New($r) => $body,
            $($Node::$V($r) => $body,)+
            $Node::Fresh(_) | $Node::Down => $none,
        }
    };
}

pub(crate) use releases;
