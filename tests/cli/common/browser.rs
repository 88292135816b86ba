//! Headless Chromium for the report tests: load a page, let its scripts
//! run, and read back the DOM they left and a screenshot. A test that
//! needs Chromium asks [`super::tools::require`] first: it is skipped
//! where Chromium is missing, unless `FAULTLINE_REQUIRE_TOOLS` is set, as
//! `.ci/run` sets it.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long one browser run may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(120);

/// The browser (see [`super::tools::Tool::Chromium`]).
pub(crate) fn chromium() -> PathBuf {
    super::tools::Tool::Chromium
        .find()
        .expect("a test that needs Chromium asks tools::require first")
}

/// Runs headless Chromium on `page` with `extra` arguments; returns its
/// stdout and stderr.
fn run(page: &Path, extra: &[String]) -> (String, String) {
    let profile = std::env::temp_dir().join(format!(
        "faultline-chromium-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let url = format!(
        "file://{}",
        page.canonicalize().expect("the page exists").display()
    );
    // Output goes to files: a full pipe would stall the browser.
    std::fs::create_dir_all(&profile).expect("a profile folder");
    let (out_path, err_path) = (profile.join("stdout"), profile.join("stderr"));
    let file = |p: &Path| std::fs::File::create(p).expect("an output file");
    // The flags a closed network needs: no background fetches, no sync.
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(url)
        .stdout(Stdio::from(file(&out_path)))
        .stderr(Stdio::from(file(&err_path)))
        .spawn()
        .expect("start Chromium");
    let started = Instant::now();
    while child.try_wait().expect("wait for Chromium").is_none() {
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            panic!("Chromium took over {DEADLINE:?} on {}", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let read =
        |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    let output = (read(&out_path), read(&err_path));
    let _ = std::fs::remove_dir_all(&profile);
    output
}

/// A page as the browser left it after its scripts ran.
pub(crate) struct Loaded {
    /// The DOM, serialised.
    pub dom: String,
    /// Console lines that report a JavaScript error.
    pub console_errors: Vec<String>,
}

/// Loads `page` and dumps its DOM after its scripts ran.
pub(crate) fn load(page: &Path) -> Loaded {
    let (dom, log) = run(page, &["--dump-dom".to_string()]);
    let console_errors = log
        .lines()
        .filter(|l| l.contains("CONSOLE") && (l.contains("Uncaught") || l.contains("Error")))
        .map(str::to_string)
        .collect();
    Loaded {
        dom,
        console_errors,
    }
}

/// Saves a screenshot of `page` at `width`x`height` to `png`.
pub(crate) fn screenshot(page: &Path, png: &Path, (width, height): (u32, u32)) {
    let _ = std::fs::remove_file(png);
    run(
        page,
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size={width},{height}"),
        ],
    );
    let bytes = std::fs::read(png).expect("Chromium wrote the screenshot");
    assert!(
        bytes.starts_with(b"\x89PNG"),
        "{} is not a PNG",
        png.display()
    );
}

/// The value of attribute `name` on the page's body, if set.
pub(crate) fn body_attribute(dom: &str, name: &str) -> Option<String> {
    let body = &dom[dom.find("<body")?..];
    let tag = &body[..body.find('>')?];
    let start = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let len = tag[start..].find('"')?;
    Some(tag[start..start + len].to_string())
}
