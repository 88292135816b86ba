//! Tidy checks over the source tree, in the spirit of TigerBeetle's: rules a
//! reviewer would otherwise have to remember.
//!
//! - No two files import each other, directly or round a longer loop. A
//!   file depends on another when it names an item there through `crate::`
//!   or `super::` paths (a parent's `pub use` of a child's item counts as
//!   the child's), or when a `mod.rs`/`lib.rs` uses a child module.
//! - No source file is longer than 800 lines.
//! - A model's name is written once: outside tests and docs, the string
//!   `"raft-kv"` appears in one source file, once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What a name re-exported from another crate resolves to.
const EXTERNAL: &str = "<another crate>";

/// The crates' source roots, from the workspace root.
const ROOTS: [&str; 7] = [
    "src",
    "check/src",
    "sim/src",
    "models/src",
    "madsim-host/src",
    "examples/chain/src",
    "targets/src",
];

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// A file's module path in its crate: `a/b.rs` and `a/b/mod.rs` are `[a, b]`.
fn module_of(root: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(root).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code a file's imports are read from: comments, unit-test modules
/// (from the first `#[cfg(test)]` on) and visibility paths removed.
fn code_of(text: &str) -> String {
    let body = text.split("#[cfg(test)]").next().unwrap_or_default();
    let lines = body
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default());
    let code: Vec<&str> = lines.collect();
    code.join("\n")
        .replace("pub(super)", "pub")
        .replace("pub(crate)", "pub")
}

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The paths of a use-tree that starts at `text` (after `crate::` or
/// `super::`): `a::b`, `a::{b, c::d}`, ... Each path is its segments.
fn paths_at(text: &str) -> Vec<Vec<String>> {
    let mut segments = Vec::new();
    let mut rest = text;
    loop {
        let ident: String = rest.chars().take_while(|&c| is_ident(c)).collect();
        if !ident.is_empty() {
            rest = &rest[ident.len()..];
            segments.push(ident);
        }
        if let Some(after) = rest.strip_prefix("::") {
            rest = after;
            if let Some(group) = rest.strip_prefix('{') {
                return group_paths(group)
                    .into_iter()
                    .map(|tail| segments.iter().cloned().chain(tail).collect())
                    .collect();
            }
            continue;
        }
        return vec![segments];
    }
}

/// The paths inside a `{...}` group (nested groups included).
fn group_paths(group: &str) -> Vec<Vec<String>> {
    let (mut depth, mut start, mut out) = (0usize, 0usize, Vec::new());
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                out.extend(paths_at(group[start..i].trim()));
                return out;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.extend(paths_at(group[start..i].trim()));
                start = i + 1;
            }
            _ => {}
        }
    }
    out
}

struct Crate {
    files: BTreeMap<Vec<String>, PathBuf>,
    code: BTreeMap<Vec<String>, String>,
    /// Per module file: names it re-exports from a child, and the child.
    reexports: BTreeMap<Vec<String>, BTreeMap<String, Vec<String>>>,
}

impl Crate {
    fn load(root: &Path) -> Crate {
        let mut list = Vec::new();
        rust_files(root, &mut list);
        let mut files = BTreeMap::new();
        let mut code = BTreeMap::new();
        for f in list {
            let m = module_of(root, &f);
            code.insert(m.clone(), code_of(&std::fs::read_to_string(&f).unwrap()));
            files.insert(m, f);
        }
        let mut c = Crate {
            files,
            code,
            reexports: BTreeMap::new(),
        };
        c.reexports = c
            .code
            .keys()
            .map(|m| (m.clone(), c.reexports_of(m)))
            .collect();
        c
    }

    /// The names a module file brings in with `use` (public or not), each
    /// with the deepest file it names. A path that starts at a name the
    /// module itself brought in (`pub use engine::config;` then
    /// `pub use config::SimConfig;`) is followed through it.
    fn reexports_of(&self, module: &[String]) -> BTreeMap<String, Vec<String>> {
        let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut pairs = Vec::new();
        for part in self.code[module].split("use ").skip(1) {
            for path in paths_at(part).into_iter().filter(|p| p.len() >= 2) {
                let full: Vec<String> = module.iter().chain(&path).cloned().collect();
                aliases.insert(path.last().unwrap().clone(), full.clone());
                pairs.push(full);
            }
        }
        let mut names = BTreeMap::new();
        for mut full in pairs {
            for _ in 0..4 {
                let first = &full[module.len()];
                match aliases.get(first) {
                    Some(a) if !self.files.contains_key(&full[..=module.len()]) && a != &full => {
                        full = a.iter().chain(&full[module.len() + 1..]).cloned().collect();
                    }
                    _ => break,
                }
            }
            let deepest = (module.len() + 1..=full.len())
                .rev()
                .map(|n| full[..n].to_vec())
                .find(|p| self.files.contains_key(p));
            // A name from another crate (`pub use check::time;`) is no file
            // of this one: importing it imports nothing here.
            let file = deepest.unwrap_or_else(|| vec![EXTERNAL.to_string()]);
            names.insert(full.last().unwrap().clone(), file);
        }
        names
    }

