//! A sweep's progress bar: seeds done, the rate, and the seeds still
//! running with how long each has run.

use std::sync::Mutex;
use std::time::Instant;

/// What each worker is running: its seed and since when.
pub(crate) type Running = Mutex<Vec<Option<(u64, Instant)>>>;

/// A progress bar, drawn only when stderr is a terminal: seeds done, the
/// rate, and the seeds still running with how long each has run.
pub(crate) fn bar(count: u64) -> indicatif::ProgressBar {
    let progress = indicatif::ProgressBar::new(count);
    let style = "{bar:30} {pos}/{len} seeds, {per_sec}, eta {eta} {msg}";
    progress.set_style(indicatif::ProgressStyle::with_template(style).expect("a valid template"));
    progress
}

/// The seeds still running, for the bar's message.
pub(crate) fn running_text(running: &Running) -> String {
    let now = Instant::now();
    let running = running.lock().expect("no worker panics holding it");
    let shown: Vec<String> = running
        .iter()
        .flatten()
        .map(|(seed, since)| format!("{seed} ({:.1} s)", (now - *since).as_secs_f64()))
        .collect();
    if shown.is_empty() {
        String::new()
    } else {
        format!("running: {}", shown.join(", "))
    }
}
