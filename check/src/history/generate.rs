//! Generated histories of correct objects, for tests and benchmarks.
//!
//! The model is a client fleet against one atomic object, in virtual time:
//! `clients` processes each issue operations back to back. An operation's
//! latency is uniform in `1..=LATENCY_MAX` time units, and it takes effect at a
//! uniformly random instant inside that interval (its linearization point), where
//! it is applied to the object to get its true result. With probability
//! `indeterminate` an operation ends `info` instead, having taken effect or not
//! (half and half), and its client carries on as a fresh process, as Jepsen does.
//!
//! The histories are linearizable by construction, as concurrent as the client
//! count makes them, and without the heavy tail of a model where operations
//! linger arbitrarily long.

use super::History;
use crate::ratio::Ratio;
use crate::rng::SimRng;
use crate::spec::kv::{Kv, KvInput, KvOutput};
use crate::spec::register::{Register, RegisterInput, RegisterOutput};
use crate::spec::SequentialSpec;

/// The longest operation latency, in time units (the shortest is 1).
pub const LATENCY_MAX: u64 = 10;

/// One planned operation.
struct Planned<I> {
    process: u64,
    input: I,
    call: u64,
    ret: u64,
    /// Sort key of the linearization point: (time, tie-break).
    point: (u64, u64),
    /// `None`: completes ok. `Some(applied)`: completes info.
    info: Option<bool>,
}

/// Generates a history of `ops` operations over `spec`, drawing inputs from
/// `next_input`.
pub fn generate<S: SequentialSpec>(
    spec: &S,
    seed: u64,
    clients: usize,
    ops: usize,
    indeterminate: Ratio,
    mut next_input: impl FnMut(&mut SimRng, usize) -> S::Input,
) -> History<S::Input, S::Output> {
    assert!(clients > 0, "a history needs at least one client");
    let mut rng = SimRng::from_seed_and_label(seed, "history-generator");
    // Each client's clock (time units; scaled by 4 so invoke and return of
    // back-to-back operations never share an instant) and current process id.
    let mut clock = vec![0u64; clients];
    let mut process: Vec<u64> = (0..clients as u64).collect();
    let mut next_process = clients as u64;
    let mut planned = Vec::with_capacity(ops);
    for n in 0..ops {
        // The client that is free earliest goes next (ties: lowest index).
        let c = (0..clients)
            .min_by_key(|&c| (clock[c], c))
            .expect("clients > 0");
        let call = clock[c] + 1;
        let ret = call + 4 * rng.between(1, LATENCY_MAX);
        let point = (rng.between(call + 1, ret - 1), rng.next_u64());
        let info = indeterminate.sample(&mut rng).then(|| rng.chance(1, 2));
        planned.push(Planned {
            process: process[c],
            input: next_input(&mut rng, n),
            call,
            ret,
            point,
            info,
        });
        clock[c] = ret;
        if info.is_some() {
            process[c] = next_process;
            next_process += 1;
        }
    }
    // Apply in linearization order to learn each result.
    let mut order: Vec<usize> = (0..planned.len()).collect();
    order.sort_by_key(|&i| planned[i].point);
    let mut state = spec.init();
    let mut outputs: Vec<Option<S::Output>> = (0..planned.len()).map(|_| None).collect();
    for i in order {
        if planned[i].info == Some(false) {
            continue; // timed out before taking effect
        }
        let (next, out) = spec.step(&state, &planned[i].input);
        state = next;
        outputs[i] = Some(out);
    }
    // Emit events in time order; a return sorts before a call at the same time.
    let mut events: Vec<(u64, u8, usize)> = Vec::with_capacity(2 * planned.len());
    for (i, p) in planned.iter().enumerate() {
        events.push((p.call, 1, i));
        events.push((p.ret, 0, i));
    }
    events.sort_unstable();
    let mut history = History::new();
    for (time, is_call, i) in events {
        let p = &planned[i];
        if is_call == 1 {
            history.invoke(p.process, time, p.input.clone());
        } else if p.info.is_some() {
            history.info(p.process, time);
        } else {
            history.ok(
                p.process,
                time,
                outputs[i].clone().expect("an ok operation took effect"),
            );
        }
    }
    history
}

/// A register history: 20% writes, 20% compare-and-sets, 60% reads, values 0..10.
pub fn register_history(
    seed: u64,
    clients: usize,
    ops: usize,
    indeterminate: Ratio,
) -> History<RegisterInput, RegisterOutput> {
    generate(
        &Register,
        seed,
        clients,
        ops,
        indeterminate,
        |rng, _| match rng.below(10) {
            0 | 1 => RegisterInput::Write(rng.below(10) as i64),
            2 | 3 => RegisterInput::Cas {
                from: rng.below(10) as i64,
                to: rng.below(10) as i64,
            },
            _ => RegisterInput::Read,
        },
    )
}

/// A kv history over `keys` keys: 40% gets, 10% puts, 50% appends of unique tokens.
pub fn kv_history(
    seed: u64,
    clients: usize,
    ops: usize,
    keys: usize,
    indeterminate: Ratio,
) -> History<KvInput, KvOutput> {
    generate(&Kv, seed, clients, ops, indeterminate, |rng, n| {
        let key = rng.below(keys as u64).to_string();
        match rng.below(10) {
            0..=3 => KvInput::Get(key),
            4 => KvInput::Put(key, format!("p{n} ")),
            _ => KvInput::Append(key, format!("a{n} ")),
        }
    })
}
