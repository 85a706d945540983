//! Real-browser test: every expanded sample card is rendered by the official `adaptivecards`
//! renderer (markdown through markdown-it) in headless Debian Chromium driven by playwright-core
//! (`web/render.mjs`). No parse or validation warnings, no request leaving loopback, a non-empty
//! rendering. Screenshots go to `artifacts/cards/<sample>.png` (not committed).
//! Needs `scripts/setup` (Chromium + `npm ci`).

use crate::cards_support;

use roombot::cards::Templates;
use serde_json::{Value, json};

use cards_support::{root, run_node, samples};

#[test]
fn every_sample_card_renders_in_chromium_without_warnings_or_external_requests() {
    crate::cards_support::require_web_tools(true);
    let templates = Templates::load().expect("templates load");
    let samples = samples();
    let cards: Vec<Value> = samples
        .iter()
        .map(|s| json!({"name": s.id, "card": templates.expand(s.template, &s.data).expect("sample expands")}))
        .collect();
    let input = tempfile::NamedTempFile::new().expect("temp file");
    std::fs::write(
        input.path(),
        serde_json::to_vec(&cards).expect("cards serialise"),
    )
    .expect("write cards");
    let out_dir = root().join("artifacts/cards");
    let report: Value = serde_json::from_str(&run_node("render.mjs", &[input.path(), &out_dir]))
        .expect("render.mjs prints JSON");

    assert_eq!(report["external"], json!([]), "requests left loopback");
    let rendered = report["cards"].as_array().expect("cards array");
    assert_eq!(rendered.len(), samples.len());
    let mut failures = Vec::new();
    for card in rendered {
        let name = card["name"].as_str().unwrap_or("?");
        if card["warnings"] != json!([]) {
            failures.push(format!("{name}: warnings {}", card["warnings"]));
        }
        let text = card["text"].as_str().unwrap_or_default();
        if text.trim().is_empty() || card["height"].as_f64().unwrap_or(0.0) < 20.0 {
            failures.push(format!("{name}: empty rendering ({card})"));
        }
        if text.contains("${") {
            failures.push(format!("{name}: shows an unexpanded binding"));
        }
        if !out_dir.join(format!("{name}.png")).exists() {
            failures.push(format!("{name}: no screenshot"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
