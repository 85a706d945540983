//! Every expanded sample card validates against the official Adaptive Cards 1.3 JSON Schema
//! (Draft 6) and the Webex rules, has the shape of its view model, and is snapshot-tested.

use crate::cards_support;

use roombot::cards::{Templates, check_view_model, check_webex_rules};
use serde_json::Value;

use cards_support::{root, samples};

/// The Adaptive Cards 1.3 schema validator (tests/fixtures, MIT, Microsoft).
pub fn schema_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/fixtures/adaptive-card-1.3.schema.json"))
        .expect("schema fixture");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft6)
        .build(&schema)
        .expect("schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, card: &Value) -> Vec<String> {
    validator
        .iter_errors(card)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn every_expanded_sample_is_a_valid_adaptive_card_1_3_within_webex_rules() {
    let templates = Templates::load().expect("templates load");
    let validator = schema_validator();
    let mut failures = Vec::new();
    for sample in samples() {
        let card = templates
            .expand(sample.template, &sample.data)
            .expect("sample expands");
        let mut problems = schema_errors(&validator, &card);
        problems.extend(check_webex_rules(&card).err().unwrap_or_default());
        if card.to_string().contains("${") {
            problems.push("an unexpanded ${…} binding is left".into());
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", sample.id, problems.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "invalid cards:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_schema_check_rejects_a_broken_card() {
    let validator = schema_validator();
    let card = serde_json::json!({"type": "AdaptiveCard", "version": "1.3", "body": [{"type": "TextBlock", "txt": "typo"}]});
    assert!(!schema_errors(&validator, &card).is_empty());
}

#[test]
fn every_sample_has_the_shape_of_its_view_model() {
    for sample in samples() {
        if let Err(e) = check_view_model(sample.template, &sample.data) {
            panic!(
                "cards/samples/{}.json does not match the {} view model: {e}",
                sample.id, sample.template
            );
        }
    }
}

#[test]
fn expanded_samples_match_their_snapshots() {
    let templates = Templates::load().expect("templates load");
    for sample in samples() {
        let card = templates
            .expand(sample.template, &sample.data)
            .expect("sample expands");
        insta::assert_json_snapshot!(format!("sample_{}", sample.id), card);
    }
}
