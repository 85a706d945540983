//! Shared helpers for the card tests: the samples in `cards/samples/` and running the node
//! scripts in `web/` (which need `web/node_modules`: `bash web/ci-setup.sh` or `npm ci` in web/).
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

/// Runs `node web/<script> <args…>` and returns its stdout; fails clearly when node is not set up.
pub fn run_node(script: &str, args: &[&Path]) -> String {
    let web = root().join("web");
    assert!(
        web.join("node_modules/adaptivecards-templating").exists(),
        "web/node_modules is missing: run `bash web/ci-setup.sh` as root on a fresh machine, or `npm ci` in web/"
    );
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
