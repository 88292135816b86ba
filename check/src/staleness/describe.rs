//! How violations name the operations involved.

use super::{Read, Write};
use crate::time::SimTime;

/// "session 2's read of key 1 at version 7 → 31 (invoked 1.2 ms, returned 1.4 ms)".
pub(super) fn read(r: &Read) -> String {
    let value = match r.value {
        Some(v) => v.to_string(),
        None => "nothing".to_string(),
    };
    format!(
        "session {}'s read of key {} at version {} → {value} (invoked {}, returned {})",
        r.session,
        r.key,
        r.at,
        SimTime(r.call),
        SimTime(r.ret)
    )
}

/// "session 0's write of 31 to key 1 (version 7, invoked 1.0 ms, acknowledged 1.1 ms)".
pub(super) fn write(w: &Write) -> String {
    let version = match w.version {
        Some(v) => format!("version {v}"),
        None => "version unknown".to_string(),
    };
    let ret = match w.ret {
        Some(t) => format!("acknowledged {}", SimTime(t)),
        None => "never acknowledged".to_string(),
    };
    format!(
        "session {}'s write of {} to key {} ({version}, invoked {}, {ret})",
        w.session,
        w.value,
        w.key,
        SimTime(w.call)
    )
}
