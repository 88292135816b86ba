//! Generated histories of correct objects, for tests and benchmarks.
//!
//! `clients` processes share one atomic object. At each step a random client
//! moves: an idle client invokes a new operation; a client with an invoked
//! operation applies it to the object (its linearization point); an applied
//! operation completes with its true result. With probability `indeterminate`
//! an operation instead ends `info`, either before or after taking effect, and
//! its client is replaced by a fresh process (as Jepsen does). The histories are
//! linearizable by construction and as concurrent as the client count allows.

use super::History;
use crate::ratio::Ratio;
use crate::rng::SimRng;
use crate::spec::kv::{Kv, KvInput};
use crate::spec::register::{Register, RegisterInput};
use crate::spec::SequentialSpec;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    Idle,
    Invoked,
    Applied,
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
    let mut state = spec.init();
    let mut history = History::new();
    let mut process: Vec<u64> = (0..clients as u64).collect();
    let mut next_process = clients as u64;
    let mut phase = vec![Phase::Idle; clients];
    // Per client: the operation in flight and, once applied, its true result.
    type InFlight<S> = Option<(
        <S as SequentialSpec>::Input,
        Option<<S as SequentialSpec>::Output>,
    )>;
    let mut pending: Vec<InFlight<S>> = vec![None; clients];
    let (mut invoked, mut time) = (0usize, 0u64);
    while invoked < ops || phase.iter().any(|p| *p != Phase::Idle) {
        let c = rng.below(clients as u64) as usize;
        time += 1;
        match phase[c] {
            Phase::Idle if invoked < ops => {
                let input = next_input(&mut rng, invoked);
                history.invoke(process[c], time, input.clone());
                pending[c] = Some((input, None));
                phase[c] = Phase::Invoked;
                invoked += 1;
            }
            Phase::Idle => {}
            Phase::Invoked => {
                if indeterminate.sample(&mut rng) && rng.chance(1, 2) {
                    // Times out before taking effect.
                    history.info(process[c], time);
                    process[c] = next_process;
                    next_process += 1;
                    phase[c] = Phase::Idle;
                } else {
                    let (input, output) = pending[c].as_mut().expect("invoked op");
                    let (next, out) = spec.step(&state, input);
                    state = next;
                    *output = Some(out);
                    phase[c] = Phase::Applied;
                }
            }
            Phase::Applied => {
                let (_, output) = pending[c].take().expect("applied op");
                if indeterminate.sample(&mut rng) {
                    history.info(process[c], time);
                    process[c] = next_process;
                    next_process += 1;
                } else {
                    history.ok(process[c], time, output.expect("applied op has a result"));
                }
                phase[c] = Phase::Idle;
            }
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
) -> History<RegisterInput, crate::spec::register::RegisterOutput> {
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
) -> History<KvInput, crate::spec::kv::KvOutput> {
    generate(&Kv, seed, clients, ops, indeterminate, |rng, n| {
        let key = rng.below(keys as u64).to_string();
        match rng.below(10) {
            0..=3 => KvInput::Get(key),
            4 => KvInput::Put(key, format!("p{n} ")),
            _ => KvInput::Append(key, format!("a{n} ")),
        }
    })
}
