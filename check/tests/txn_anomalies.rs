//! One hand-built history per anomaly class, with the verdict expected under
//! each consistency model; the readers of both forms; unknown where the
//! checker cannot tell.

use check::txn::format::{self, TxnFormat};
use check::txn::verdict::Outcome;
use check::txn::{check, AnomalyKind, CheckOptions, ConsistencyModel, TxnHistory};

use ConsistencyModel::{
    ReadCommitted as Rc, Serializable as Ser, SnapshotIsolation as Si, StrictSerializable as Strict,
};

/// A history from EDN lines of `process type value`, each an invocation
/// followed at once by its completion unless `type` is `invoke` or the
/// line starts with `!` (a completion alone).
fn edn(lines: &[&str]) -> TxnHistory {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    format::parse(&text).expect("a valid history").1
}

/// Each transaction invoked and completed before the next.
fn serial(txns: &[(u64, &str, &str)]) -> TxnHistory {
    let mut lines = Vec::new();
    for &(p, kind, value) in txns {
        let invoked = value.replace("[:r", "[:R");
        let invoked = blank_reads(&invoked);
        lines.push(format!(
            "{{:process {p}, :type :invoke, :f :txn, :value {invoked}}}"
        ));
        lines.push(format!(
            "{{:process {p}, :type :{kind}, :f :txn, :value {value}}}"
        ));
    }
    edn(&lines.iter().map(String::as_str).collect::<Vec<_>>())
}

