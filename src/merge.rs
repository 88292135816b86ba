//! `faultline merge DIR…`: shards' results (see [`crate::results`]) as the
//! summary one machine would have printed for the whole sweep.
//!
//! It checks what it merges: every file is one sweep (model, bug, faults,
//! seed range, shard count); every shard is present once (a duplicate is
//! counted once; a missing one is reported and the exit is 2); and a seed
//! that ran twice ran the same (different trace hashes across machines are
//! a determinism failure, reported loudly, exit 1). Exit 1 also when any
//! shard found a failure.

use crate::exit;
use crate::results::{ResultLine, SeedLine, ShardSummary};
use crate::shard::Shard;
use crate::summary::Tally;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `faultline merge`.
#[derive(Debug, clap::Args)]
pub struct MergeArgs {
    /// Results files, or directories of them (`*.jsonl`).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

/// One shard's file, read.
struct ShardFile {
    path: PathBuf,
    seeds: Vec<SeedLine>,
    summary: ShardSummary,
}

/// The largest results file read.
const MAX_BYTES: u64 = 1 << 32;
/// The longest line of a results file read (a seed's line is a few hundred
/// bytes; its failure message is cut to a few kilobytes).
const MAX_LINE: u64 = 1 << 20;

impl MergeArgs {
    /// Merges and prints; returns the exit code.
    pub fn run(self) -> i32 {
        let files = match self
            .files()
            .and_then(|f| f.iter().map(|p| read(p)).collect::<Result<Vec<_>, _>>())
        {
            Ok(f) => f,
            Err(e) => {
                eprintln!("{me} merge: {e}", me = crate::arg::program());
                return exit::BAD_INPUT;
            }
        };
        match merge(files) {
            Ok((tally, problems, wall_s, model)) => self.report(tally, &problems, wall_s, &model),
            Err(e) => {
                eprintln!("{me} merge: {e}", me = crate::arg::program());
                exit::BAD_INPUT
            }
        }
    }

