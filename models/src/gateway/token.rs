//! Bearer tokens signed with HMAC-SHA256: a client, a scope and an expiry,
//! and the id of the key that signed them, so that keys can rotate while
//! older tokens stay verifiable until they expire.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;
use std::fmt;

/// What a token lets its client do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope {
    /// May read.
    pub read: bool,
    /// May write its own keys.
    pub write: bool,
}

impl Scope {
    /// Read and write.
    pub const ALL: Scope = Scope {
        read: true,
        write: true,
    };
    /// Read only.
    pub const READ: Scope = Scope {
        read: true,
        write: false,
    };

    fn byte(self) -> u8 {
        u8::from(self.read) | u8::from(self.write) << 1
    }
}

/// A signing key and its id.
pub type Key = (u32, [u8; 32]);

/// A token as a client presents it.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Token {
    /// The client it was issued to.
    pub client: u32,
    /// What it allows.
    pub scope: Scope,
    /// When it expires, on the issuer's clock (virtual nanoseconds).
    pub expires: u64,
    /// The key that signed it.
    pub key_id: u32,
    /// HMAC-SHA256 over the fields above.
    pub mac: [u8; 32],
}

impl fmt::Debug for Token {
    /// The fields, and the MAC's first four bytes (traces stay short).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Token {{ client: {}, scope: {:?}, expires: {}, key: {}, mac: {:02x}{:02x}{:02x}{:02x}.. }}",
            self.client, self.scope, self.expires, self.key_id, self.mac[0], self.mac[1], self.mac[2], self.mac[3]
        )
    }
}

/// Why a token was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenError {
    /// Signed by a key the verifier does not hold (never, or retired).
    UnknownKey,
    /// The MAC does not match: forged or altered.
    BadSignature,
}

fn mac_over(key: &[u8; 32], client: u32, scope: Scope, expires: u64, key_id: u32) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"faultline-token-v1");
    mac.update(&client.to_be_bytes());
    mac.update(&[scope.byte()]);
    mac.update(&expires.to_be_bytes());
    mac.update(&key_id.to_be_bytes());
    mac.finalize().into_bytes().into()
}

impl Token {
    /// A token for `client`, signed with `key`.
    pub fn sign(key: &Key, client: u32, scope: Scope, expires: u64) -> Token {
        let mac = mac_over(&key.1, client, scope, expires, key.0);
        Token {
            client,
            scope,
            expires,
            key_id: key.0,
            mac,
        }
    }
}

/// The keys a verifier holds, by id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Keyring {
    keys: BTreeMap<u32, [u8; 32]>,
}

impl Keyring {
    /// Adds (or replaces) a key.
    pub fn insert(&mut self, key: Key) {
        self.keys.insert(key.0, key.1);
    }

    /// Drops every key older than `oldest`.
    pub fn retire_before(&mut self, oldest: u32) {
        self.keys = self.keys.split_off(&oldest);
    }

    /// The newest key, if any.
    pub fn newest(&self) -> Option<Key> {
        self.keys.iter().next_back().map(|(&id, &k)| (id, k))
    }

    /// Whether `token` was signed by a key held here. The MAC comparison
    /// is constant-time (`hmac`'s `verify_slice`).
    pub fn verify(&self, token: &Token) -> Result<(), TokenError> {
        let key = self.keys.get(&token.key_id).ok_or(TokenError::UnknownKey)?;
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(b"faultline-token-v1");
        mac.update(&token.client.to_be_bytes());
        mac.update(&[token.scope.byte()]);
        mac.update(&token.expires.to_be_bytes());
        mac.update(&token.key_id.to_be_bytes());
        mac.verify_slice(&token.mac)
            .map_err(|_| TokenError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(keys: &[Key]) -> Keyring {
        let mut r = Keyring::default();
        keys.iter().for_each(|&k| r.insert(k));
        r
    }

    #[test]
    fn a_signed_token_verifies_and_any_change_to_it_does_not() {
        let key = (1, [7u8; 32]);
        let t = Token::sign(&key, 3, Scope::ALL, 1_000);
        assert_eq!(ring(&[key]).verify(&t), Ok(()));
        let changes = [
            Token { client: 4, ..t },
            Token {
                scope: Scope::READ,
                ..t
            },
            Token {
                expires: 2_000,
                ..t
            },
            Token { mac: [0; 32], ..t },
        ];
        for forged in changes {
            assert_eq!(
                ring(&[key]).verify(&forged),
                Err(TokenError::BadSignature),
                "{forged:?}"
            );
        }
        assert_eq!(
            ring(&[(2, [7; 32])]).verify(&t),
            Err(TokenError::UnknownKey)
        );
    }

    #[test]
    fn a_rotated_key_keeps_its_tokens_until_it_is_retired() {
        let (old, new) = ((1, [1u8; 32]), (2, [2u8; 32]));
        let mut r = ring(&[old, new]);
        let t = Token::sign(&old, 3, Scope::READ, 10);
        assert_eq!(r.verify(&t), Ok(()));
        assert_eq!(r.newest(), Some(new));
        r.retire_before(2);
        assert_eq!(r.verify(&t), Err(TokenError::UnknownKey));
    }

    #[test]
    fn the_mac_is_real_hmac_sha256() {
        // RFC 4231, test case 1.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&[0x0b; 20]).unwrap();
        mac.update(b"Hi There");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }
}
