//! A library under test at several releases, as one model: each release's
//! replica is its own type (each links its own copy of the library), and
//! [`crate::releases!`] makes the node that runs the release a run asks for, with
//! one message type that carries any release's messages.
//!
//! A replica implements [`Replica`]; the node that hosts it implements
//! [`Host`], which is all a replica knows of it, so the replicas and the
//! release enum around them never import each other.

use crate::{Context, Node, NodeId, OpId};

/// The one timer of every replica, with a token the replica chose (a
/// replica with one timer uses 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Tick(pub u64);

/// A node that hosts replicas of kind `R`.
pub trait Host<R: Replica>:
    Node<Timer = Tick, Block = R::Block, Op = R::Op, Reply = R::Reply>
{
    /// The replica's message as one of the host's.
    fn wrap(wire: R::Wire) -> Self::Message;
}

/// One release's replica, as its host drives it.
pub trait Replica: Sized {
    /// Its messages.
    type Wire;
    /// Its storage blocks.
    type Block;
    /// Its clients' operations.
    type Op;
    /// Its answers to them.
    type Reply;
    /// A fresh node.
    fn start<N: Host<Self>>(ctx: &mut Context<'_, N>) -> Self;
    /// A node restarted on what its storage kept; `None` keeps it down
    /// (its storage is not what the library may restart on).
    fn recover<N: Host<Self>>(ctx: &mut Context<'_, N>) -> Option<Self>;
    /// A message from another replica.
    fn on_message<N: Host<Self>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        from: NodeId,
        wire: Self::Wire,
    );
    /// Its timer `token` fired.
    fn on_timer<N: Host<Self>>(&mut self, ctx: &mut Context<'_, N>, token: u64);
    /// A client's request (the default answers nothing).
    fn on_client_op<N: Host<Self>>(
        &mut self,
        ctx: &mut Context<'_, N>,
        op: OpId,
        request: Self::Op,
    ) {
        let _ = (ctx, op, request);
    }
}

/// Declares the node of a library at several releases:
///
/// ```text
/// releases! {
///     node NoraftKv, message Msg, block Block, op KvRequest, reply KvReply,
///     switch NoraftVersion, view dyn RaftView;
///     newest V0_7 => v0_7;
///     V0_4 => v0_4, V0_5 => v0_5
/// }
/// ```
///
/// makes `Msg` (a variant per release, holding its `Wire`), `NoraftKv`
/// (fresh, down, or a release's `Replica`), the [`crate::model::releases::Host`] impls, the
/// [`crate::Node`] impl that starts the release the switch names (the newest
/// with none), and `NoraftKv::running`, the running replica as the `view`
/// (a trait every release's replica implements) that judges read.
#[macro_export]
macro_rules! releases {
    (
        node $Node:ident, message $Msg:ident, block $Block:ty, op $Op:ty, reply $Reply:ty,
        switch $Switch:ident, view $View:ty;
        newest $New:ident => $new:ident;
        $($V:ident => $m:ident),* $(,)?
    ) => {
        /// A message between replicas, of the release the run uses.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $Msg {
            #[doc = concat!("The newest release (`", stringify!($new), "`).")]
            $New($new::Wire),
            $(#[doc = concat!("Release `", stringify!($m), "`.")] $V($m::Wire),)*
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
            $(#[doc = concat!("Release `", stringify!($m), "`.")] $V(Box<$m::Replica>),)*
        }

        impl $crate::model::releases::Host<$new::Replica> for $Node {
            fn wrap(wire: $new::Wire) -> $Msg {
                $Msg::$New(wire)
            }
        }
        $(impl $crate::model::releases::Host<$m::Replica> for $Node {
            fn wrap(wire: $m::Wire) -> $Msg {
                $Msg::$V(wire)
            }
        })*

        impl $Node {
            /// The running replica, as judges see it (`None`: not running).
            pub fn running(&self) -> Option<&$View> {
                match self {
                    $Node::$New(r) => Some(&**r),
                    $($Node::$V(r) => Some(&**r),)*
                    $Node::Fresh(_) | $Node::Down => None,
                }
            }

            fn fresh_release(&self) -> Option<$Switch> {
                match self {
                    $Node::Fresh(release) => *release,
                    _ => unreachable!("only a fresh node is started or recovered"),
                }
            }
        }

        impl $crate::Node for $Node {
            type Message = $Msg;
            type Timer = $crate::model::releases::Tick;
            type Block = $Block;
            type Op = $Op;
            type Reply = $Reply;

            fn on_start(&mut self, ctx: &mut $crate::Context<'_, Self>) {
                use $crate::model::releases::Replica as _;
                *self = match self.fresh_release() {
                    None => $Node::$New(Box::new($new::Replica::start(ctx))),
                    $(Some($Switch::$V) => $Node::$V(Box::new($m::Replica::start(ctx))),)*
                };
            }

            fn on_recover(&mut self, ctx: &mut $crate::Context<'_, Self>) {
                use $crate::model::releases::Replica as _;
                let replica = match self.fresh_release() {
                    None => $new::Replica::recover(ctx).map(|r| $Node::$New(Box::new(r))),
                    $(Some($Switch::$V) => $m::Replica::recover(ctx).map(|r| $Node::$V(Box::new(r))),)*
                };
                *self = replica.unwrap_or($Node::Down);
            }

            fn on_message(&mut self, ctx: &mut $crate::Context<'_, Self>, from: $crate::NodeId, msg: $Msg) {
                use $crate::model::releases::Replica as _;
                match (self, msg) {
                    ($Node::$New(r), $Msg::$New(w)) => r.on_message(ctx, from, w),
                    $(($Node::$V(r), $Msg::$V(w)) => r.on_message(ctx, from, w),)*
                    ($Node::Down, _) => {}
                    (node, msg) => unreachable!("one release per run: {msg:?} reached {node:?}"),
                }
            }

            fn on_timer(&mut self, ctx: &mut $crate::Context<'_, Self>, tick: $crate::model::releases::Tick) {
                use $crate::model::releases::Replica as _;
                match self {
                    $Node::$New(r) => r.on_timer(ctx, tick.0),
                    $($Node::$V(r) => r.on_timer(ctx, tick.0),)*
                    $Node::Fresh(_) | $Node::Down => {}
                }
            }

            fn on_client_op(
                &mut self,
                ctx: &mut $crate::Context<'_, Self>,
                op: $crate::OpId,
                request: $Op,
            ) {
                use $crate::model::releases::Replica as _;
                match self {
                    $Node::$New(r) => r.on_client_op(ctx, op, request),
                    $($Node::$V(r) => r.on_client_op(ctx, op, request),)*
                    $Node::Fresh(_) | $Node::Down => {}
                }
            }
        }

    };
}
