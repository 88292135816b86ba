//! A scenario's clients record transactions, and the harness checks them
//! with the transactional checker: a store that runs each transaction at
//! one instant is serializable; one that reads when a transaction arrives
//! and writes a moment later loses updates, and the check says so.

use sim::history::History;
use sim::scenario::{FailureKind, Scenario, Workload};
use sim::txn::history::{Mop, ReadValue};
use sim::txn::{ConsistencyModel, TxnHistory};
use sim::{Context, Node, NodeId, OpId, SimDuration, SimRng};
use std::collections::BTreeMap;

/// A one-node list-append store. With `split`, a transaction's reads see
/// the state when it arrives and its appends land 5 ms later.
#[derive(Clone, Debug, Default)]
struct Store {
    split: bool,
    lists: BTreeMap<u32, Vec<u32>>,
}

impl Store {
    fn read(&self, mops: &mut [Mop]) {
        for mop in mops {
            if let Mop::Read { key, value } = mop {
                let list = self.lists.get(key).cloned().unwrap_or_default();
                *value = ReadValue::List(list.into());
            }
        }
    }

    fn append(&mut self, mops: &[Mop]) {
        for mop in mops {
            if let Mop::Append { key, value } = mop {
                self.lists.entry(*key).or_default().push(*value);
            }
        }
    }
}

impl Node for Store {
    type Message = ();
    type Timer = (OpId, Vec<Mop>);
    type Block = ();
    type Op = Vec<Mop>;
    type Reply = Vec<Mop>;

    fn on_start(&mut self, _: &mut Context<'_, Self>) {}
    fn on_message(&mut self, _: &mut Context<'_, Self>, _: NodeId, _: ()) {}
    fn on_recover(&mut self, _: &mut Context<'_, Self>) {}

    fn on_client_op(&mut self, ctx: &mut Context<'_, Self>, op: OpId, mut mops: Vec<Mop>) {
        if self.split {
            self.read(&mut mops);
            ctx.set_timer(SimDuration::from_millis(5), (op, mops));
            return;
        }
        // In order: a read after an append in the same transaction sees it.
        for i in 0..mops.len() {
            self.read(&mut mops[i..=i]);
            self.append(&mops[i..=i]);
        }
        ctx.reply(op, mops);
    }

    fn on_timer(&mut self, ctx: &mut Context<'_, Self>, (op, mops): (OpId, Vec<Mop>)) {
        self.append(&mops);
        ctx.reply(op, mops);
    }
}

/// Clients: transactions of one to three reads and appends over three keys,
/// every appended value unique.
#[derive(Default)]
struct Txns {
    next: u32,
}

impl Workload<Store> for Txns {
    fn next_op(
        &mut self,
        rng: &mut SimRng,
        _: usize,
        _: u64,
        _: usize,
    ) -> Option<(NodeId, Vec<Mop>)> {
        let count = rng.between(1, 3);
        let mops = (0..count)
            .map(|_| {
                let key = rng.below(3) as u32;
                if rng.chance(1, 2) {
                    return Mop::Read {
                        key,
                        value: ReadValue::Nil,
                    };
                }
                self.next += 1;
                Mop::Append {
                    key,
                    value: 10 + self.next,
                }
            })
            .collect();
        Some((NodeId(0), mops))
    }

    fn think_time(&mut self, rng: &mut SimRng) -> SimDuration {
        SimDuration::from_micros(rng.between(500, 5_000))
    }
}

fn scenario(split: bool) -> Scenario<Store> {
    let translate = |h: &History<Vec<Mop>, Vec<Mop>>| {
        TxnHistory::from_client_history(h).expect("the harness pairs its events")
    };
    Scenario::new(move |_| Store {
        split,
        ..Store::default()
    })
    .nodes(1)
    .clients(3, Txns::default)
    .transactional(ConsistencyModel::Serializable, translate)
    .run_for(SimDuration::from_secs(1))
}

#[test]
fn a_store_that_runs_each_transaction_at_once_is_serializable() {
    let s = scenario(false);
    assert!(s
        .checks()
        .checks
        .iter()
        .any(|c| c == "serializable (transactions)"));
    for seed in 0..5 {
        let report = s.run_seed(seed);
        assert!(
            report.failure.is_none(),
            "seed {seed}: {:?}",
            report.failure
        );
        assert!(report.history.events.len() > 100, "the clients did work");
    }
}

#[test]
fn a_store_that_reads_early_and_writes_late_is_caught() {
    let report = scenario(true).run_seed(0);
    let failure = report.failure.expect("lost updates are found");
    assert_eq!(failure.kind, FailureKind::Transactional, "{failure}");
    assert!(
        failure.message.starts_with("serializable: invalid"),
        "{failure}"
    );
}
