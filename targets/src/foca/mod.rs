//! foca (caio/foca), a sans-IO SWIM membership library, under the engine:
//! five members of its newest release.
//!
//! The library runs unmodified from crates.io; [`replica`] says how the
//! adapter keeps its contract (every timer delivered, on the node's clock;
//! randomness seeded from the node's stream). Judges
//! ([`faultline::models::judge::membership`]): no member sends more than
//! [`RATE_BOUND`] messages in any second, after every event; and, healed,
//! every live member sees every other live member as alive.

mod identity;
mod replica;
mod timing;
mod versions;

use faultline::models::judge::membership::{self, MemberView};
use faultline::sim::model::EngineModel;
use faultline::sim::model::NoBugs;
use faultline::sim::scenario::{Check, Scenario};
use faultline::sim::{Mix, SimDuration};
pub use identity::Id;
pub use timing::MEMBERS;
use versions::v2;

/// The most messages a member may send in one second of virtual time.
/// foca's LAN preset for five members sends at most 37 a second under the
/// default mix (2.0.0, seeds 0..1000, `examples/foca_rate.rs`); the bound
/// leaves room for duplication faults and rejoins, not for a storm.
pub const RATE_BOUND: u64 = 200;

faultline::sim::releases! {
    node FocaNode, message Msg, block u32, op (), reply (),
    switch NoBugs, view dyn MemberView;
    newest V2 => v2;
}

/// foca, described once for the command line and the tests.
#[derive(Clone, Copy, Debug, Default)]
pub struct FocaModel;

impl EngineModel for FocaModel {
    type Node = FocaNode;
    type Bug = NoBugs;
    const NAME: &'static str = "foca";
    const SUMMARY: &'static str = "caio/foca 2.0.0: SWIM membership of five members";

    fn scenario(&self, bug: Option<NoBugs>) -> Scenario<FocaNode> {
        scenario(bug)
    }
}

/// How long, once healed, members may take to see each other alive again.
/// The slowest path in foca's LAN preset is a pair of members that hold
/// each other down: nothing they send reaches the other until one of them
/// announces itself to the members it holds down, which 2.0 does every 65 s
/// (`periodic_announce_to_down_members`); the rest is a few probe periods.
pub const CONVERGE_WITHIN: SimDuration = SimDuration::from_secs(150);

/// Five members of foca's newest release (`release` is always `None`: no
/// older release is a switch yet), the `all` mix, the
/// message rate after every event, 10 s of safety; then, healed, every live
/// member sees every other as alive within [`CONVERGE_WITHIN`].
pub fn scenario(release: Option<NoBugs>) -> Scenario<FocaNode> {
    Scenario::new(move |_| FocaNode::Fresh(release))
        .nodes(MEMBERS)
        .faults(Mix::All.nemesis())
        .check(Check::properties(&membership::RATE, || {
            membership::rate(FocaNode::running, RATE_BOUND)
        }))
        .check(Check::eventually(
            "every live member sees every other as alive",
            |sim| membership::converged(sim, FocaNode::running),
        ))
        .run_for(SimDuration::from_secs(10))
        .liveness_for(CONVERGE_WITHIN)
}
