//! The read-guarantee checker against its brute-force reference on
//! thousands of small random histories, and on hand-made ones that name
//! each guarantee.

use check::staleness::{check, reference, Guarantee, Promise, Read, ReadHistory, Verdict, Write};
use check::{SimDuration, SimRng};
use std::collections::BTreeSet;

/// A small random history: sequential sessions, a log in invocation order
/// (or, one time in four, shuffled), reads mostly of the right value.
fn random_history(rng: &mut SimRng) -> ReadHistory {
    let sessions = rng.between(1, 3);
    let ops = rng.between(1, 8);
    let mut clock = vec![0u64; sessions as usize];
    let mut h = ReadHistory::default();
    let mut reads = Vec::new();
    for _ in 0..ops {
        let s = rng.below(sessions);
        let call = clock[s as usize] + rng.below(3);
        let ret = call + rng.below(5);
        clock[s as usize] = ret + rng.below(2);
        let key = rng.below(2);
        if h.writes.len() < 4 && rng.chance(2, 5) {
            let value = h.writes.len() as u64 + 1;
            let (ret, version) = (Some(ret), None);
            h.writes.push(Write {
                session: s,
                call,
                ret,
                key,
                value,
                version,
            });
        } else {
            reads.push((s, call, ret, key));
        }
    }
    let n = h.writes.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&i| h.writes[i].call);
    if rng.chance(1, 4) {
        rng.shuffle(&mut order);
    }
    for (v, &i) in order.iter().enumerate() {
        h.writes[i].version = Some(v as u64 + 1);
    }
    for (session, call, ret, key) in reads {
        let at = if rng.chance(1, 30) {
            n as u64 + 1
        } else {
            rng.below(n as u64 + 1)
        };
        let value = read_value(rng, &h, &order, key, at);
        let promise = *rng
            .pick(&[
                Promise::Session,
                Promise::Session,
                Promise::Bounded,
                Promise::Monotonic,
            ])
            .expect("non-empty");
        h.reads.push(Read {
            session,
            call,
            ret,
            key,
            value,
            at,
            promise,
        });
    }
    h
}

/// Mostly the key's value at version `at`; sometimes any of its values, or
/// the initial one.
fn read_value(
    rng: &mut SimRng,
    h: &ReadHistory,
    order: &[usize],
    key: u64,
    at: u64,
) -> Option<u64> {
    let n = h.writes.len() as u64;
    if rng.chance(4, 5) {
        return (1..=at.min(n))
            .rev()
            .map(|v| &h.writes[order[v as usize - 1]])
            .find(|w| w.key == key)
            .map(|w| w.value);
    }
    let of_key: Vec<u64> = h
        .writes
        .iter()
        .filter(|w| w.key == key)
        .map(|w| w.value)
        .collect();
    rng.pick(&of_key).copied()
}

fn broken(verdict: &Verdict) -> BTreeSet<Guarantee> {
    match verdict {
        Verdict::Valid => BTreeSet::new(),
        Verdict::Invalid(v) => v.iter().map(|v| v.guarantee).collect(),
        Verdict::Unknown(why) => panic!("unknown on a reference history: {why}"),
    }
}

