//! Jepsen interop: both input forms, their conventions, and exact EDN round trips.

use check::history::EventKind;
use check::jepsen::{self, edn::Edn, Format};
use check::linearizability::{check, Verdict};
use check::spec::kv::{Kv, KvInput, KvOutput};
use check::spec::register::{Register, RegisterInput, RegisterOutput};

const KV_EDN: &str = r#"{:process 0, :type :invoke, :f :append, :key "1", :value "x 0 0 y"}
{:process 1, :type :invoke, :f :get, :key "1", :value nil}
{:process 0, :type :ok, :f :append, :key "1", :value "x 0 0 y"}
{:process 1, :type :ok, :f :get, :key "1", :value "x 0 0 y"}
{:process :nemesis, :type :info, :f :start, :value nil}
{:process 2, :type :invoke, :f :put, :key "2", :value "a", :time 77, :index 9}
{:process 2, :type :info, :f :put, :key "2", :value "a"}
{:process 3, :type :invoke, :f :get, :key "2", :value nil}
{:process 3, :type :ok, :f :get, :key "2", :value ""}
"#;

#[test]
fn edn_maps_import_with_keys_and_skip_the_nemesis() {
    let (format, events) = jepsen::parse(KV_EDN).unwrap();
    assert_eq!(format, Format::EdnMaps);
    assert_eq!(events.len(), 9);
    let h = jepsen::kv_history(&events, format).unwrap();
    assert_eq!(h.events.len(), 8, "the nemesis event is skipped");
    assert_eq!(
        h.events[0].kind,
        EventKind::Invoke(KvInput::Append("1".into(), "x 0 0 y".into()))
    );
    assert_eq!(
        h.events[3].kind,
        EventKind::Ok(KvOutput::Value("x 0 0 y".into()))
    );
    assert_eq!(h.events[4].time, 77, ":time is kept");
    assert_eq!(h.events[5].kind, EventKind::Info);
    assert!(
        check(&Kv, &h).unwrap().is_linearizable(),
        "the info put may never have happened"
    );
}

#[test]
fn edn_round_trips_exactly() {
    let (_, events) = jepsen::parse(KV_EDN).unwrap();
    let text = jepsen::to_edn(&events);
    assert_eq!(text, KV_EDN, "canonical text is written back byte for byte");
    let (_, again) = jepsen::parse(&text).unwrap();
    let strip = |es: &[jepsen::JepsenEvent]| es.iter().map(|e| e.to_edn()).collect::<Vec<Edn>>();
    assert_eq!(strip(&again), strip(&events));
}

#[test]
fn a_vector_of_maps_is_read_too() {
    let text = format!("[{}]", KV_EDN.lines().collect::<Vec<_>>().join("\n "));
    let (_, events) = jepsen::parse(&text).unwrap();
    assert_eq!(events.len(), 9);
}

#[test]
fn util_log_conventions() {
    let log = "\
2017-01-01 INFO  jepsen.util - 0\t:invoke\t:write\t1
2017-01-01 INFO  jepsen.util - 0\t:ok\t:write\t1
INFO jepsen.util - 1 :invoke :cas [2 3]
INFO jepsen.util - 1 :fail :cas [2 3]
INFO jepsen.util - 2 :invoke :read nil
INFO jepsen.util - 2 :fail :read :timed-out
INFO jepsen.util - 3 :invoke :write 4
INFO jepsen.util - 3 :info :write :timed-out
INFO jepsen.util - :nemesis :info :start nil
some other log line
INFO jepsen.util - 4 :invoke :read nil
INFO jepsen.util - 4 :ok :read 1
";
    let (format, events) = jepsen::parse(log).unwrap();
    assert_eq!(format, Format::UtilLog);
    let h = jepsen::register_history(&events, format).unwrap();
    let kinds: Vec<_> = h.events.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(
        kinds[3],
        EventKind::Ok(RegisterOutput::Cas(false)),
        ":fail :cas is a cas that returned false"
    );
    assert_eq!(
        kinds[5],
        EventKind::Info,
        ":fail :read :timed-out is indeterminate"
    );
    assert_eq!(kinds[7], EventKind::Info);
    assert_eq!(kinds[8], EventKind::Invoke(RegisterInput::Read));
    assert!(check(&Register, &h).unwrap().is_linearizable());

    // The same failed cas, read from EDN maps, did not happen at all.
    let edn = "{:process 1, :type :invoke, :f :cas, :value [2 3]}\n{:process 1, :type :fail, :f :cas, :value [2 3]}\n";
    let (format, events) = jepsen::parse(edn).unwrap();
    let h = jepsen::register_history(&events, format).unwrap();
    assert_eq!(h.events[1].kind, EventKind::Fail);
}

#[test]
fn a_failed_cas_that_should_have_succeeded_is_caught() {
    let log = "\
INFO jepsen.util - 0 :invoke :write 2
INFO jepsen.util - 0 :ok :write 2
INFO jepsen.util - 1 :invoke :cas [2 3]
INFO jepsen.util - 1 :fail :cas [2 3]
";
    let (format, events) = jepsen::parse(log).unwrap();
    let h = jepsen::register_history(&events, format).unwrap();
    assert!(matches!(
        check(&Register, &h).unwrap(),
        Verdict::NotLinearizable(_)
    ));
}

#[test]
fn malformed_input_names_its_line() {
    let bad_type = "{:process 0, :type :invoke, :f :get, :key \"a\", :value nil}\n{:process 0, :type :done, :f :get, :key \"a\", :value nil}\n";
    let e = jepsen::parse(bad_type).unwrap_err().to_string();
    assert!(e.starts_with("line 2:") && e.contains(":done"), "{e}");

    let unknown_f = "{:process 0, :type :invoke, :f :frobnicate, :key \"a\", :value nil}\n";
    let (format, events) = jepsen::parse(unknown_f).unwrap();
    let e = jepsen::kv_history(&events, format).unwrap_err().to_string();
    assert!(e.starts_with("line 1:") && e.contains("frobnicate"), "{e}");

    let unpaired = "{:process 0, :type :invoke, :f :get, :key \"a\", :value nil}\n\n{:process 0, :type :invoke, :f :get, :key \"a\", :value nil}\n";
    let (format, events) = jepsen::parse(unpaired).unwrap();
    let e = jepsen::kv_history(&events, format).unwrap_err().to_string();
    assert!(
        e.starts_with("line 3:") && e.contains("still pending"),
        "{e}"
    );

    let log = "INFO jepsen.util - 0 :invoke :cas [1]\n";
    let (format, events) = jepsen::parse(log).unwrap();
    assert!(jepsen::register_history(&events, format)
        .unwrap_err()
        .to_string()
        .starts_with("line 1:"));

    assert!(jepsen::parse("{:process 0 :type")
        .unwrap_err()
        .to_string()
        .starts_with("line 1"));
    // With nothing to order, an empty history is linearizable.
    let empty = jepsen::kv_history(&[], Format::EdnMaps).unwrap();
    assert!(empty.events.is_empty());
}
