//! Latency histograms in bounded memory: a sweep of a million seeds keeps
//! a few kilobytes per operation kind, not every latency.
//!
//! Buckets are log-linear, as in HdrHistogram: values below 128 ns have a
//! bucket each; above, every power of two is split into 128 buckets, so a
//! bucket's width is under 1/128 of its values (a percentile is reported
//! within 0.8%). The largest value is kept exactly. Histograms add, so
//! shards of a sweep merge into the same figures.

use serde::{Deserialize, Serialize};

/// Sub-buckets per power of two, as a power of two.
const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS;

/// Counts of values by bucket.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Histogram {
    counts: Vec<u64>,
    total: u64,
    max: u64,
}

fn bucket(v: u64) -> usize {
    if v < SUB {
        return v as usize;
    }
    let e = 63 - v.leading_zeros(); // at least SUB_BITS
    let mantissa = v >> (e - SUB_BITS); // in SUB..2*SUB
    (SUB + u64::from(e - SUB_BITS) * SUB + (mantissa - SUB)) as usize
}

/// The smallest and largest value of bucket `b`.
fn bounds(b: usize) -> (u64, u64) {
    let b = b as u64;
    if b < SUB {
        return (b, b);
    }
    let e = (b - SUB) / SUB + u64::from(SUB_BITS);
    let mantissa = (b - SUB) % SUB + SUB;
    let shift = e - u64::from(SUB_BITS);
    let low = mantissa << shift;
    (low, low + ((1u64 << shift) - 1))
}

impl Histogram {
    /// Counts one value.
    pub(crate) fn record(&mut self, v: u64) {
        let b = bucket(v);
        if self.counts.len() <= b {
            self.counts.resize(b + 1, 0);
        }
        self.counts[b] += 1;
        self.total += 1;
        self.max = self.max.max(v);
    }

    /// Adds another histogram's counts to this one.
    pub(crate) fn merge(&mut self, other: &Histogram) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
        }
        // Saturating: a histogram read from a file may hold any counts,
        // and a sum that wraps would report a handful.
        for (mine, theirs) in self.counts.iter_mut().zip(&other.counts) {
            *mine = mine.saturating_add(*theirs);
        }
        self.total = self.total.saturating_add(other.total);
        self.max = self.max.max(other.max);
    }

    /// How many values were counted.
    pub(crate) fn len(&self) -> u64 {
        self.total
    }

    /// True when nothing was counted.
    pub(crate) fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The largest value counted.
    pub(crate) fn max(&self) -> u64 {
        self.max
    }

    /// The value at percentile `p` (0 to 100): the middle of the bucket
    /// holding the value of rank `len * p / 100`, never above the maximum.
    pub(crate) fn percentile(&self, p: u64) -> u64 {
        assert!(p <= 100, "a percentile is at most 100");
        if self.total == 0 {
            return 0;
        }
        let rank = (self.total * p / 100).min(self.total - 1);
        let mut seen = 0;
        for (b, &count) in self.counts.iter().enumerate() {
            seen += count;
            if seen > rank {
                let (low, high) = bounds(b);
                return (low + (high - low) / 2).min(self.max);
            }
        }
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value_in_order_and_are_narrow() {
        let mut previous = None;
        for v in (0..5000u64).chain([1 << 20, (1 << 40) + 12345, u64::MAX - 1, u64::MAX]) {
            let b = bucket(v);
            let (low, high) = bounds(b);
            assert!(low <= v && v <= high, "{v} in bucket {b} = {low}..={high}");
            assert!((high - low) <= low / SUB + 1, "bucket {b} is narrow");
            if let Some(p) = previous {
                assert!(b >= p, "buckets are monotone");
            }
            previous = Some(b);
        }
    }

    #[test]
    fn percentiles_are_within_a_bucket_of_the_exact_ones() {
        let mut h = Histogram::default();
        let mut exact = Vec::new();
        let mut x: u64 = 1;
        for _ in 0..10_000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let v = (x >> 40) % 50_000_000;
            h.record(v);
            exact.push(v);
        }
        exact.sort_unstable();
        for p in [0, 50, 99, 100] {
            let want = exact[(exact.len() * p as usize / 100).min(exact.len() - 1)];
            let got = h.percentile(p);
            let tolerance = want / 100 + 1;
            assert!(got.abs_diff(want) <= tolerance, "p{p}: {got} vs {want}");
        }
        assert_eq!(h.max(), *exact.last().unwrap());
        let mut doubled = h.clone();
        doubled.merge(&h);
        assert_eq!(doubled.len(), 20_000);
        assert_eq!(doubled.percentile(50), h.percentile(50));
    }
}