fn cases() -> u64 {
    std::env::var("FAULTLINE_STALENESS_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6_000)
}

#[test]
fn the_checker_agrees_with_the_brute_force_reference() {
    let mut rng = SimRng::from_seed_and_label(7, "staleness-brute");
    let mut valid = 0;
    let mut seen: std::collections::BTreeMap<Guarantee, u64> = Default::default();
    for case in 0..cases() {
        let h = random_history(&mut rng);
        let bound = rng.below(6);
        let expected = reference::violated(&h, bound).expect("generated histories are in reach");
        let got = broken(&check(&h, SimDuration::from_nanos(bound)));
        assert_eq!(got, expected, "case {case}, bound {bound}: {h:#?}");
        valid += u64::from(got.is_empty());
        for g in got {
            *seen.entry(g).or_default() += 1;
        }
    }
    eprintln!("{valid} valid of {}; broken: {seen:?}", cases());
    assert!(valid * 5 >= cases(), "too few valid histories: {valid}");
    for g in Guarantee::ALL {
        assert!(
            seen.get(&g).copied().unwrap_or(0) * 50 >= cases(),
            "{} broken too rarely: {seen:?}",
            g.name()
        );
    }
}

fn write(
    session: u64,
    call: u64,
    ret: Option<u64>,
    key: u64,
    value: u64,
    version: Option<u64>,
) -> Write {
    Write {
        session,
        call,
        ret,
        key,
        value,
        version,
    }
}

fn read(session: u64, call: u64, ret: u64, key: u64, value: Option<u64>, at: u64) -> Read {
    Read {
        session,
        call,
        ret,
        key,
        value,
        at,
        promise: Promise::Session,
    }
}

fn first(h: &ReadHistory, bound_ns: u64) -> String {
    match check(h, SimDuration::from_nanos(bound_ns)) {
        Verdict::Invalid(v) => v[0].to_string(),
        other => panic!("expected a violation, got {other:?}"),
    }
}

#[test]
fn a_stale_read_names_the_bound_the_read_and_the_write_it_missed() {
    let h = ReadHistory {
        writes: vec![write(0, 0, Some(10), 1, 7, Some(1))],
        reads: vec![read(1, 200, 210, 1, None, 0)],
    };
    let text = first(&h, 189);
    assert!(
        text.starts_with("bounded staleness: session 1's read of key 1 at version 0"),
        "{text}"
    );
    assert!(
        text.contains("missed session 0's write of 7 to key 1 (version 1"),
        "{text}"
    );
    assert!(
        text.contains("bound of 0.000100 ms") || text.contains("bound of"),
        "{text}"
    );
    // Within the bound, the same read is fine.
    assert_eq!(check(&h, SimDuration::from_nanos(190)), Verdict::Valid);
}

#[test]
fn each_session_guarantee_is_named() {
    let ryw = ReadHistory {
        writes: vec![write(0, 0, Some(1), 0, 5, Some(1))],
        reads: vec![read(0, 2, 3, 0, None, 0)],
    };
    assert!(
        first(&ryw, 1_000).starts_with("read-your-writes: session 0's read"),
        "{}",
        first(&ryw, 1_000)
    );
    let mr = ReadHistory {
        writes: vec![write(1, 0, Some(1), 0, 5, Some(1))],
        reads: vec![read(0, 2, 3, 0, Some(5), 1), read(0, 4, 5, 0, None, 0)],
    };
    assert!(
        first(&mr, 1_000).starts_with("monotonic reads: session 0's read of key 0 at version 0")
    );
    let mw = ReadHistory {
        writes: vec![
            write(0, 0, Some(1), 0, 5, Some(2)),
            write(0, 2, Some(3), 1, 6, Some(1)),
        ],
        reads: vec![],
    };
    assert!(first(&mw, 1_000).starts_with("monotonic writes: session 0's write of 6"));
    let wfr = ReadHistory {
        writes: vec![
            write(1, 0, Some(1), 0, 5, Some(2)),
            write(0, 4, Some(5), 1, 6, Some(1)),
        ],
        reads: vec![read(0, 2, 3, 0, Some(5), 2)],
    };
    assert!(first(&wfr, 1_000).starts_with("writes-follow-reads: session 0's write of 6"));
    // A read that asks only for the bound promises neither read-your-writes
    // nor monotonic reads; one with no token and no bound, only the latter.
    let mut bounded = mr.clone();
    bounded.reads[1].promise = Promise::Bounded;
    assert_eq!(
        check(&bounded, SimDuration::from_nanos(1_000)),
        Verdict::Valid
    );
    bounded.reads[1].promise = Promise::Monotonic;
    assert!(first(&bounded, 1_000).starts_with("monotonic reads: "));
    let mut stale = ryw.clone();
    stale.reads[0].promise = Promise::Monotonic;
    stale.reads[0].session = 1;
    stale.reads[0].call = 1_000_000;
    stale.reads[0].ret = 1_000_001;
    let verdict = check(&stale, SimDuration::from_nanos(1));
    assert_eq!(verdict, Verdict::Valid, "no bound, so any staleness");
}

#[test]
fn a_read_that_skips_a_write_in_its_prefix_breaks_prefix_consistency() {
    let h = ReadHistory {
        writes: vec![
            write(0, 0, Some(1), 0, 5, Some(1)),
            write(0, 2, Some(3), 0, 6, Some(2)),
        ],
        reads: vec![read(1, 4, 5, 0, Some(5), 2)],
    };
    let text = first(&h, 1_000);
    assert!(
        text.starts_with("prefix consistency: session 1's read of key 0 at version 2 → 5"),
        "{text}"
    );
    assert!(text.contains("missed session 0's write of 6"), "{text}");
}

#[test]
fn unacknowledged_writes_promise_nothing_until_a_read_reveals_them() {
    // Never acknowledged: no read-your-writes, no staleness from it.
    let h = ReadHistory {
        writes: vec![write(0, 0, None, 0, 5, None)],
        reads: vec![read(0, 100, 101, 0, None, 0)],
    };
    assert_eq!(check(&h, SimDuration::from_nanos(1)), Verdict::Valid);
    // Revealed by a read at version 1: that version committed after the
    // write's invoke, so a read at 0 invoked long after... is still fine,
    // the write may have committed late; but a read of it that returned
    // before it was invoked is not.
    let future = ReadHistory {
        writes: vec![write(0, 50, None, 0, 5, None)],
        reads: vec![read(1, 10, 20, 0, Some(5), 1)],
    };
    assert!(
        first(&future, 1_000).starts_with("bounded staleness:"),
        "{}",
        first(&future, 1_000)
    );
}

#[test]
fn duplicate_values_are_unknown_and_hostile_versions_do_not_panic() {
    let dup = ReadHistory {
        writes: vec![
            write(0, 0, Some(1), 0, 5, Some(1)),
            write(0, 2, Some(3), 0, 5, Some(2)),
        ],
        reads: vec![],
    };
    assert!(matches!(
        check(&dup, SimDuration::ZERO),
        Verdict::Unknown(_)
    ));
    for v in [0, 3, u64::MAX] {
        let h = ReadHistory {
            writes: vec![write(0, 0, Some(1), 0, 5, Some(v))],
            reads: vec![
                read(0, 2, 3, 0, Some(5), v),
                read(0, 4, u64::MAX, 0, None, u64::MAX),
            ],
        };
        assert!(
            first(&h, u64::MAX).starts_with("prefix consistency:"),
            "{}",
            first(&h, u64::MAX)
        );
    }
}