    /// Every results file named, directories expanded (sorted by name).
    fn files(&self) -> Result<Vec<PathBuf>, String> {
        let mut files = Vec::new();
        for path in &self.paths {
            if path.is_dir() {
                let entries = std::fs::read_dir(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let mut found: Vec<PathBuf> = entries
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                    .collect();
                found.sort();
                files.extend(found);
            } else {
                files.push(path.clone());
            }
        }
        if files.is_empty() {
            return Err("no results files (*.jsonl) found".into());
        }
        Ok(files)
    }

    fn report(&self, tally: Tally, problems: &Problems, wall_s: f64, model: &str) -> i32 {
        for line in &problems.notes {
            eprintln!("{me} merge: {line}", me = crate::arg::program());
        }
        for line in &problems.determinism {
            eprintln!(
                "{me} merge: DETERMINISM FAILURE: {line}",
                me = crate::arg::program()
            );
        }
        let summary = tally.summary(model, wall_s);
        if self.json {
            println!(
                "{}",
                serde_json::to_string(&summary).expect("a summary serialises")
            );
        } else {
            print!("{}", summary.render(&crate::arg::program()));
        }
        for line in &problems.partial {
            eprintln!("{me} merge: {line}", me = crate::arg::program());
        }
        if !problems.missing.is_empty() {
            eprintln!(
                "{me} merge: missing shards {}: the summary covers only part of the sweep",
                problems.missing.join(", "),
                me = crate::arg::program()
            );
        }
        if !problems.missing.is_empty() || !problems.partial.is_empty() {
            return exit::BAD_INPUT;
        }
        if !problems.determinism.is_empty() || !summary.failures.is_empty() {
            return exit::FAILURE_FOUND;
        }
        exit::OK
    }
}

/// A results file, parsed as it is streamed: seed lines, then exactly one
/// summary line, last. No line may pass [`MAX_LINE`] bytes, nor the file
/// [`MAX_BYTES`], so an endless or corrupt file is refused as soon as it is
/// found, with the line's number, and memory holds only the parsed seeds.
fn read(path: &Path) -> Result<ShardFile, String> {
    use std::io::{BufRead, Read};
    let file = sim::artifact::open_input(path).map_err(|e| match e {
        sim::artifact::Capped::Io(e) => format!("cannot read {}: {e}", path.display()),
        sim::artifact::Capped::Invalid(why) => format!("{}: {why}", path.display()),
    })?;
    let mut reader = std::io::BufReader::new(file).take(MAX_BYTES + 1);
    let (mut seeds, mut summary, mut line) = (Vec::new(), None, Vec::new());
    for number in 1.. {
        let at = || format!("{}:{number}", path.display());
        line.clear();
        let got = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut line);
        if got.map_err(|e| format!("cannot read {}: {e}", at()))? == 0 {
            break;
        }
        if line.len() as u64 > MAX_LINE {
            return Err(format!("{}: a line longer than {MAX_LINE} bytes", at()));
        }
        if reader.limit() == 0 {
            return Err(format!("{}: larger than {MAX_BYTES} bytes", path.display()));
        }
        let text = std::str::from_utf8(&line).map_err(|_| format!("{}: not UTF-8 text", at()))?;
        if text.trim().is_empty() {
            continue;
        }
        if summary.is_some() {
            return Err(format!("{}: a line follows the summary line", at()));
        }
        match serde_json::from_str::<ResultLine>(text).map_err(|e| format!("{}: {e}", at()))? {
            ResultLine::Seed(s) => seeds.push(s),
            ResultLine::Summary(s) => summary = Some(*s),
        }
    }
    let summary = summary.ok_or_else(|| {
        format!(
            "{}: no summary line: the shard did not finish",
            path.display()
        )
    })?;
    Ok(ShardFile {
        path: path.to_path_buf(),
        seeds,
        summary,
    })
}

/// What merging found besides the figures.
#[derive(Default)]
struct Problems {
    notes: Vec<String>,
    missing: Vec<String>,
    partial: Vec<String>,
    determinism: Vec<String>,
}

type Merged = (Tally, Problems, f64, String);

fn merge(files: Vec<ShardFile>) -> Result<Merged, String> {
    let first = &files[0].summary;
    let (model, count) = (first.model.clone(), first.shard.count);
    for other in &files[1..] {
        if let Some(field) = other.summary.differs_from(first) {
            return Err(format!(
                "{} is from another sweep than {}: its {field} differs",
                other.path.display(),
                files[0].path.display()
            ));
        }
    }
    let mut problems = Problems::default();
    let mut by_shard: BTreeMap<u64, &ShardFile> = BTreeMap::new();
    for f in &files {
        check_slice(f)?;
        match by_shard.get(&f.summary.shard.index) {
            None => {
                by_shard.insert(f.summary.shard.index, f);
            }
            Some(kept) => {
                problems.notes.push(format!(
                    "shard {} appears twice ({} and {}): counted once",
                    f.summary.shard,
                    kept.path.display(),
                    f.path.display()
                ));
                compare(kept, f, &mut problems);
                // A shard run again after an interruption: the copy that
                // holds more seeds counts.
                if f.summary.runs > kept.summary.runs {
                    by_shard.insert(f.summary.shard.index, f);
                }
            }
        }
    }
    problems.partial = by_shard.values().filter_map(|f| partial(f)).collect();
    problems.missing = missing(by_shard.keys().copied(), count);
    check_counts(&by_shard)?;
    let mut tally = Tally::default();
    let mut wall_s: f64 = 0.0;
    for (k, f) in by_shard.values().enumerate() {
        tally.add_coverage(&f.summary.coverage, k == 0);
        wall_s = wall_s.max(f.summary.wall_s);
        let summary = &f.summary;
        tally.add_shard(
            &summary.latency,
            &summary.served_by,
            &summary.by_kind,
            summary.skipped_faults,
        );
        for s in &f.seeds {
            tally.add_counts(s.ops, s.ok);
            if let Some(failure) = &s.failure {
                tally.add_failure_line(
                    s.seed,
                    failure.kind,
                    failure.message.clone(),
                    s.artifact.clone(),
                );
            }
        }
    }
    Ok((tally, problems, wall_s, model))
}

/// A shard's seeds are exactly its slice, in order; a partial shard's (one
/// a signal stopped) are the first `runs` of it.
fn check_slice(f: &ShardFile) -> Result<(), String> {
    let s = &f.summary;
    let shard = Shard::new(s.shard.index, s.shard.count)
        .map_err(|e| format!("{}: {e}", f.path.display()))?;
    let (lo, len) = shard.slice(s.first, s.count);
    let held = if s.partial { s.runs.min(len) } else { len };
    let expected = lo..lo + held;
    let in_order = f.seeds.iter().map(|l| l.seed).eq(expected.clone());
    if !in_order || s.runs != held {
        return Err(format!(
            "{}: shard {shard} must hold seeds {}..{} in order, one line each",
            f.path.display(),
            expected.start,
            expected.end
        ));
    }
    Ok(())
}

/// For a partial shard (checked by [`check_slice`]), the line that names
/// it and the seeds it holds.
fn partial(f: &ShardFile) -> Option<String> {
    let s = &f.summary;
    let shard = Shard::new(s.shard.index, s.shard.count).ok()?;
    let (lo, len) = shard.slice(s.first, s.count);
    s.partial.then(|| {
        format!(
            "shard {shard} is partial ({}): it holds seeds {lo}..{} of {lo}..{}",
            f.path.display(),
            lo + s.runs,
            lo + len
        )
    })
}

/// The shards of `1..=count` not among `held` (ascending), as ranges
/// ("2/4", "2-1048576 of 1048576"): as many lines as gaps, not shards.
fn missing(held: impl Iterator<Item = u64>, count: u64) -> Vec<String> {
    let gap = |a: u64, b: u64| match a == b {
        true => format!("{a}/{count}"),
        false => format!("{a}-{b} of {count}"),
    };
    let mut gaps = Vec::new();
    let mut next = 1;
    for k in held {
        if k > next {
            gaps.push(gap(next, k - 1));
        }
        next = k + 1;
    }
    if next <= count {
        gaps.push(gap(next, count));
    }
    gaps
}

/// Refuses counts no sweep can produce: a seed, or an operation kind,
/// with more operations ok than it had, and sums over the shards that do
/// not fit in 64 bits (they would wrap to a small, plausible figure).
fn check_counts(shards: &BTreeMap<u64, &ShardFile>) -> Result<(), String> {
    let mut totals: BTreeMap<String, u64> = BTreeMap::new();
    for f in shards.values() {
        let path = f.path.display();
        let mut add = |what: &str, n: u64| -> Result<(), String> {
            let sum = totals.entry(what.to_string()).or_default();
            *sum = sum
                .checked_add(n)
                .ok_or_else(|| format!("{path}: the {what} counts overflow when added up"))?;
            Ok(())
        };
        for s in &f.seeds {
            if s.ok > s.ops {
                return Err(format!(
                    "{path}: seed {}: {} operations ok, of {}",
                    s.seed, s.ok, s.ops
                ));
            }
            add("ops", s.ops)?;
            add("ok", s.ok)?;
        }
        for (kind, c) in &f.summary.by_kind {
            if c.ok > c.ops {
                return Err(format!(
                    "{path}: {kind}: {} operations ok, of {}",
                    c.ok, c.ops
                ));
            }
            add(&format!("{kind} ops"), c.ops)?;
        }
        for (by, n) in &f.summary.served_by {
            add(&format!("served by {by}"), *n)?;
        }
        add("skipped faults", f.summary.skipped_faults)?;
    }
    Ok(())
}

/// Two copies of a shard: the same seed must have the same trace hash.
fn compare(a: &ShardFile, b: &ShardFile, problems: &mut Problems) {
    for (x, y) in a.seeds.iter().zip(&b.seeds) {
        if x.trace_hash != y.trace_hash {
            problems.determinism.push(format!(
                "seed {} ran with trace hash {} in {} and {} in {}",
                x.seed,
                x.trace_hash,
                a.path.display(),
                y.trace_hash,
                b.path.display()
            ));
        }
    }
}
