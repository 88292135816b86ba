//! Process and real-time edges are built only for the questions that need
//! them; the models left out are unknown, never judged by guess.

use check::txn::format;
use check::txn::verdict::{Orders, Outcome};
use check::txn::{check, CheckOptions, ConsistencyModel, TxnHistory};

use ConsistencyModel::{
    ReadCommitted, Serializable, StrictSerializable, StrongSessionSerializable,
    StrongSessionSnapshotIsolation,
};

fn history(text: &str) -> TxnHistory {
    format::parse(text).expect("a valid history").1
}

/// A read after an append completed that does not see it: a cycle only
/// real time closes (process 0 then process 1).
const STALE_READ: &str = "\
{:process 0, :type :invoke, :f :txn, :value [[:append 1 1]]}
{:process 0, :type :ok, :f :txn, :value [[:append 1 1]]}
{:process 1, :type :invoke, :f :txn, :value [[:r 1 nil]]}
{:process 1, :type :ok, :f :txn, :value [[:r 1 []]]}
";

/// The same, by one process: process order closes it too.
const OWN_STALE_READ: &str = "\
{:process 0, :type :invoke, :f :txn, :value [[:append 1 1]]}
{:process 0, :type :ok, :f :txn, :value [[:append 1 1]]}
{:process 0, :type :invoke, :f :txn, :value [[:r 1 nil]]}
{:process 0, :type :ok, :f :txn, :value [[:r 1 []]]}
";

fn asked(h: &TxnHistory, model: ConsistencyModel) -> check::txn::TxnVerdict {
    let options = CheckOptions {
        model,
        orders: Orders::for_model(model),
        ..CheckOptions::default()
    };
    check(h, options)
}

#[test]
fn each_model_needs_only_its_orders() {
    let none = Orders {
        process: false,
        realtime: false,
    };
    assert_eq!(Orders::for_model(ReadCommitted), none);
    assert_eq!(Orders::for_model(Serializable), none);
    assert_eq!(Orders::for_model(StrictSerializable), Orders::ALL);
    let process = Orders {
        process: true,
        realtime: false,
    };
    assert_eq!(Orders::for_model(StrongSessionSerializable), process);
    assert_eq!(Orders::for_model(StrongSessionSnapshotIsolation), process);
    assert_eq!(
        Orders::for_asked(Serializable, &["G2-realtime"]),
        Orders::ALL
    );
    assert_eq!(Orders::for_asked(Serializable, &["G1c-process"]), process);
}

#[test]
fn a_model_whose_order_was_not_built_is_unknown_not_valid() {
    let h = history(STALE_READ);
    let v = asked(&h, Serializable);
    assert_eq!(v.outcome, Outcome::Valid);
    match v.outcome_of(StrictSerializable) {
        Outcome::Unknown(why) => assert!(why.contains("real-time order was not searched"), "{why}"),
        other => panic!("strict-serializable judged without real time: {other:?}"),
    }
    assert_eq!(asked(&h, StrictSerializable).outcome, Outcome::Invalid);
    // With every order built, the whole lattice is judged at once.
    let all = check(&h, CheckOptions::default());
    assert_eq!(all.outcome_of(StrictSerializable), &Outcome::Invalid);
}

#[test]
fn process_order_is_built_for_the_session_models() {
    let h = history(OWN_STALE_READ);
    let v = asked(&h, Serializable);
    assert!(matches!(
        v.outcome_of(StrongSessionSerializable),
        Outcome::Unknown(_)
    ));
    let v = asked(&h, StrongSessionSerializable);
    assert_eq!(v.outcome, Outcome::Invalid);
    assert!(
        v.present.contains("G-single-item-process"),
        "{:?}",
        v.present
    );
}

#[test]
fn a_g_single_real_time_closes_inside_a_plain_cycle_is_not_denied() {
    // Write skew, run one after the other: the plain cycle has two rw
    // edges; real time closes one with a single rw edge, which the search
    // does not name inside a component that is already cyclic.
    let h = history(
        "\
{:process 0, :type :invoke, :f :txn, :value [[:r :x nil] [:append :y 1]]}
{:process 0, :type :ok, :f :txn, :value [[:r :x []] [:append :y 1]]}
{:process 1, :type :invoke, :f :txn, :value [[:r :y nil] [:append :x 1]]}
{:process 1, :type :ok, :f :txn, :value [[:r :y []] [:append :x 1]]}
{:process 2, :type :invoke, :f :txn, :value [[:r :x nil] [:r :y nil]]}
{:process 2, :type :ok, :f :txn, :value [[:r :x [1]] [:r :y [1]]]}
",
    );
    let v = check(&h, CheckOptions::default());
    assert!(matches!(
        v.outcome_for_anomalies(&["G-single-item-realtime"]),
        Outcome::Unknown(_)
    ));
    assert_eq!(v.outcome_for_anomalies(&["G2-item"]), Outcome::Invalid);
}