    /// The file a path from the crate root lands in.
    fn resolve(&self, path: &[String]) -> Option<Vec<String>> {
        for len in (0..=path.len()).rev() {
            let prefix = &path[..len];
            if self.files.contains_key(prefix) {
                let via = path.get(len).and_then(|n| self.reexports[prefix].get(n));
                return match via {
                    Some(v) if v.len() == 1 && v[0] == EXTERNAL => None,
                    Some(v) => Some(v.clone()),
                    None => Some(prefix.to_vec()),
                };
            }
        }
        None
    }

    fn edges(&self, module: &[String]) -> BTreeSet<Vec<String>> {
        let code = &self.code[module];
        let is_mod_file = matches!(
            self.files[module].file_stem().and_then(|s| s.to_str()),
            Some("mod" | "lib" | "main")
        );
        let mut out = BTreeSet::new();
        let parent = &module[..module.len().saturating_sub(1)];
        let uses = [("crate::", &[][..]), ("super::", parent)];
        for (marker, base) in uses {
            for (i, _) in code.match_indices(marker) {
                if i > 0 && code[..i].ends_with(|c: char| is_ident(c) || c == ':') {
                    continue;
                }
                for path in paths_at(&code[i + marker.len()..]) {
                    let full: Vec<String> = base.iter().cloned().chain(path).collect();
                    out.extend(self.resolve(&full));
                }
            }
        }
        if is_mod_file {
            for part in code.split("\nuse ").skip(1) {
                let child: Vec<String> = module
                    .iter()
                    .chain(paths_at(part).first().and_then(|p| p.first()))
                    .cloned()
                    .collect();
                if self.files.contains_key(&child) {
                    out.insert(child);
                }
            }
        }
        out.remove(module);
        out
    }
}

/// A cycle of modules, if the graph has one.
fn find_cycle(graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Option<Vec<Vec<String>>> {
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        state: &mut BTreeMap<Vec<String>, bool>,
        stack: &mut Vec<Vec<String>>,
    ) -> Option<Vec<Vec<String>>> {
        if let Some(&done) = state.get(node) {
            if done {
                return None;
            }
            let at = stack.iter().position(|n| n == node).unwrap();
            return Some(stack[at..].to_vec());
        }
        state.insert(node.clone(), false);
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, state, stack) {
                return Some(cycle);
            }
        }
        stack.pop();
        state.insert(node.clone(), true);
        None
    }
    let mut state = BTreeMap::new();
    graph
        .keys()
        .find_map(|n| visit(n, graph, &mut state, &mut Vec::new()))
}

#[test]
fn no_two_files_import_each_other() {
    for root in ROOTS {
        let krate = Crate::load(&workspace().join(root));
        let graph: BTreeMap<_, _> = krate
            .files
            .keys()
            .map(|m| (m.clone(), krate.edges(m)))
            .collect();
        if let Some(cycle) = find_cycle(&graph) {
            let names: Vec<String> = cycle
                .iter()
                .map(|m| {
                    krate.files[m]
                        .strip_prefix(workspace())
                        .unwrap()
                        .display()
                        .to_string()
                })
                .collect();
            panic!("an import cycle: {}", names.join(" -> "));
        }
    }
}

#[test]
fn the_cycle_finder_finds_a_cycle() {
    let a = vec!["a".to_string()];
    let b = vec!["b".to_string()];
    let graph = BTreeMap::from([
        (a.clone(), BTreeSet::from([b.clone()])),
        (b.clone(), BTreeSet::from([a.clone()])),
    ]);
    assert_eq!(find_cycle(&graph).map(|c| c.len()), Some(2));
    assert_eq!(
        paths_at("a::{b, c::{d, e}}, f"),
        vec![vec!["a", "b"], vec!["a", "c", "d"], vec!["a", "c", "e"]]
    );
}

#[test]
fn no_source_file_is_longer_than_800_lines() {
    for root in ROOTS {
        let mut files = Vec::new();
        rust_files(&workspace().join(root), &mut files);
        for f in files {
            let lines = std::fs::read_to_string(&f).unwrap().lines().count();
            assert!(lines <= 800, "{}: {lines} lines", f.display());
        }
    }
}

#[test]
fn a_model_name_is_written_once() {
    let mut files = Vec::new();
    for root in ROOTS {
        rust_files(&workspace().join(root), &mut files);
    }
    let mut scripts = Vec::new();
    for entry in std::fs::read_dir(workspace().join("scripts")).unwrap() {
        scripts.push(entry.unwrap().path());
    }
    let mut found = Vec::new();
    for f in files.iter().chain(&scripts) {
        let text = std::fs::read_to_string(f).unwrap();
        let code = if f.extension().is_some_and(|x| x == "rs") {
            code_of(&text)
        } else {
            text
        };
        for _ in code.matches("\"raft-kv\"") {
            found.push(f.strip_prefix(workspace()).unwrap().display().to_string());
        }
    }
    assert_eq!(found.len(), 1, "\"raft-kv\" is written in: {found:?}");
}
