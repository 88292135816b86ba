//! The README and the guides in `docs/` are checked, so they cannot drift
//! from the code: the tables are the descriptions' (fault mixes, bug
//! switches, models), every guide is linked from the README and every
//! relative link resolves, the README's model is the `chain` example's
//! text, and every command in a shell block names a real subcommand, model
//! and bug switch, with flags that subcommand takes. The Rust blocks are
//! compiled as doctests (`src/lib.rs`).

use crate::common::cli::{faultline, workdir};
use sim::mix::MIXES;
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The README and every guide, by path from the root.
fn pages() -> Vec<String> {
    let mut guides: Vec<String> = std::fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| format!("docs/{}", p.file_name().unwrap().to_string_lossy()))
        .collect();
    guides.sort();
    std::iter::once("README.md".to_string())
        .chain(guides)
        .collect()
}

/// The fenced blocks of `text` in language `lang`.
fn blocks<'a>(text: &'a str, lang: &str) -> Vec<&'a str> {
    let fence = format!("```{lang}\n");
    text.split(&fence)
        .skip(1)
        .map(|rest| rest.split("```").next().unwrap())
        .collect()
}

#[test]
fn the_fault_mix_table_is_the_mixes_table() {
    let page = read("docs/bug-finding.md");
    for mix in MIXES {
        let row = format!("| `{}` | {} |", mix.name, mix.about);
        assert!(
            page.contains(&row),
            "docs/bug-finding.md lacks the row\n{row}"
        );
    }
}

#[test]
fn every_bug_switch_has_its_row_and_every_model_its_line() {
    let (bugs, readme) = (read("docs/bug-finding.md"), read("README.md"));
    for model in faultline::catalog::built_in() {
        let d = model.describe();
        for bug in &d.bugs {
            let row = format!(
                "| {} | `{}` | `{}` | {} |",
                d.name,
                bug.name,
                bug.faults(),
                bug.within_seeds
            );
            assert!(
                bugs.contains(&row),
                "docs/bug-finding.md lacks a row starting\n{row}"
            );
        }
        let listed = format!("| `{}` |", d.name);
        assert!(
            readme.contains(&listed),
            "the README's models table lacks {}",
            d.name
        );
    }
}

/// The relative links of `text` (not web addresses, not anchors).
fn links(text: &str) -> Vec<&str> {
    text.split("](")
        .skip(1)
        .map(|rest| rest.split(')').next().unwrap())
        .filter(|l| !l.starts_with("http") && !l.starts_with('#'))
        .collect()
}

#[test]
fn every_guide_is_linked_from_the_readme_and_every_link_resolves() {
    let readme = read("README.md");
    for page in pages() {
        if page != "README.md" {
            let link = format!("]({page})");
            assert!(readme.contains(&link), "the README does not link {page}");
        }
        let dir: PathBuf = root().join(&page).parent().unwrap().to_path_buf();
        for link in links(&read(&page)) {
            let target = dir.join(link.split('#').next().unwrap());
            assert!(target.exists(), "{page} links {link}, which does not exist");
        }
    }
}

#[test]
fn every_page_with_rust_is_compiled_as_a_doctest() {
    let lib = read("src/lib.rs");
    for page in pages() {
        if read(&page).contains("```rust\n") {
            let include = format!("include_str!(\"../{page}\")");
            assert!(
                lib.contains(&include),
                "src/lib.rs does not compile {page}'s Rust"
            );
        }
    }
}

#[test]
fn the_readmes_model_is_the_chain_examples_text() {
    let example = read("examples/chain/src/lib.rs");
    let readme = read("README.md");
    let shown = blocks(&readme, "rust,ignore");
    assert_eq!(shown.len(), 1, "the README shows one model");
    for paragraph in shown[0].split("\n\n") {
        assert!(
            example.contains(paragraph.trim_end()),
            "examples/chain/src/lib.rs does not hold the README's\n{paragraph}"
        );
    }
}

/// The commands of the shell blocks of every page: each line that runs the
/// `faultline` binary, as words, without the comment.
fn commands() -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    for page in pages() {
        let text = read(&page);
        for line in blocks(&text, "sh").into_iter().flat_map(str::lines) {
            let line = line.split("  #").next().unwrap().trim();
            let rest = line
                .strip_prefix("cargo run --release -- ")
                .or_else(|| line.strip_prefix("faultline "));
            if let Some(rest) = rest {
                found.push((
                    page.clone(),
                    rest.split_whitespace().map(String::from).collect(),
                ));
            }
        }
    }
    found
}

#[test]
fn every_command_in_the_docs_names_a_real_subcommand_model_switch_and_flags() {
    let dir = workdir("docs-commands");
    let list = faultline(&dir, &["list", "--json"]);
    let list: serde_json::Value = serde_json::from_slice(&list.stdout).expect("list --json");
    let commands = commands();
    assert!(commands.len() >= 10, "the docs show commands: {commands:?}");
    for (page, words) in commands {
        let help = faultline(&dir, &[words[0].as_str(), "--help"]);
        assert_eq!(
            help.status.code(),
            Some(0),
            "{page}: no subcommand {}",
            words[0]
        );
        let help = String::from_utf8_lossy(&help.stdout).to_string();
        for flag in words.iter().filter(|w| w.starts_with("--")) {
            assert!(
                help.contains(flag.as_str()),
                "{page}: `{}` takes no {flag}",
                words[0]
            );
        }
        if words[0] == "explore" {
            check_model_and_switch(&page, &words, &list);
        }
    }
}

/// The model `explore` names is listed, and so is its `--bug`, if any.
fn check_model_and_switch(page: &str, words: &[String], list: &serde_json::Value) {
    let models = list["models"].as_array().expect("list --json has models");
    let model = models
        .iter()
        .find(|m| m["name"] == words[1].as_str())
        .unwrap_or_else(|| panic!("{page}: no model {}", words[1]));
    if let Some(at) = words.iter().position(|w| w == "--bug") {
        let bug = &words[at + 1];
        let bugs = model["bugs"].as_array().expect("a model lists its bugs");
        assert!(
            bugs.iter().any(|b| b["name"] == bug.as_str()),
            "{page}: {} has no bug switch {bug}",
            words[1]
        );
    }
}
