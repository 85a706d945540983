//! Shared helpers for the card and browser tests: the samples in `cards/samples/`, running the
//! node scripts in `web/`, and [`require_web_tools`], which says exactly what to run when a plain
//! `cargo test` finds Node.js, the npm packages or Chromium missing (`scripts/test` installs them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The crate root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One sample: `cards/samples/<template>.json` or `cards/samples/<template>.<variant>.json`.
pub struct Sample {
    /// File stem, e.g. `status` or `status.offline`.
    pub id: String,
    /// Template name.
    pub template: &'static str,
    /// The sample data.
    pub data: Value,
}

/// Every sample of every template (each template must have at least its main sample).
pub fn samples() -> Vec<Sample> {
    let dir = root().join("cards/samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("cards/samples exists")
        .map(|e| e.expect("dir entry").path())
        .collect();
    files.sort();
    let mut out = Vec::new();
    for &(template, _) in roombot::cards::TEMPLATE_SOURCES {
        assert!(
            dir.join(format!("{template}.json")).exists(),
            "cards/samples/{template}.json is missing"
        );
        for file in &files {
            let stem = file
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            if stem == template
                || stem
                    .strip_prefix(template)
                    .is_some_and(|rest| rest.starts_with('.'))
            {
                let text = std::fs::read_to_string(file).expect("sample readable");
                let data = serde_json::from_str(&text)
                    .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
                out.push(Sample {
                    id: stem.to_owned(),
                    template,
                    data,
                });
            }
        }
    }
    out
}

/// The parsed JSON template `name`.
pub fn template_json(name: &str) -> Value {
    let (_, source) = roombot::cards::TEMPLATE_SOURCES
        .iter()
        .find(|(n, _)| *n == name)
        .expect("template exists");
    serde_json::from_str(source).expect("template is JSON")
}

/// What to run when a tool these tests need is missing.
const SETUP: &str = "run `scripts/setup` once (as root on a fresh Debian machine: it installs \
Chromium with apt and the npm packages of web/ with npm ci), then `cargo test` again; or run the \
whole suite with `scripts/test`, which does both";

/// Fails with the exact set-up command unless Node.js and web/'s npm packages are there, and
/// (with `chromium`) Debian's Chromium.
pub fn require_web_tools(chromium: bool) {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "Node.js (`node`) is not on PATH: install Node.js 20+, then {SETUP}"
    );
    assert!(
        root()
            .join("web/node_modules/adaptivecards-templating")
            .is_dir()
            && root().join("web/node_modules/playwright-core").is_dir(),
        "web/node_modules is missing or incomplete: {SETUP}"
    );
    assert!(
        !chromium || Path::new("/usr/bin/chromium").exists(),
        "/usr/bin/chromium is missing: {SETUP}"
    );
}

/// Runs `node web/<script> <args…>` and returns its stdout; fails clearly when node is not set up.
pub fn run_node(script: &str, args: &[&Path]) -> String {
    require_web_tools(false);
    let web = root().join("web");
    let output = Command::new("node")
        .arg(web.join(script))
        .args(args)
        .current_dir(&web)
        .output()
        .unwrap_or_else(|e| panic!("could not run node (is Node.js 20+ installed?): {e}"));
    assert!(
        output.status.success(),
        "node {script} failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("node prints UTF-8")
}
