//! One seeded run of an openraft cluster on madsim, through the madsim
//! host's run: its clients, fault plan, history and hash.

use super::node;
use crate::openraft::observer::Observer;
use crate::openraft::Settings;
use faultline::madsim_host::faults::FocusHook;
use faultline::madsim_host::run::{madsim_config, simulate_cluster, RunConfig, RunResult, Started};
use std::sync::{Arc, Mutex};

/// Runs the cluster `config` describes, with openraft set as `settings`
/// says, in a fresh madsim runtime, on a fresh thread.
///
/// The thread is what makes a seed replay in any process: openraft keeps
/// `HashMap`s, and std seeds each one from keys a thread draws once and
/// then steps, so a run on a thread that ran others before iterates them
/// in another order. On a fresh thread the keys are drawn inside the run,
/// from madsim's seeded source.
pub fn run(config: &RunConfig, settings: Settings) -> RunResult {
    let config = config.clone();
    let run = std::thread::spawn(move || {
        let rt = madsim::runtime::Runtime::with_seed_and_config(config.seed, madsim_config());
        rt.block_on(simulate(config, settings))
    });
    run.join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The run itself, inside a madsim runtime.
pub async fn simulate(config: RunConfig, settings: Settings) -> RunResult {
    let (seed, nodes) = (config.seed, config.nodes);
    let watched: Arc<Mutex<Option<Arc<Observer>>>> = Arc::default();
    let slot = watched.clone();
    simulate_cluster(
        config,
        move |handle, epoch, links| {
            let (ids, observer) = node::start(handle, (nodes, seed, settings), (epoch, links));
            *slot.lock().expect("one thread") = Some(observer.clone());
            let focus: FocusHook = Arc::new(move || observer.leader());
            Started {
                ids,
                // A restart recovers the disk to what was synced.
                on_crash: Arc::new(|_| {}),
                focus: Some(focus),
            }
        },
        move || {
            let observer = watched.lock().expect("one thread").clone()?;
            observer.violation()
        },
    )
    .await
}
