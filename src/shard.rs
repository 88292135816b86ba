//! Shards: the K-th of N deterministic slices of a seed range, so a sweep
//! can run as N processes on a cluster engine and be merged afterwards.
//!
//! Shard `K/N` (K from 1 to N) runs the seeds at indices
//! `⌊(K−1)·count/N⌋ .. ⌊K·count/N⌋` of the range: contiguous slices, disjoint,
//! covering the range, whatever the job count inside each process.
//!
//! Where the shard comes from, first found wins:
//! - `--shard K/N` on the command line;
//! - `FAULTLINE_SHARD=K/N` (also `count:K/N`, cargo nextest's partition
//!   syntax), for CI matrices and for `Scenario::run_seeds` in tests;
//! - `FAULTLINE_SHARD_INDEX` (1-based) and `FAULTLINE_SHARD_COUNT`, two
//!   plain variables for CI matrices;
//! - `JOB_COMPLETION_INDEX` (0-based, set by a Kubernetes Indexed Job) with
//!   `FAULTLINE_SHARD_COUNT` (the Job's `completions`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// One slice of a sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// Which slice, from 1.
    pub index: u64,
    /// How many slices.
    pub count: u64,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The largest shard count accepted.
pub(crate) const MAX_SHARDS: u64 = 1 << 20;

impl Shard {
    /// The whole sweep as one shard.
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// A checked shard.
    pub fn new(index: u64, count: u64) -> Result<Shard, String> {
        if count == 0 || count > MAX_SHARDS {
            return Err(format!(
                "the shard count must be from 1 to {MAX_SHARDS}, not {count}"
            ));
        }
        if index == 0 || index > count {
            return Err(format!(
                "shard {index}/{count}: the index must be from 1 to {count}"
            ));
        }
        Ok(Shard { index, count })
    }

    /// The slice of `count` seeds from `first` this shard runs: (first seed, how many).
    pub fn slice(self, first: u64, count: u64) -> (u64, u64) {
        let at = |k: u64| (u128::from(k) * u128::from(count) / u128::from(self.count)) as u64;
        let (lo, hi) = (at(self.index - 1), at(self.index));
        (first + lo, hi - lo)
    }
}

/// Parses `K/N` or `count:K/N`.
pub(crate) fn parse(text: &str) -> Result<Shard, String> {
    let body = text.strip_prefix("count:").unwrap_or(text);
    let (k, n) = body
        .split_once('/')
        .ok_or_else(|| format!("shard `{text}`: expected K/N, such as 2/8"))?;
    let number = |s: &str| {
        s.trim()
            .parse::<u64>()
            .map_err(|_| format!("shard `{text}`: `{s}` is not a number"))
    };
    Shard::new(number(k)?, number(n)?)
}

/// The shard the environment names, if any, and which variable named it.
pub(crate) fn from_env(
    var: impl Fn(&str) -> Option<String>,
) -> Result<Option<(Shard, String)>, String> {
    if let Some(v) = var("FAULTLINE_SHARD").filter(|v| !v.is_empty()) {
        return parse(&v).map(|s| Some((s, "FAULTLINE_SHARD".to_string())));
    }
    let count = var("FAULTLINE_SHARD_COUNT").filter(|v| !v.is_empty());
    let number = |name: &str, v: String| {
        v.trim()
            .parse::<u64>()
            .map_err(|_| format!("{name}=`{v}` is not a number"))
    };
    let index = var("FAULTLINE_SHARD_INDEX").filter(|v| !v.is_empty());
    let k8s = var("JOB_COMPLETION_INDEX").filter(|v| !v.is_empty());
    let (index, source) = match (index, k8s) {
        (Some(i), _) => (number("FAULTLINE_SHARD_INDEX", i)?, "FAULTLINE_SHARD_INDEX"),
        (None, Some(i)) => {
            let i = number("JOB_COMPLETION_INDEX", i)?;
            (i.saturating_add(1), "JOB_COMPLETION_INDEX")
        }
        (None, None) => return slurm(&var, number),
    };
    let Some(count) = count else {
        return Err(format!(
            "{source} is set, but FAULTLINE_SHARD_COUNT (the number of shards) is not"
        ));
    };
    let count = number("FAULTLINE_SHARD_COUNT", count)?;
    Shard::new(index, count).map(|s| Some((s, source.to_string())))
}

