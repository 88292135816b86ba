//! One foca member, written once for every release: [`replica!`] expands
//! to a release's `Replica` inside a module that names that release
//! `release`.
//!
//! How the replica keeps foca's contract (its `Runtime` docs):
//! - **Sends** go to faultline's network as the bytes foca encoded
//!   (postcard), to the node of the destination identity.
//! - **Timers**: every event foca submits is delivered, after its delay on
//!   the node's clock; each gets a token, and the replica keeps the event.
//! - **Randomness**: foca's RNG is a `SmallRng` seeded from the node's
//!   stream at each start.
//! - **Joining**: a member announces itself to every other node at start
//!   and after a restart, with a new generation.
//! - Membership is in memory, as foca keeps it; storage holds only the
//!   generation, synced before the new identity speaks.

/// The body of one release's member module. The module has `release` in
/// scope as the release and defines `Rng` (its RNG type, seedable from a
/// `u64`), `new_foca(Id, u64) -> Foca`, `members(&Foca) -> Vec<(Id, u16, bool)>`
/// (each member, its incarnation, and whether foca holds it alive) and an impl of its
/// release's `Runtime<Id>` for `Effects`.
macro_rules! replica {
    () => {
        use crate::foca::identity::{Id, GENERATION};
        use faultline::sim::model::releases::{Host, Tick};
        use faultline::sim::{Context, NodeId, SimDuration};
        use std::collections::BTreeMap;
        use std::time::Duration;

        /// A message between members: the bytes foca encoded.
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        pub struct Wire(Vec<u8>);

        /// What foca asked of its runtime during one call.
        #[derive(Default)]
        struct Effects {
            sends: Vec<(Id, Vec<u8>)>,
            timers: Vec<(release::Timer<Id>, Duration)>,
        }

        /// One member of this release.
        pub struct Replica {
            foca: Foca,
            timers: BTreeMap<u64, release::Timer<Id>>,
            next_token: u64,
            sent: u64,
        }

        impl std::fmt::Debug for Replica {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct("Replica")
                    .field("identity", self.foca.identity())
                    .field("sent", &self.sent)
                    .finish()
            }
        }

        impl Replica {
            /// A member of `generation`, announced to every other node.
            fn join<N: Host<Replica>>(ctx: &mut Context<'_, N>, generation: u32) -> Replica {
                let id = Id {
                    node: ctx.id().index() as u8,
                    generation,
                };
                let seed = ctx.rng().next_u64();
                let mut replica = Replica {
                    foca: new_foca(id, seed),
                    timers: BTreeMap::new(),
                    next_token: 0,
                    sent: 0,
                };
                for node in (0..ctx.node_count() as u8).filter(|&n| n != id.node) {
                    let mut effects = Effects::default();
                    // An error is foca declining; it changes nothing.
                    let _ = replica.foca.announce(
                        Id {
                            node,
                            generation: 0,
                        },
                        &mut effects,
                    );
                    replica.carry_out(ctx, effects);
                }
                replica
            }

            /// Sends what foca sent and sets the timers it asked for.
            fn carry_out<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>, effects: Effects) {
                for (to, data) in effects.sends {
                    self.sent += 1;
                    ctx.send(NodeId::from(usize::from(to.node)), N::wrap(Wire(data)));
                }
                for (event, after) in effects.timers {
                    let token = self.next_token;
                    self.next_token += 1;
                    self.timers.insert(token, event);
                    let after = SimDuration::from_nanos(after.as_nanos() as u64);
                    ctx.set_timer(after, Tick(token));
                }
            }
        }

        impl faultline::sim::model::releases::Replica for Replica {
            type Wire = Wire;
            type Block = u32;
            type Op = ();
            type Reply = ();

            fn start<N: Host<Replica>>(ctx: &mut Context<'_, N>) -> Replica {
                ctx.storage().write(GENERATION, 0);
                ctx.storage().sync();
                Replica::join(ctx, 0)
            }

            fn recover<N: Host<Replica>>(ctx: &mut Context<'_, N>) -> Option<Replica> {
                let generation = ctx.storage().read(GENERATION).ok()?.map_or(0, |g| g + 1);
                ctx.storage().write(GENERATION, generation);
                ctx.storage().sync();
                Some(Replica::join(ctx, generation))
            }

            fn on_message<N: Host<Replica>>(
                &mut self,
                ctx: &mut Context<'_, N>,
                _from: NodeId,
                wire: Wire,
            ) {
                let mut effects = Effects::default();
                // An error is data foca declined (from a stale identity, say).
                let _ = self.foca.handle_data(&wire.0, &mut effects);
                self.carry_out(ctx, effects);
            }

            fn on_timer<N: Host<Replica>>(&mut self, ctx: &mut Context<'_, N>, token: u64) {
                let event = self.timers.remove(&token).expect("a timer fires once");
                let mut effects = Effects::default();
                let _ = self.foca.handle_timer(event, &mut effects);
                self.carry_out(ctx, effects);
            }
        }

        impl faultline::models::judge::membership::MemberView for Replica {
            fn identity(&self) -> (usize, u32) {
                let id = self.foca.identity();
                (usize::from(id.node), id.generation)
            }
            fn members(&self) -> Vec<(usize, u32, u16, bool)> {
                members(&self.foca)
                    .into_iter()
                    .map(|(id, incarnation, alive)| {
                        (usize::from(id.node), id.generation, incarnation, alive)
                    })
                    .collect()
            }
            fn sent(&self) -> u64 {
                self.sent
            }
        }
    };
}

pub(crate) use replica;
