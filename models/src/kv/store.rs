//! The replicated state machine: a map of keys to token lists, and a session
//! table that applies each (client, sequence number) once.

use super::request::{KvCommand, KvReply, KvRequest};
use std::collections::BTreeMap;

/// The key-value state machine with exactly-once sessions.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KvStore {
    data: BTreeMap<u8, Vec<u32>>,
    /// Per client: the last sequence number applied and its reply.
    sessions: BTreeMap<u32, (u32, KvReply)>,
}

impl KvStore {
    /// Applies `request` unless this client's sequence number was already
    /// applied, and returns its reply. A retry of the last request gets the
    /// first application's reply; a request older than that (its client has
    /// moved on) changes nothing and gets `None`.
    pub fn apply(&mut self, request: &KvRequest) -> Option<KvReply> {
        if let Some((seq, reply)) = self.sessions.get(&request.client) {
            if request.seq == *seq {
                return Some(reply.clone());
            }
            if request.seq < *seq {
                return None;
            }
        }
        let reply = self.execute(&request.command);
        self.sessions
            .insert(request.client, (request.seq, reply.clone()));
        Some(reply)
    }

    /// Runs a command with no session bookkeeping.
    pub fn execute(&mut self, command: &KvCommand) -> KvReply {
        match *command {
            KvCommand::Get { key } => KvReply::Value(self.get(key).to_vec()),
            KvCommand::Put { key, value } => {
                let v = self.data.entry(key).or_default();
                v.clear();
                v.push(value);
                KvReply::Done
            }
            KvCommand::Append { key, value } => {
                self.data.entry(key).or_default().push(value);
                KvReply::Done
            }
        }
    }

    /// A key's tokens (empty: never written).
    pub fn get(&self, key: u8) -> &[u32] {
        self.data.get(&key).map_or(&[], Vec::as_slice)
    }

    /// The last sequence number applied for `client`, if any.
    pub fn last_seq(&self, client: u32) -> Option<u32> {
        self.sessions.get(&client).map(|(seq, _)| *seq)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(seq: u32, command: KvCommand) -> KvRequest {
        KvRequest {
            client: 7,
            seq,
            command,
        }
    }

    #[test]
    fn a_retry_is_applied_once_and_gets_the_first_reply() {
        let mut s = KvStore::default();
        let append = req(1, KvCommand::Append { key: 0, value: 5 });
        assert_eq!(s.apply(&append), Some(KvReply::Done));
        assert_eq!(s.apply(&append), Some(KvReply::Done));
        assert_eq!(s.get(0), &[5]);
        let get = req(2, KvCommand::Get { key: 0 });
        assert_eq!(s.apply(&get), Some(KvReply::Value(vec![5])));
        s.execute(&KvCommand::Append { key: 0, value: 6 });
        assert_eq!(s.apply(&get), Some(KvReply::Value(vec![5])), "cached");
        assert_eq!(s.apply(&append), None, "older than the session");
        assert_eq!(s.get(0), &[5, 6]);
    }
}