/// The shard of a Slurm job array's task: `SLURM_ARRAY_TASK_ID` counted
/// from `SLURM_ARRAY_TASK_MIN`, of `SLURM_ARRAY_TASK_COUNT` tasks (or
/// `FAULTLINE_SHARD_COUNT`). The array must be dense (`--array=0-7`): a step
/// would leave shards that no task runs.
fn slurm(
    var: &impl Fn(&str) -> Option<String>,
    number: impl Fn(&str, String) -> Result<u64, String>,
) -> Result<Option<(Shard, String)>, String> {
    let get = |name: &str| var(name).filter(|v| !v.is_empty());
    let Some(id) = get("SLURM_ARRAY_TASK_ID") else {
        return Ok(None);
    };
    let id = number("SLURM_ARRAY_TASK_ID", id)?;
    let min = get("SLURM_ARRAY_TASK_MIN").map_or(Ok(0), |v| number("SLURM_ARRAY_TASK_MIN", v))?;
    if let Some(step) = get("SLURM_ARRAY_TASK_STEP").filter(|s| s.trim() != "1") {
        return Err(format!(
            "SLURM_ARRAY_TASK_STEP=`{step}`: a job array of shards must be dense, such as --array=0-7"
        ));
    }
    let count = match get("FAULTLINE_SHARD_COUNT") {
        Some(c) => number("FAULTLINE_SHARD_COUNT", c)?,
        None => {
            let c = get("SLURM_ARRAY_TASK_COUNT").ok_or("SLURM_ARRAY_TASK_ID is set, but neither SLURM_ARRAY_TASK_COUNT nor FAULTLINE_SHARD_COUNT is")?;
            number("SLURM_ARRAY_TASK_COUNT", c)?
        }
    };
    let index = id
        .checked_sub(min)
        .ok_or_else(|| format!("SLURM_ARRAY_TASK_ID={id} is below SLURM_ARRAY_TASK_MIN={min}"))?;
    let shard = Shard::new(index.saturating_add(1), count)?;
    Ok(Some((shard, "SLURM_ARRAY_TASK_ID".to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Slurm array task is a shard: counted from the array's first task,
    /// of the array's task count; a stepped array is refused.
    #[test]
    fn a_slurm_array_task_is_a_shard() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                let found = pairs.iter().find(|(k, _)| *k == name);
                found.map(|(_, v)| v.to_string())
            }
        };
        let task = env(&[
            ("SLURM_ARRAY_TASK_ID", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        let (shard, from) = from_env(task).unwrap().unwrap();
        assert_eq!((shard.index, shard.count), (3, 4));
        assert_eq!(from, "SLURM_ARRAY_TASK_ID");
        let stepped = env(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        let e = from_env(stepped).unwrap_err();
        assert!(e.contains("SLURM_ARRAY_TASK_STEP"), "{e}");
        let past = env(&[
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        assert!(from_env(past).is_err());
        let k8s_wins = env(&[
            ("JOB_COMPLETION_INDEX", "0"),
            ("FAULTLINE_SHARD_COUNT", "2"),
            ("SLURM_ARRAY_TASK_ID", "1"),
        ]);
        assert_eq!(
            from_env(k8s_wins).unwrap().unwrap().1,
            "JOB_COMPLETION_INDEX"
        );
    }

    #[test]
    fn slices_are_disjoint_and_cover_the_range() {
        for count in [0u64, 1, 7, 100, 1001] {
            for n in 1..=9 {
                let mut next = 50;
                for k in 1..=n {
                    let (first, len) = Shard::new(k, n).unwrap().slice(50, count);
                    assert_eq!(first, next, "{k}/{n} of {count}");
                    next = first + len;
                }
                assert_eq!(next, 50 + count);
            }
        }
    }

    #[test]
    fn the_environment_of_each_engine_names_a_shard() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let k8s = from_env(env(&[
            ("JOB_COMPLETION_INDEX", "0"),
            ("FAULTLINE_SHARD_COUNT", "4"),
        ]));
        assert_eq!(k8s.unwrap().unwrap().0, Shard::new(1, 4).unwrap());
        let ci = from_env(env(&[
            ("FAULTLINE_SHARD_INDEX", "3"),
            ("FAULTLINE_SHARD_COUNT", "4"),
        ]));
        assert_eq!(ci.unwrap().unwrap().0, Shard::new(3, 4).unwrap());
        let nextest = from_env(env(&[("FAULTLINE_SHARD", "count:2/5")]));
        assert_eq!(nextest.unwrap().unwrap().0, Shard::new(2, 5).unwrap());
        assert!(from_env(env(&[
            ("JOB_COMPLETION_INDEX", "4"),
            ("FAULTLINE_SHARD_COUNT", "4")
        ]))
        .is_err());
        assert!(from_env(env(&[("JOB_COMPLETION_INDEX", "1")])).is_err());
        assert_eq!(from_env(env(&[])), Ok(None));
        assert!(parse("0/3").is_err() && parse("3").is_err() && parse("1/x").is_err());
    }
}
