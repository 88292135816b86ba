//! Prefix consistency: a read at version `a` returns its key's value in
//! the log's prefix `1..=a`.

use super::{describe, Guarantee, ReadHistory, Violation, WriteIndex};

/// The first read that is not served from a prefix of the write order.
pub(super) fn check(history: &ReadHistory, index: &WriteIndex) -> Option<Violation> {
    let invoked = history.writes.len() as u64;
    let violation = |message: String| Violation {
        guarantee: Guarantee::PrefixConsistency,
        message,
    };
    if let Some(message) = impossible_versions(history) {
        return Some(violation(message));
    }
    for r in &history.reads {
        if r.at > invoked {
            return Some(violation(format!(
                "{} claims a state no log could have: only {invoked} writes were ever invoked",
                describe::read(r)
            )));
        }
        let known = index.versions_of_key.get(&r.key).map_or(&[][..], |v| v);
        // The key's acknowledged writes at or below the read's version.
        let upto = known.partition_point(|&(v, _)| v <= r.at);
        let seen = match r.value {
            None => None,
            Some(value) => match index.by_value.get(&(r.key, value)) {
                Some(&w) => Some(w),
                None => {
                    return Some(violation(format!(
                        "{} returned a value no write wrote",
                        describe::read(r)
                    )))
                }
            },
        };
        let seen_version = seen.and_then(|w| history.writes[w].version);
        if let (Some(w), Some(v)) = (seen, seen_version) {
            if v > r.at {
                return Some(violation(format!(
                    "{} returned {}, which is later in the log than the read's own state",
                    describe::read(r),
                    describe::write(&history.writes[w])
                )));
            }
        }
        // The last acknowledged write to the key in the prefix must be the
        // one seen (or one at or below it, when the seen one's version is
        // unknown to the client).
        if let Some(&(last, w)) = upto.checked_sub(1).map(|i| &known[i]) {
            let overwritten = match (seen, seen_version) {
                (None, _) => true,
                (Some(_), Some(v)) => last > v,
                (Some(_), None) => false,
            };
            if overwritten {
                return Some(violation(format!(
                    "{} missed {}, which its state at version {} includes",
                    describe::read(r),
                    describe::write(&history.writes[w]),
                    last.min(r.at)
                )));
            }
        }
    }
    None
}

/// A write acknowledged at a version no log of this history has: version
/// 0 (the initial state), past the number of writes, or another write's.
fn impossible_versions(history: &ReadHistory) -> Option<String> {
    let invoked = history.writes.len() as u64;
    let mut holder: std::collections::BTreeMap<u64, usize> = std::collections::BTreeMap::new();
    for (i, w) in history.writes.iter().enumerate() {
        let Some(v) = w.version else { continue };
        if v == 0 || v > invoked {
            return Some(format!(
                "{} has a version outside the log's 1..={invoked}",
                describe::write(w)
            ));
        }
        if let Some(j) = holder.insert(v, i) {
            return Some(format!(
                "{} and {} were both acknowledged at version {v}",
                describe::write(&history.writes[j]),
                describe::write(w)
            ));
        }
    }
    None
}
