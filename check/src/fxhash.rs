//! A fast fixed hasher for tables that are probed and never iterated (so
//! their order cannot leak into a run), and the map type that uses it.

use std::hash::{BuildHasherDefault, Hasher};

/// FxHash with a final avalanche: the tables are only probed, never iterated, so
/// a fast fixed hash is both quick and deterministic. The avalanche matters: the
/// raw multiply's low bits depend only on the key's low bits, and the hash table
/// picks buckets by the low bits.
#[derive(Default)]
pub struct Fx(u64);
impl Hasher for Fx {
    fn finish(&self) -> u64 {
        // MurmurHash3's fmix64.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.write_u64(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.write_u64(u64::from_le_bytes(w));
        }
    }
    #[inline]
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

/// A hash map with the fixed hasher, for tables that are probed and never
/// iterated (so its order never reaches a result).
#[allow(clippy::disallowed_types)] // probed, never iterated; fixed hasher
pub type FxMap<K, V> = std::collections::HashMap<K, V, BuildHasherDefault<Fx>>;
