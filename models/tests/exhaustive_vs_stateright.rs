//! faultline's exhaustive search and stateright count the same states of
//! one protocol written the same way in both (see
//! `benches/two_phase_both.rs`).

#[path = "../benches/two_phase_both.rs"]
mod two_phase_both;

use sim::scenario::exhaustive::Stopped;

#[test]
fn both_count_the_same_states_of_two_phase_commit() {
    for rms in 1..=4 {
        let ours = two_phase_both::faultline_search(rms);
        assert_eq!(ours.stopped, Stopped::Exhausted, "{ours:?}");
        assert!(ours.proved(), "{ours:?}");
        let theirs = two_phase_both::stateright_search(rms);
        assert_eq!(ours.states, theirs as u64, "{rms} resource managers");
    }
}
