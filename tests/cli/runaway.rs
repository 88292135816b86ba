//! A buggy protocol's storm is a finding, never a hang: models that flood
//! the network, or livelock at one instant of virtual time, end with a
//! `runaway` failure within their budget, and a sweep goes on past them.

use sim::model::{EngineModel, Model, NoBugs, RunRequest};
use sim::scenario::{Budget, FailureKind, Scenario};
use sim::{
    Context, Fault, FaultPlan, Latency, LinkConfig, Mix, Node, NodeId, SimDuration, SimTime,
};

/// Every message it gets, it sends on twice: the traffic doubles each hop.
#[derive(Debug)]
struct Flood;

#[derive(Clone, Copy, Debug, Hash)]
enum Wave {
    Splash(u32),
}

impl Node for Flood {
    type Message = Wave;
    type Timer = ();
    type Block = ();
    type Op = ();
    type Reply = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if ctx.id() == NodeId(0) {
            ctx.send(NodeId(1), Wave::Splash(0));
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: Wave) {
        let Wave::Splash(n) = msg;
        ctx.send(from, Wave::Splash(n + 1));
        ctx.send(from, Wave::Splash(n + 1));
    }

    fn on_recover(&mut self, _ctx: &mut Context<'_, Self>) {}
}

struct FloodModel;

impl EngineModel for FloodModel {
    type Node = Flood;
    type Bug = NoBugs;
    const NAME: &'static str = "flood";
    const SUMMARY: &'static str = "doubles every message it gets";

    fn scenario(&self, _bug: Option<NoBugs>) -> Scenario<Flood> {
        let budget = Budget {
            events_per_phase: 1_000_000,
            pending_events: 50_000,
            ..Budget::default()
        };
        Scenario::new(|_| Flood)
            .nodes(2)
            .run_for(SimDuration::from_secs(10))
            .budget(budget)
    }
}

/// One message ping-ponged forever at zero latency: virtual time stands still.
#[derive(Debug)]
struct Echo;

impl Node for Echo {
    type Message = u8;
    type Timer = ();
    type Block = ();
    type Op = ();
    type Reply = ();

    fn on_start(&mut self, ctx: &mut Context<'_, Self>) {
        if ctx.id() == NodeId(0) {
            ctx.send(NodeId(1), 0);
        }
    }

    fn on_message(&mut self, ctx: &mut Context<'_, Self>, from: NodeId, msg: u8) {
        ctx.send(from, msg);
    }

    fn on_recover(&mut self, _ctx: &mut Context<'_, Self>) {}
}

#[test]
fn a_flood_ends_as_a_runaway_naming_what_filled_the_queue() {
    let report = FloodModel.scenario(None).run_seed(1);
    let failure = report.failure.expect("the flood fails");
    assert_eq!(failure.kind, FailureKind::Runaway, "{failure}");
    assert!(failure.message.contains("Splash (100%)"), "{failure}");
    assert!(failure.message.contains("pending"), "{failure}");
}

#[test]
fn a_livelock_at_zero_latency_ends_as_a_runaway() {
    let zero = LinkConfig::reliable(Latency::Fixed(SimDuration::ZERO));
    let budget = Budget {
        events_per_phase: 10_000_000,
        pending_events: 1_000,
        events_per_instant: 200_000,
        ..Budget::default()
    };
    let report = Scenario::new(|_| Echo)
        .nodes(2)
        .config(sim::SimConfig::new(0).nodes(2).link(zero))
        .budget(budget)
        .run_seed(3);
    let failure = report.failure.expect("the livelock fails");
    assert_eq!(failure.kind, FailureKind::Runaway, "{failure}");
    assert_eq!(
        failure.at,
        SimTime::ZERO,
        "virtual time never moved: {failure}"
    );
    assert!(
        failure.message.contains("200000 events ran in a row"),
        "{failure}"
    );
}

#[test]
fn duplication_at_one_in_one_is_caught_by_the_pending_budget() {
    let mut plan = FaultPlan::new();
    let config = LinkConfig::default().with_duplicate(sim::Ratio { num: 1, den: 1 });
    plan.push(SimTime::ZERO, Fault::SetAllLinks { config });
    let report = Scenario::new(|_| Echo).nodes(2).plan(plan).run_seed(0);
    let failure = report.failure.expect("the duplicates multiply");
    assert_eq!(failure.kind, FailureKind::Runaway, "{failure}");
}

#[test]
fn a_sweep_goes_on_past_runaways_and_reports_each() {
    let dir = std::env::temp_dir().join(format!("faultline-runaway-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let args = [
        "faultline",
        "explore",
        "flood",
        "--seeds",
        "3",
        "--json",
        "--jobs",
        "2",
        "--no-regressions",
    ];
    let mut args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    args.extend(["--artifacts".into(), dir.display().to_string()]);
    let cli = <faultline::cli::Cli as clap::Parser>::try_parse_from(&args).unwrap();
    let models: [&dyn Model; 1] = [&FloodModel];
    let code = faultline::cli::run(cli, &models);
    assert_eq!(code, 1, "a failure was found");
    let written = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(
        written, 3,
        "every seed ran to its runaway and left an artifact"
    );
    // And one seed of the model runs as a request, as replay does.
    let request = RunRequest {
        seed: 0,
        bug: None,
        nemesis: Mix::None.nemesis(),
        plan: None,
        record: false,
        budget: None,
        buggify: None,
        trim: Default::default(),
    };
    let run = FloodModel.run(&request).unwrap();
    assert_eq!(run.failure.map(|f| f.kind), Some(FailureKind::Runaway));
    let _ = std::fs::remove_dir_all(&dir);
}
