//! elle-cli's JSON, read as it is parsed (see [`crate::input::json`]):
//! each event object is turned into a transaction event as soon as it is
//! read, with the line it starts on.

use super::super::atoms::Atoms;
use super::super::history::{TxnEvent, TxnHistoryError};
use super::{error, json_event};
use crate::input::Input;
use std::io::BufRead;

/// The events of a history in JSON: one array, or one object per line.
pub(super) fn events<R: BufRead>(
    input: &mut Input<R>,
    atoms: &mut Atoms,
) -> Result<Vec<TxnEvent>, TxnHistoryError> {
    let mut events = Vec::new();
    crate::input::json::events(
        input,
        |line, value| {
            if let Some(event) = json_event(line, &value, atoms)? {
                events.push(event);
            }
            Ok(())
        },
        error,
    )?;
    Ok(events)
}