/// `[:R k anything]` becomes `[:r k nil]`.
fn blank_reads(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find("[:R ") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        let key_end = after.find(' ').expect("a key");
        out.push_str(&format!("[:r {} nil]", &after[..key_end]));
        // Skip to the end of this mop: its closing bracket at depth 0.
        let mut depth = 1;
        let mut end = 0;
        for (j, c) in after.char_indices() {
            match c {
                '[' => depth += 1,
                ']' => {
                    depth -= 1;
                    if depth == 0 {
                        end = j + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The four models the expectations below name, weakest first.
const FOUR: [ConsistencyModel; 4] = [Rc, Si, Ser, Strict];

/// Checks `h` against four models and compares with `expected` (valid or
/// not, weakest first), and that `kind` is among the anomalies.
fn expect(h: &TxnHistory, kind: AnomalyKind, expected: [bool; 4]) {
    for (model, valid) in FOUR.into_iter().zip(expected) {
        let v = check(
            h,
            CheckOptions {
                model,
                ..CheckOptions::default()
            },
        );
        let want = if valid {
            Outcome::Valid
        } else {
            Outcome::Invalid
        };
        assert_eq!(v.outcome, want, "{model}:\n{}", v.render(h));
        assert!(
            v.counts.iter().any(|(k, _)| *k == kind),
            "{} expected:\n{}",
            kind.name(),
            v.render(h)
        );
    }
}

#[test]
fn g0_write_cycle() {
    let h = serial(&[
        (0, "ok", "[[:append 1 1] [:append 2 1]]"),
        (1, "ok", "[[:append 1 2] [:append 2 2]]"),
        (2, "ok", "[[:r 1 [1 2]] [:r 2 [2 1]]]"),
    ]);
    expect(&h, AnomalyKind::G0, [false; 4]);
    let _ = (Rc, Si, Ser, Strict);
}

#[test]
fn g1a_aborted_read() {
    let h = serial(&[(0, "fail", "[[:append 1 1]]"), (1, "ok", "[[:r 1 [1]]]")]);
    expect(&h, AnomalyKind::G1a, [false; 4]);
}

#[test]
fn g1b_intermediate_read() {
    let h = serial(&[
        (0, "ok", "[[:append 1 1] [:append 1 2]]"),
        (1, "ok", "[[:r 1 [1]]]"),
    ]);
    expect(&h, AnomalyKind::G1b, [false; 4]);
}

#[test]
fn g1c_circular_information_flow() {
    let h = serial(&[
        (0, "ok", "[[:append 1 1] [:r 2 [2]]]"),
        (1, "ok", "[[:append 2 2] [:r 1 [1]]]"),
    ]);
    expect(&h, AnomalyKind::G1c, [false; 4]);
}

#[test]
fn g_single_read_skew_is_allowed_by_read_committed_only() {
    let h = serial(&[
        (0, "ok", "[[:append 1 1] [:append 2 1]]"),
        (1, "ok", "[[:append 1 2] [:r 2 []]]"),
        (2, "ok", "[[:r 1 [1 2]]]"),
    ]);
    expect(&h, AnomalyKind::GSingle, [true, false, false, false]);
}

#[test]
fn g2_item_write_skew_is_allowed_by_snapshot_isolation() {
    // Two concurrent transactions each read both keys empty and append to one.
    let h = edn(&[
        "{:process 0, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil] [:append 1 1]]}",
        "{:process 1, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil] [:append 2 1]]}",
        "{:process 0, :type :ok, :f :txn, :value [[:r 1 []] [:r 2 []] [:append 1 1]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:r 1 []] [:r 2 []] [:append 2 1]]}",
    ]);
    expect(&h, AnomalyKind::G2Item, [true, true, false, false]);
}

#[test]
fn lost_update_breaks_snapshot_isolation() {
    let h = serial(&[
        (0, "ok", "[[:append 1 0]]"),
        (1, "ok", "[[:r 1 [0]] [:append 1 1]]"),
        (2, "ok", "[[:r 1 [0]] [:append 1 2]]"),
    ]);
    expect(&h, AnomalyKind::LostUpdate, [true, false, false, false]);
}

#[test]
fn a_stale_read_after_completion_breaks_only_strict_serializability() {
    let h = serial(&[(0, "ok", "[[:append 1 1]]"), (1, "ok", "[[:r 1 []]]")]);
    expect(&h, AnomalyKind::GSingleRealtime, [true, true, true, false]);
}

#[test]
fn data_anomalies_break_every_model_and_internal_breaks_snapshot_isolation() {
    type Case<'a> = (&'a [(u64, &'a str, &'a str)], AnomalyKind);
    let cases: [Case; 5] = [
        (
            &[
                (0, "ok", "[[:append 1 1]]"),
                (1, "ok", "[[:append 1 2]]"),
                (2, "ok", "[[:r 1 [1 2]]]"),
                (3, "ok", "[[:r 1 [2 1]]]"),
            ],
            AnomalyKind::IncompatibleOrder,
        ),
        (
            &[(0, "ok", "[[:append 1 1]]"), (1, "ok", "[[:r 1 [1 1]]]")],
            AnomalyKind::DuplicateElements,
        ),
        (&[(0, "ok", "[[:r 1 [9]]]")], AnomalyKind::GarbageRead),
        (
            &[(0, "ok", "[[:r 1 [1]] [:append 1 1]]")],
            AnomalyKind::FutureRead,
        ),
        (
            &[
                (0, "fail", "[[:append 1 1]]"),
                (1, "ok", "[[:append 1 2]]"),
                (2, "ok", "[[:r 1 [1 2]]]"),
            ],
            AnomalyKind::DirtyUpdate,
        ),
    ];
    for (txns, kind) in cases {
        expect(&serial(txns), kind, [false; 4]);
    }
    // A read that contradicts its own transaction's writes is internal,
    // which Elle has snapshot isolation and serializability proscribe,
    // and not read committed.
    let internal = serial(&[(0, "ok", "[[:append 1 1] [:r 1 []]]")]);
    expect(
        &internal,
        AnomalyKind::Internal,
        [true, false, false, false],
    );
}

#[test]
fn register_anomalies() {
    let g1a = serial(&[(0, "fail", "[[:w 1 1]]"), (1, "ok", "[[:r 1 1]]")]);
    expect(&g1a, AnomalyKind::G1a, [false; 4]);
    let lost = serial(&[
        (0, "ok", "[[:r 1 nil] [:w 1 1]]"),
        (1, "ok", "[[:r 1 nil] [:w 1 2]]"),
    ]);
    expect(&lost, AnomalyKind::LostUpdate, [true, false, false, false]);
    let valid = serial(&[
        (0, "ok", "[[:w 1 1]]"),
        (1, "ok", "[[:r 1 1] [:w 1 2]]"),
        (2, "ok", "[[:r 1 2]]"),
    ]);
    assert_eq!(
        check(&valid, CheckOptions::default()).outcome,
        Outcome::Valid
    );
}

#[test]
fn a_register_write_no_read_places_leaves_the_answer_unknown() {
    // Two blind writes, one read of the first: the second write could come
    // before it or after the read.
    let h = serial(&[
        (0, "ok", "[[:w 1 1]]"),
        (1, "ok", "[[:w 1 2]]"),
        (2, "ok", "[[:r 1 1]]"),
    ]);
    let v = check(&h, CheckOptions::default());
    assert!(matches!(v.outcome, Outcome::Unknown(_)), "{}", v.render(&h));
}

#[test]
fn strict_serializability_needs_invocations() {
    let h = edn(&[
        "{:process 0, :type :ok, :f :txn, :value [[:append 1 1]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:r 1 [1]]]}",
    ]);
    let strict = check(
        &h,
        CheckOptions {
            model: Strict,
            ..CheckOptions::default()
        },
    );
    assert!(
        matches!(strict.outcome, Outcome::Unknown(_)),
        "{:?}",
        strict.outcome
    );
    assert_eq!(check(&h, CheckOptions::default()).outcome, Outcome::Valid);
}

#[test]
fn a_spent_budget_neither_hides_a_cycle_nor_blocks_a_witness() {
    // A three-transaction G1c: found with any budget, since whether a
    // cycle exists needs no search (only an example of it does).
    let h = serial(&[
        (0, "ok", "[[:append 1 1] [:r 3 [3]]]"),
        (1, "ok", "[[:r 1 [1]] [:append 2 2]]"),
        (2, "ok", "[[:r 2 [2]] [:append 3 3]]"),
    ]);
    let with = |h: &TxnHistory, max_steps| {
        let model = Rc;
        check(
            h,
            CheckOptions {
                model,
                max_steps,
                ..CheckOptions::default()
            },
        )
        .outcome
    };
    assert_eq!(with(&h, u64::MAX), Outcome::Invalid);
    assert_eq!(with(&h, 1), Outcome::Invalid);
    // A register history whose write order the graph implies only through
    // a search: valid with a budget. Process 2 read 1 after 2 was
    // written, so no serial run in completion order settles it; with no
    // budget, a serial run in the graph's order still does.
    let h = edn(&[
        "{:process 0, :type :ok, :f :txn, :value [[:w :x 1]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:r :x 1] [:w :x 2]]}",
        "{:process 2, :type :ok, :f :txn, :value [[:r :x 1]]}",
    ]);
    assert_eq!(with(&h, u64::MAX), Outcome::Valid);
    assert_eq!(with(&h, 0), Outcome::Valid);
}

#[test]
fn both_forms_read_and_round_trip() {
    let json = r#"[{"index":0,"process":0,"type":"invoke","value":[["append",1,1],["r","x",null]]},
 {"index":1,"process":0,"type":"ok","value":[["append",1,1],["r","x",[]]]},
 {"index":2,"process":"nemesis","type":"info","f":"start","value":null}]"#;
    let (form, h) = format::parse(json).expect("elle-cli JSON");
    assert_eq!(form, TxnFormat::Json);
    assert_eq!(h.txns.len(), 1);
    let edn_text = format::to_edn(&h);
    let (form, again) = format::parse(&edn_text).expect("our EDN");
    assert_eq!(form, TxnFormat::Edn);
    assert_eq!(again.txns, h.txns);
    assert_eq!(format::to_json(&again), format::to_json(&h));
    let (_, from_json) = format::parse(&format::to_json(&h)).expect("our JSON");
    assert_eq!(from_json.txns, h.txns);
    // One wrapping vector, with :f absent.
    let wrapped = "[{:process 0 :type :invoke :value [[:r 1 nil]]}\n {:process 0 :type :ok :value [[:r 1 []]]}]";
    assert_eq!(format::parse(wrapped).expect("wrapped").1.txns.len(), 1);
}

#[test]
fn bad_input_names_its_line() {
    let cases = [
        ("{:process 0, :type :ok, :f :txn, :value [[:append 1 1]]}\n{:process 0, :type :launch, :f :txn, :value []}", 2, "launch"),
        ("{:process 0, :type :invoke, :f :txn, :value [[:inc 1 1]]}", 1, "is not :append"),
        ("{:process 0, :type :invoke, :f :txn, :value []}\n{:process 1, :type :ok, :f :txn, :value []}", 2, "never invoked"),
        ("{:process 0, :type :invoke, :f :read, :value []}", 1, ":f must be :txn"),
        ("{\"process\": 0, \"type\": \"ok\", \"value\": [[\"append\", 1]]}", 1, "[f, key, value]"),
        ("{:process 0, :type :invoke, :f :txn, :value [[:append nil 1]]}", 1, "cannot be nil"),
        ("{:process 0, :type :invoke, :f :txn, :value [[:append 1]]}", 1, "[f key value]"),
    ];
    for (text, line, says) in cases {
        let e = format::parse(text).expect_err(text);
        assert_eq!(e.line, line, "{text}: {e}");
        assert!(e.to_string().contains(says), "{text}: {e}");
    }
}

#[test]
fn an_ok_list_read_of_nil_saw_the_initial_state() {
    // Jepsen's clients return nil for a key that does not exist yet; Elle
    // reads it as the empty list. A nil read after the append completed is
    // the same stale read as `[]`.
    let h = serial(&[(0, "ok", "[[:append 1 1]]"), (1, "ok", "[[:r 1 nil]]")]);
    expect(&h, AnomalyKind::GSingleRealtime, [true, true, true, false]);
    // And a nil read closes a G-single cycle as `[]` does.
    let h = serial(&[
        (0, "ok", "[[:append 1 1] [:append 2 1]]"),
        (1, "ok", "[[:append 1 2] [:r 2 nil]]"),
        (2, "ok", "[[:r 1 [1 2]]]"),
    ]);
    expect(&h, AnomalyKind::GSingle, [true, false, false, false]);
}

#[test]
fn a_nil_read_in_an_info_transaction_says_nothing() {
    // An indeterminate transaction's reads are unknown: no edge from them.
    let h = serial(&[(0, "ok", "[[:append 1 1]]"), (1, "info", "[[:r 1 nil]]")]);
    for model in ConsistencyModel::ALL {
        assert_eq!(outcome(&h, model), Outcome::Valid, "{model}");
    }
}

#[test]
fn a_long_fork_breaks_snapshot_isolation() {
    // Two writers of different keys, two readers that each saw one write
    // and not the other: rw edges that are never adjacent (G-nonadjacent),
    // which snapshot isolation forbids (Cerone and Gotsman).
    let h = edn(&[
        "{:process 0, :type :invoke, :f :txn, :value [[:append 1 1]]}",
        "{:process 1, :type :invoke, :f :txn, :value [[:append 2 1]]}",
        "{:process 2, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil]]}",
        "{:process 3, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil]]}",
        "{:process 0, :type :ok, :f :txn, :value [[:append 1 1]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:append 2 1]]}",
        "{:process 2, :type :ok, :f :txn, :value [[:r 1 [1]] [:r 2 []]]}",
        "{:process 3, :type :ok, :f :txn, :value [[:r 1 []] [:r 2 [1]]]}",
    ]);
    expect(&h, AnomalyKind::GNonadjacent, [true, false, false, false]);
}

#[test]
fn adjacent_rw_edges_are_write_skew_which_snapshot_isolation_allows() {
    // Write skew: each transaction's rw edge follows the other's, so the
    // two are adjacent (G2-item, not G-nonadjacent). A reader that sees
    // both writes adds wr edges but no cycle without adjacent rw edges.
    let h = edn(&[
        "{:process 0, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil] [:append 1 1]]}",
        "{:process 1, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil] [:append 2 1]]}",
        "{:process 0, :type :ok, :f :txn, :value [[:r 1 []] [:r 2 []] [:append 1 1]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:r 1 []] [:r 2 []] [:append 2 1]]}",
        "{:process 2, :type :invoke, :f :txn, :value [[:r 1 nil] [:r 2 nil]]}",
        "{:process 2, :type :ok, :f :txn, :value [[:r 1 [1]] [:r 2 [1]]]}",
    ]);
    expect(&h, AnomalyKind::G2Item, [true, true, false, false]);
}

/// The verdict on `h` under `model`.
fn outcome(h: &TxnHistory, model: ConsistencyModel) -> Outcome {
    let options = CheckOptions {
        model,
        ..CheckOptions::default()
    };
    check(h, options).outcome
}

/// Strict serializability's verdict on `h`.
fn strict(h: &TxnHistory) -> Outcome {
    outcome(h, Strict)
}

#[test]
fn keys_are_told_apart_as_edn_tells_them() {
    // `:x`, `"x"` and `x` are three keys, as Elle reads them: reads of the
    // other two that saw nothing after `:x` was appended are not stale.
    let apart = serial(&[
        (0, "ok", "[[:append :x 1]]"),
        (1, "ok", "[[:r \"x\" []]]"),
        (2, "ok", "[[:r x []]]"),
    ]);
    assert_eq!(strict(&apart), Outcome::Valid);
    let same = serial(&[(0, "ok", "[[:append :x 1]]"), (1, "ok", "[[:r :x []]]")]);
    expect(
        &same,
        AnomalyKind::GSingleRealtime,
        [true, true, true, false],
    );
    // A vector is a key too, and `[:anti 3]` is not `[:anti 4]`.
    let vector = |read: &str| {
        edn(&[
            "{:process 0, :type :invoke, :f :txn, :value [[:append [:anti 3] 1]]}",
            "{:process 0, :type :ok, :f :txn, :value [[:append [:anti 3] 1]]}",
            &format!("{{:process 1, :type :invoke, :f :txn, :value [[:r {read} nil]]}}"),
            &format!("{{:process 1, :type :ok, :f :txn, :value [[:r {read} []]]}}"),
        ])
    };
    assert_eq!(strict(&vector("[:anti 4]")), Outcome::Valid);
    assert_eq!(strict(&vector("[:anti 3]")), Outcome::Invalid);
    // EDN written back keeps each key's kind.
    let text = format::to_edn(&apart);
    assert!(
        text.contains("[:append :x 1]") && text.contains("[:r \"x\" []]"),
        "{text}"
    );
    assert!(text.contains("[:r x []]"), "{text}");
}

#[test]
fn a_read_without_its_value_slot_reads_as_nil() {
    // Elle reads `[:r :x]` as `[:r :x nil]`: in an invocation, a read to
    // come; in an ok completion, the initial state, as a nil read is.
    let h = edn(&[
        "{:process 0, :type :invoke, :f :txn, :value [[:append :x 1]]}",
        "{:process 0, :type :ok, :f :txn, :value [[:append :x 1]]}",
        "{:process 1, :type :invoke, :f :txn, :value [[:r :x]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:r :x]]}",
    ]);
    expect(&h, AnomalyKind::GSingleRealtime, [true, true, true, false]);
    let json = "[{\"process\": 1, \"type\": \"invoke\", \"value\": [[\"r\", \"x\"]]}]";
    assert!(format::parse(json).is_ok());
}

#[test]
fn writes_the_graph_leaves_unordered_are_valid_when_history_order_satisfies_every_read() {
    // Two blind writes, then a read of the second: the graph cannot order
    // the first write, but run in the order they completed, every read
    // sees what it returned, so the history is (strictly) serializable, as
    // Elle says.
    let h = serial(&[
        (0, "ok", "[[:w 1 1]]"),
        (1, "ok", "[[:w 1 2]]"),
        (2, "ok", "[[:r 1 2]]"),
    ]);
    for model in ConsistencyModel::ALL {
        assert_eq!(outcome(&h, model), Outcome::Valid, "{model}");
    }
    // Without invocations there is no real time: strict stays unknown.
    let h = edn(&[
        "{:process 0, :type :ok, :f :txn, :value [[:w 1 1]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:w 1 2]]}",
        "{:process 2, :type :ok, :f :txn, :value [[:r 1 2]]}",
    ]);
    assert!(matches!(strict(&h), Outcome::Unknown(_)));
    assert_eq!(check(&h, CheckOptions::default()).outcome, Outcome::Valid);
}

#[test]
fn a_process_that_does_not_see_its_own_earlier_write_breaks_session_models() {
    // Completions only, so no real time; but process 0 ran the append and
    // then the read, which missed it: a G-single that process order closes.
    let h = edn(&[
        "{:process 0, :type :ok, :f :txn, :value [[:append :x 1]]}",
        "{:process 0, :type :ok, :f :txn, :value [[:r :x []]]}",
    ]);
    let v = check(&h, CheckOptions::default());
    assert!(
        v.counts
            .iter()
            .any(|(k, _)| *k == AnomalyKind::GSingleProcess),
        "{}",
        v.render(&h)
    );
    use ConsistencyModel::*;
    for (model, expected) in [
        (Serializable, Outcome::Valid),
        (SnapshotIsolation, Outcome::Valid),
        (StrongSessionReadCommitted, Outcome::Valid),
        (StrongSessionSnapshotIsolation, Outcome::Invalid),
        (StrongSessionSerializable, Outcome::Invalid),
        // Process order is real-time order: strict is ruled out too.
        (StrictSerializable, Outcome::Invalid),
    ] {
        assert_eq!(*v.outcome_of(model), expected, "{model}\n{}", v.render(&h));
    }
    // Two processes: no order between them, and every model holds but
    // those that need real time, which the history does not give.
    let apart = edn(&[
        "{:process 0, :type :ok, :f :txn, :value [[:append :x 1]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:r :x []]]}",
    ]);
    let v = check(&apart, CheckOptions::default());
    assert_eq!(*v.outcome_of(StrongSessionSerializable), Outcome::Valid);
    assert!(matches!(
        v.outcome_of(StrictSerializable),
        Outcome::Unknown(_)
    ));
    assert!(matches!(
        v.outcome_of(StrongReadCommitted),
        Outcome::Unknown(_)
    ));
}

#[test]
fn a_long_fork_closed_by_process_order_breaks_strong_session_snapshot_isolation() {
    // Write skew across two processes is snapshot isolated; when each
    // writer's process then reads the other's key and misses its write,
    // the rw edges stop being adjacent once process order joins them.
    let h = edn(&[
        "{:process 0, :type :ok, :f :txn, :value [[:append 1 1]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:append 2 1]]}",
        "{:process 0, :type :ok, :f :txn, :value [[:r 2 []]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:r 1 []]]}",
    ]);
    let v = check(&h, CheckOptions::default());
    use ConsistencyModel::*;
    assert_eq!(
        *v.outcome_of(SnapshotIsolation),
        Outcome::Valid,
        "{}",
        v.render(&h)
    );
    assert_eq!(
        *v.outcome_of(Serializable),
        Outcome::Valid,
        "{}",
        v.render(&h)
    );
    assert_eq!(
        *v.outcome_of(StrongSessionSnapshotIsolation),
        Outcome::Invalid,
        "{}",
        v.render(&h)
    );
}

#[test]
fn a_g1c_is_found_through_a_key_whose_reads_disagree() {
    // Key 1's reads disagree ([1 2] and [2 1]): incompatible order. T0 and
    // T1 still each read the other's append to keys 2 and 3: a G1c through
    // wr edges alone, which Elle finds and which must not be dropped with
    // key 1's order.
    let h = serial(&[
        (0, "ok", "[[:append 1 1] [:append 2 1] [:r 3 [1]]]"),
        (1, "ok", "[[:append 1 2] [:append 3 1] [:r 2 [1]]]"),
        (2, "ok", "[[:r 1 [1 2]]]"),
        (3, "ok", "[[:r 1 [2 1]]]"),
    ]);
    let v = check(&h, CheckOptions::default());
    let kinds: Vec<AnomalyKind> = v.counts.iter().map(|(k, _)| *k).collect();
    assert!(kinds.contains(&AnomalyKind::IncompatibleOrder), "{kinds:?}");
    assert!(kinds.contains(&AnomalyKind::G1c), "{}", v.render(&h));
    // And a wr edge from a read of a disagreeing key closes one too.
    let h = serial(&[
        (0, "ok", "[[:append 1 1] [:r 2 [1]]]"),
        (1, "ok", "[[:append 2 1] [:r 1 [1]]]"),
        (2, "ok", "[[:append 1 2]]"),
        (3, "ok", "[[:r 1 [1 2]]]"),
        (4, "ok", "[[:r 1 [2]]]"),
    ]);
    let v = check(&h, CheckOptions::default());
    assert!(
        v.counts.iter().any(|(k, _)| *k == AnomalyKind::G1c),
        "{}",
        v.render(&h)
    );
}

/// Checks `h` under serializability with the key promises `keys`.
fn with_keys(
    h: &TxnHistory,
    keys: check::txn::key_order::KeyAssumptions,
) -> check::txn::TxnVerdict {
    check(
        h,
        CheckOptions {
            keys,
            ..CheckOptions::default()
        },
    )
}

#[test]
fn promises_about_each_keys_order_are_options_as_in_elle() {
    use check::txn::key_order::KeyAssumptions;
    let none = KeyAssumptions {
        wfr: false,
        sequential: false,
        linearizable: false,
    };
    // Writes follow reads: T1 read x = 1 then wrote 2, so T3, which read
    // x = 1, comes before T1; T1's y = 1 reached T3: a G-single. Without
    // the promise the order of x's writes is not known.
    let h = serial(&[
        (0, "ok", "[[:w :x 1]]"),
        (1, "ok", "[[:r :x 1] [:w :x 2] [:w :y 1]]"),
        (3, "ok", "[[:r :y 1] [:r :x 1]]"),
    ]);
    assert_eq!(
        with_keys(&h, KeyAssumptions::default()).outcome,
        Outcome::Invalid
    );
    assert!(matches!(with_keys(&h, none).outcome, Outcome::Unknown(_)));
    // Sequential keys: process 0 wrote x = 1 then 2; process 1 read 2 then
    // 1. Not ruled out without the promise; a cycle of versions with it.
    let h = edn(&[
        "{:process 0, :type :ok, :f :txn, :value [[:w :x 1]]}",
        "{:process 0, :type :ok, :f :txn, :value [[:w :x 2]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:r :x 2]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:r :x 1]]}",
    ]);
    assert_ne!(with_keys(&h, none).outcome, Outcome::Invalid);
    let sequential = KeyAssumptions {
        sequential: true,
        ..none
    };
    let v = with_keys(&h, sequential);
    assert_eq!(v.outcome, Outcome::Invalid, "{}", v.render(&h));
    // A process that read nil after writing: a cycle of versions.
    let h = edn(&[
        "{:process 0, :type :ok, :f :txn, :value [[:w :x 1]]}",
        "{:process 0, :type :ok, :f :txn, :value [[:r :x nil]]}",
    ]);
    let v = with_keys(&h, sequential);
    assert!(
        v.counts
            .iter()
            .any(|(k, _)| *k == AnomalyKind::CyclicVersions),
        "{}",
        v.render(&h)
    );
    // Linearizable keys: 1 was written, then 2, then 1 read, each after
    // the last completed: not ruled out as serializable (2, 1, read), but
    // ruled out with the promise.
    let h = serial(&[
        (0, "ok", "[[:w :x 1]]"),
        (1, "ok", "[[:w :x 2]]"),
        (2, "ok", "[[:r :x 1]]"),
    ]);
    assert_ne!(with_keys(&h, none).outcome, Outcome::Invalid);
    let linearizable = KeyAssumptions {
        linearizable: true,
        ..none
    };
    assert_eq!(with_keys(&h, linearizable).outcome, Outcome::Invalid);
}

#[test]
fn a_ww_cycle_closed_by_process_order_is_found_beside_a_plain_g1c() {
    // T0 and T1 form a plain G1c on keys 1 and 2 (each read the other's
    // append), which must not hide a G0 that process order closes
    // elsewhere: strong session read uncommitted proscribes that one.
    let h = edn(&[
        "{:process 0, :type :ok, :f :txn, :value [[:append 1 1] [:r 2 [1]]]}",
        "{:process 1, :type :ok, :f :txn, :value [[:append 2 1] [:r 1 [1]]]}",
        "{:process 5, :type :ok, :f :txn, :value [[:append 3 2]]}",
        "{:process 5, :type :ok, :f :txn, :value [[:append 4 1]]}",
        "{:process 6, :type :ok, :f :txn, :value [[:append 4 2] [:append 3 1]]}",
        "{:process 7, :type :ok, :f :txn, :value [[:r 3 [1 2]] [:r 4 [1 2]]]}",
    ]);
    // ww: key 3: T4 (p6) -> T2 (p5 first); key 4: T3 (p5 second) -> T4.
    // Process 5: T2 -> T3. So T2 -> T3 -> T4 -> T2: a G0 that process
    // order closes, beside the plain G1c of T0 and T1.
    let v = check(&h, CheckOptions::default());
    use ConsistencyModel::*;
    assert_eq!(
        *v.outcome_of(ReadUncommitted),
        Outcome::Valid,
        "{}",
        v.render(&h)
    );
    assert_eq!(
        *v.outcome_of(StrongSessionReadUncommitted),
        Outcome::Invalid,
        "{}",
        v.render(&h)
    );
}

#[test]
fn an_empty_history_satisfies_every_model() {
    let h = edn(&[]);
    let v = check(&h, CheckOptions::default());
    for model in ConsistencyModel::ALL {
        assert_eq!(*v.outcome_of(model), Outcome::Valid, "{model}");
    }
}

#[test]
fn writes_no_read_orders_leave_snapshot_isolation_unknown_on_a_cycle() {
    // Key 0 is never read: whichever order its appends took, a cycle with
    // one rw edge closes (T3 rw T1 ww T0 ww T3, or T1 rw T0 ww T1), and no
    // snapshot-isolated run exists. Judged on the orders the reads show,
    // every cycle has adjacent rw edges; valid would be a guess.
    let h = serial(&[
        (1, "info", "[[:append 0 1] [:append 2 2] [:append 2 3]]"),
        (0, "ok", "[[:r 2 []] [:append 0 5] [:append 1 6]]"),
        (0, "ok", "[[:r 2 [2 3]] [:append 2 7]]"),
        (2, "ok", "[[:append 2 4] [:r 1 []]]"),
        (0, "ok", "[[:append 0 8] [:append 2 9]]"),
        (0, "ok", "[[:append 2 10] [:r 2 [2 3 7 9 10]]]"),
    ]);
    assert_eq!(outcome(&h, Ser), Outcome::Invalid);
    match outcome(&h, Si) {
        Outcome::Unknown(why) => assert!(why.contains("order no read reveals"), "{why}"),
        other => panic!("snapshot isolation judged on a partial order: {other:?}"),
    }
}
