//! Every file faultline writes, under one policy: nothing it writes
//! replaces a file it did not create for this run.
//!
//! - Artifacts, results and reports are created new ([`create_new`],
//!   [`create_new_numbered`]): an existing file, or a symlink, at the path
//!   is refused, even when another process takes the name first.
//! - A file that is read, changed and written back (the regression file)
//!   is updated by [`update_locked`]: under a lock beside it, so that
//!   concurrent runs both land, through a temporary file renamed into
//!   place, so that a reader never sees half of it, and at the target of a
//!   symlink, so that the link stays a link.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Creates `path`, which must not exist (nor be a symlink, even a
/// dangling one). Its folder must exist.
pub fn create_new(path: &Path) -> Result<File, String> {
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    file.map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => taken(path),
        _ => format!("{}: cannot create it: {e}", path.display()),
    })
}

/// The error for a path that is already there.
fn taken(path: &Path) -> String {
    format!(
        "{}: already exists; faultline writes only files it creates (remove it, or give another name)",
        path.display()
    )
}

/// Checks, before any work starts, that [`create_new`] could create
/// `path` now: nothing is there, and its folder exists.
pub fn check_new(path: &Path) -> Result<(), String> {
    if path.is_dir() {
        return Err(format!("{}: is a folder; name a file", path.display()));
    }
    if path.symlink_metadata().is_ok() {
        return Err(taken(path));
    }
    match folder(path).metadata() {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(format!("{}: its folder is not a folder", path.display())),
        Err(_) => Err(format!("{}: its folder does not exist", path.display())),
    }
}

/// The folder `path` is in (`.` for a bare name).
pub fn folder(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Creates `dir/stem.ext`, or `stem-2.ext`, `stem-3.ext`… if taken: a new
/// file, never an existing one, even when another process races for the
/// name (`create_new`). Creates `dir` if needed.
pub fn create_new_numbered(
    dir: &Path,
    stem: &str,
    ext: &str,
) -> Result<(File, PathBuf), (PathBuf, std::io::Error)> {
    std::fs::create_dir_all(dir).map_err(|e| (dir.to_path_buf(), e))?;
    for n in 1u32.. {
        let name = match n {
            1 => format!("{stem}.{ext}"),
            n => format!("{stem}-{n}.{ext}"),
        };
        let path = dir.join(name);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path);
        match file {
            Ok(f) => return Ok((f, path)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err((path, e)),
        }
    }
    unreachable!("some name is free")
}

/// Creates a new file beside `original`: `STEM{suffix}.{ext}`, or
/// `STEM{suffix}-2.{ext}`… if taken (see [`create_new_numbered`]).
pub fn create_beside(
    original: &Path,
    suffix: &str,
    ext: &str,
) -> Result<(File, PathBuf), (PathBuf, std::io::Error)> {
    let stem = original
        .file_stem()
        .map_or("file".into(), |s| s.to_string_lossy());
    create_new_numbered(folder(original), &format!("{stem}{suffix}"), ext)
}

/// Where a write to `path` lands: the target of a symlink (followed to
/// the end, and made absolute beside the link), else `path` itself.
pub fn target_of(path: &Path) -> PathBuf {
    let mut at = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::read_link(&at) {
            Ok(next) if next.is_absolute() => at = next,
            Ok(next) => at = folder(&at).join(next),
            Err(_) => return at,
        }
    }
    at
}

/// Lets `change` read the file at `path` and decide what it becomes
/// (`None`: leave it), and writes that back, all under an exclusive lock
/// on a lock file beside it (`.NAME.lock`, kept), so that concurrent
/// updates apply one after the other. The new contents go to a temporary file renamed over
/// the target, so a reader sees the old file or the new one, never half.
/// The folder is created if needed. Returns what `change` returned
/// beside the contents.
pub fn update_locked<T>(
    path: &Path,
    change: impl FnOnce() -> Result<(Option<String>, T), String>,
) -> Result<T, String> {
    let target = target_of(path);
    let (dir, name) = (folder(&target), file_name(&target));
    let lock_path = dir.join(format!(".{name}.lock"));
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| format!("{}: cannot open the lock file: {e}", lock_path.display()))?;
    lock.lock()
        .map_err(|e| format!("{}: cannot take the lock: {e}", lock_path.display()))?;
    let (new, out) = change()?;
    if let Some(text) = new {
        replace(&target, dir, &name, &text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    drop(lock); // unlocks
    Ok(out)
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// Writes `text` to a new temporary file in `dir`, syncs it and renames
/// it over `target`.
fn replace(target: &Path, dir: &Path, name: &str, text: &str) -> std::io::Result<()> {
    let (mut tmp, tmp_path) =
        create_new_numbered(dir, &format!(".{name}.new"), "tmp").map_err(|(_, e)| e)?;
    let written = tmp
        .write_all(text.as_bytes())
        .and_then(|()| tmp.sync_all())
        .and_then(|()| std::fs::rename(&tmp_path, target));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp_path);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("faultline-files-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn an_existing_file_or_link_is_never_created_over() {
        let dir = scratch("new");
        let kept = dir.join("kept.json");
        std::fs::write(&kept, "mine").unwrap();
        assert!(check_new(&kept).unwrap_err().contains("already exists"));
        assert!(create_new(&kept).is_err());
        let link = dir.join("dangling");
        std::os::unix::fs::symlink(dir.join("nowhere"), &link).unwrap();
        assert!(check_new(&link).is_err());
        assert!(create_new(&link).is_err());
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "mine");
        assert!(check_new(&dir.join("missing/x.html")).is_err());
        assert!(check_new(&dir.join("fresh.html")).is_ok());
    }

    #[test]
    fn an_update_through_a_symlink_writes_its_target_and_keeps_the_link() {
        let dir = scratch("link");
        let real = dir.join("real.json");
        std::fs::write(&real, "1").unwrap();
        let link = dir.join("link.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        let fresh = dir.join("new/folder/r.json");
        update_locked(&fresh, || Ok((Some("0".to_string()), ()))).unwrap();
        assert_eq!(std::fs::read_to_string(&fresh).unwrap(), "0");
        let old = || std::fs::read_to_string(&link).unwrap();
        update_locked(&link, || Ok((Some(format!("{}2", old())), ()))).unwrap();
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "12");
        assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    }

    #[test]
    fn concurrent_updates_all_land() {
        let dir = scratch("race");
        let path = dir.join("count");
        std::thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..25 {
                        update_locked(&path, || {
                            let old = std::fs::read_to_string(&path).ok();
                            let n: u64 = old.map_or(0, |t| t.parse().unwrap());
                            Ok((Some((n + 1).to_string()), ()))
                        })
                        .unwrap();
                    }
                });
            }
        });
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "200");
    }
}
