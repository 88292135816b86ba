//! Ctrl-C and SIGTERM during a sweep: the first stops it taking seeds, so
//! the runs in flight finish and what ran is summed up and kept; a second
//! exits at once.

use std::sync::atomic::{AtomicBool, Ordering};

/// Set by the first signal.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The exit code of an interrupted command, as a shell gives it.
pub(crate) const EXIT: i32 = 130;

/// Takes SIGINT and SIGTERM from now on (once per process; later calls do
/// nothing). The first sets [`interrupted`] and says so on stderr; the
/// second exits with [`EXIT`] at once.
pub(crate) fn catch() {
    let installed = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(EXIT);
        }
        eprintln!(
            "\n{me}: interrupted: finishing the runs in flight (interrupt again to quit at once)",
            me = crate::arg::program()
        );
    });
    // An error means a handler is already in place (ours, from an earlier
    // call, or the embedding program's): either way, nothing to do.
    drop(installed);
}

/// True once a signal has asked the sweep to stop.
pub(crate) fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}
