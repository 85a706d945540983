//! The typed render functions: every card passes the 1.3 schema and the Webex rules, buttons
//! follow DESIGN rule 3, people's text is shown literally, and long inputs stay within limits.

use crate::cards_support;

use roombot::cards::*;
use serde_json::{Value, json};

use cards_support::root;

fn templates() -> Templates {
    Templates::load().expect("templates load")
}

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/fixtures/adaptive-card-1.3.schema.json"))
        .expect("schema fixture");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft6)
        .build(&schema)
        .expect("schema compiles")
}

/// Schema, Webex rules, no leftover binding, fallback within the limit and not empty.
fn assert_valid(card: &Card) {
    let errors: Vec<String> = validator()
        .iter_errors(&card.content)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "schema errors: {errors:?}\n{}",
        card.content
    );
    assert_eq!(check_webex_rules(&card.content), Ok(()));
    assert!(
        !card.content.to_string().contains("${"),
        "unexpanded binding in {}",
        card.content
    );
    assert!(!card.fallback_markdown.trim().is_empty());
    assert!(card.fallback_markdown.len() <= MAX_MARKDOWN_BYTES);
}

/// Every `Action.Submit` `data` anywhere in the card.
fn submit_data(value: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    match value {
        Value::Object(map) => {
            if map.get("type") == Some(&json!("Action.Submit")) {
                out.push(map.get("data").cloned().unwrap_or(Value::Null));
            }
            map.values().for_each(|v| out.extend(submit_data(v)));
        }
        Value::Array(items) => items.iter().for_each(|v| out.extend(submit_data(v))),
        _ => {}
    }
    out
}

fn outcome(device: &str, outcome: Outcome, detail: &str) -> DeviceOutcome {
    DeviceOutcome {
        device: device.into(),
        workspace: "4B".into(),
        outcome,
        detail: detail.into(),
    }
}

#[test]
fn a_mute_result_offers_unmute_and_refresh_with_canonical_commands() {
    let result = CommandResult {
        title: "Mute room 4B".into(),
        summary: "1 done · 1 skipped: 1 read-only".into(),
        rows: vec![outcome("Room Kit", Outcome::Done, "Microphones muted")],
        notes: vec![Line::new("Skipped 1 read-only: Desk", Tone::Warning)],
        buttons: follow_up_buttons(FollowUp::Mute, "room 4B"),
    };
    let card = templates().render_command_result(&result).expect("renders");
    assert_valid(&card);
    assert_eq!(
        submit_data(&card.content),
        vec![
            json!({"cmd": "unmute room 4B"}),
            json!({"cmd": "status room 4B"})
        ]
    );
    assert!(
        card.fallback_markdown.contains("`unmute room 4B`"),
        "{}",
        card.fallback_markdown
    );
    assert!(card.fallback_markdown.contains("1 done · 1 skipped"));
    assert!(
        card.fallback_markdown
            .contains("Skipped 1 read\\-only: Desk")
    );
}

#[test]
fn a_bulk_result_puts_failures_first_and_counts_the_long_tail() {
    let mut rows: Vec<DeviceOutcome> = (0..1000)
        .map(|i| outcome(&format!("Codec {i}"), Outcome::Done, "Microphones muted"))
        .collect();
    rows.insert(
        500,
        outcome("Broken", Outcome::Failed, "Webex answered 502"),
    );
    let result = CommandResult {
        title: "Muted all".into(),
        summary: "1,000 done · 1 failed".into(),
        rows,
        notes: Vec::new(),
        buttons: follow_up_buttons(FollowUp::Mute, "all"),
    };
    let card = templates().render_command_result(&result).expect("renders");
    assert_valid(&card);
    let text = card.content.to_string();
    let failed = text.find("Broken").expect("the failure is shown");
    assert!(failed < text.find("Codec 0").expect("a success is shown"));
    assert!(text.contains("… and 986 more done"), "{text}");
}

#[test]
fn follow_up_buttons_match_the_command() {
    let commands = |f| {
        follow_up_buttons(f, "tag lab")
            .into_iter()
            .map(|b| b.command)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        commands(FollowUp::Volume),
        ["volume down tag lab", "volume up tag lab", "status tag lab"]
    );
    assert_eq!(
        commands(FollowUp::Unmute),
        ["mute tag lab", "status tag lab"]
    );
    assert_eq!(
        commands(FollowUp::Standby),
        ["wake tag lab", "status tag lab"]
    );
    assert_eq!(commands(FollowUp::Other), ["status tag lab"]);
}

#[test]
fn names_from_people_are_shown_literally() {
    let result = CommandResult {
        title: "Mute *everything*".into(),
        summary: String::new(),
        rows: vec![outcome(
            "[Board](http://evil) _x_\nline",
            Outcome::Failed,
            "<b>no</b>",
        )],
        notes: Vec::new(),
        buttons: follow_up_buttons(FollowUp::Mute, "all"),
    };
    let card = templates().render_command_result(&result).expect("renders");
    assert_valid(&card);
    let text = card.content.to_string();
    assert!(
        text.contains(r"\\[Board\\]\\(http://evil\\) \\_x\\_ line"),
        "{text}"
    );
    assert!(card.fallback_markdown.contains(r"\[Board\]\(http://evil\)"));
    assert!(card.fallback_markdown.contains(r"Mute \*everything\*"));
}

#[test]
fn a_huge_result_stays_within_the_card_and_markdown_limits() {
    let long = "x".repeat(5000);
    let rows = (0..200)
        .map(|i| outcome(&format!("{long}{i}"), Outcome::Failed, &long))
        .collect();
    let result = CommandResult {
        title: long.clone(),
        summary: String::new(),
        rows,
        notes: vec![Line::new(long.clone(), Tone::Warning)],
        buttons: follow_up_buttons(FollowUp::Other, "all"),
    };
    let card = templates().render_command_result(&result).expect("renders");
    assert_valid(&card);
    assert!(card.content.to_string().len() <= MAX_CARD_BYTES);
    assert!(card.content.to_string().contains("more failed"));
}

#[test]
fn status_has_facts_and_a_refresh_button() {
    let report = StatusReport {
        title: "Status of room 4B".into(),
        summary: String::new(),
        fleet: Vec::new(),
        notes: Vec::new(),
        more_command: None,
        devices: (0..40)
            .map(|i| DeviceStatus {
                device: format!("Device {i}"),
                workspace: "4B".into(),
                facts: (0..30)
                    .map(|k| Fact::new(format!("Key.Path[{k}].Leaf"), "y".repeat(400)))
                    .collect(),
                note: String::new(),
            })
            .collect(),
        refresh_command: "status Audio.Volume room 4B".into(),
    };
    let card = templates().render_status(&report).expect("renders");
    assert_valid(&card);
    assert_eq!(
        submit_data(&card.content),
        vec![json!({"cmd": "status Audio.Volume room 4B"})]
    );
}

fn device(i: usize) -> DeviceRow {
    DeviceRow {
        header: if i.is_multiple_of(5) {
            format!("Location {i}")
        } else {
            String::new()
        },
        lines: vec![Line::new("⚠ running too hot", Tone::Attention)],
        name: format!("{} {i}", "Very long device name ".repeat(10)),
        workspace: "W".repeat(200),
        product: "Cisco Room Kit Pro".into(),
        connection: if i.is_multiple_of(2) {
            Connection::Connected
        } else {
            Connection::Other("activating".into())
        },
        status_command: format!("status device \"Device {i}\""),
    }
}

#[test]
fn a_device_list_pages_with_more_filters_and_a_status_button_per_device() {
    let list = DeviceList {
        title: "Devices".into(),
        summary: "Showing 16–30 of 40".into(),
        first: 16,
        rows: (15..30).map(device).collect(),
        filters: [
            "offline",
            "online",
            "issues",
            "tag lab",
            "product Board",
            "extra",
        ]
        .iter()
        .map(|f| Button::new(*f, format!("devices {f}")))
        .collect(),
        more_command: Some("devices page 3".into()),
    };
    let card = templates().render_device_list(&list).expect("renders");
    assert_valid(&card);
    let data = submit_data(&card.content);
    assert_eq!(data.len(), 5 + 15 + 1, "5 filters, a Status per row, More");
    assert!(
        data.contains(&json!({"cmd": "status device \"Device 15\""})),
        "page 2 starts at row 16"
    );
    assert!(data.contains(&json!({"cmd": "devices page 3"})));
    assert!(card.content.to_string().contains("Showing 16–30 of 40"));
    let last = DeviceList {
        more_command: None,
        ..list
    };
    let card = templates().render_device_list(&last).expect("renders");
    assert!(
        !submit_data(&card.content).contains(&json!({"cmd": "devices page 3"})),
        "no More on the last page"
    );
}

#[test]
fn a_device_list_too_big_for_a_card_folds_lines_then_names_the_rows_it_leaves_out() {
    let issue = |n: usize| Line::new(format!("⚠ {} issue {n}", "x".repeat(150)), Tone::Warning);
    let heavy = |i: usize, lines: usize| DeviceRow {
        lines: (0..lines).map(issue).collect(),
        ..device(i)
    };
    // Many issue lines per device: folding them is enough, every row stays.
    let list = DeviceList {
        title: "Devices · issues".into(),
        summary: "Showing 1–15 of 40".into(),
        first: 1,
        rows: (0..15).map(|i| heavy(i, 12)).collect(),
        filters: Vec::new(),
        more_command: Some("devices issues page 2".into()),
    };
    let card = templates().render_device_list(&list).expect("renders");
    assert_valid(&card);
    let text = card.content.to_string();
    assert_eq!(
        submit_data(&card.content).len(),
        15 + 1,
        "every row and More"
    );
    assert!(text.contains("… and 11 more"), "{text}");
    assert!(
        text.contains("Showing 1–15 of 40\""),
        "the summary is unchanged"
    );
    // Rows too big even folded: the ones left out are named (page 2 starts after them).
    let long = |n: usize| Line::new(format!("⚠ issue {n} {}", "x".repeat(400)), Tone::Warning);
    let huge = |i: usize| DeviceRow {
        name: format!("Device {i} {}", "n".repeat(400)),
        lines: (0..2).map(long).collect(),
        ..device(i)
    };
    let list = DeviceList {
        rows: (0..15).map(huge).collect(),
        ..list
    };
    let card = templates().render_device_list(&list).expect("renders");
    assert_valid(&card);
    let shown = submit_data(&card.content).len() - 1;
    assert!(shown < 15, "{shown} rows fit");
    let text = card.content.to_string();
    assert!(text.contains("not shown, the card is full"), "{text}");
    let note = format!("the card is full: Device {shown} nnn");
    assert!(
        text.contains(&note),
        "the first row left out is named: {text}"
    );
    assert!(text.contains(", Device 14 nnn"), "so is the last: {text}");
}

#[test]
fn the_config_form_has_typed_inputs_and_apply_carries_the_originals() {
    let spaces = [
        json!({"type": "integer", "minimum": 0, "maximum": 100}),
        json!({"type": "string", "enum": ["Auto", "On", "Off"]}),
        json!({"type": "string", "enum": ["Off", "On"]}),
        json!({"type": "string", "minLength": 0, "maxLength": 50}),
    ];
    let inputs: Vec<ConfigInput> = spaces
        .iter()
        .map(|s| ConfigInput::from_value_space(s).expect("understood"))
        .collect();
    assert_eq!(inputs[2], ConfigInput::Toggle);
    let keys = [
        "Audio.DefaultVolume",
        "Standby.Control",
        "Video.Selfview.Mirrored",
        "SystemUnit.Name",
    ];
    let values = ["50", "Auto", "On", "Lab *4B*"];
    let mut fields: Vec<ConfigField> = (0..4)
        .map(|i| ConfigField {
            key: keys[i].into(),
            value: values[i].into(),
            input: inputs[i].clone(),
            note: String::new(),
        })
        .collect();
    fields.push(ConfigField {
        key: "Conference.MaxReceiveCallRate".into(),
        value: "6000".into(),
        input: ConfigInput::ReadOnly {
            reason: "managed by a rule".into(),
        },
        note: String::new(),
    });
    let form = ConfigForm {
        title: "Configuration of room 4B".into(),
        target: "room 4B".into(),
        fields,
        buttons: vec![],
    };
    let card = templates().render_config_form(&form).expect("renders");
    assert_valid(&card);
    let body = card.content["body"].to_string();
    for (kind, key) in [
        ("Input.Number", keys[0]),
        ("Input.ChoiceSet", keys[1]),
        ("Input.Toggle", keys[2]),
        ("Input.Text", keys[3]),
    ] {
        assert!(
            body.contains(&format!(r#""type":"{kind}","id":"{key}""#)),
            "{kind} {key} in {body}"
        );
    }
    assert!(
        body.contains(
            r#""min":0,"max":100,"errorMessage":"A whole number from 0 to 100.","value":50"#
        ) && body.contains(
            r#""maxLength":50,"errorMessage":"At most 50 characters.","value":"Lab *4B*""#
        ),
        "inputs say what is allowed: {body}"
    );
    assert!(body.contains("Audio.DefaultVolume (0–100)"), "{body}");
    let original: serde_json::Map<String, Value> = keys
        .iter()
        .zip(values)
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    assert_eq!(
        submit_data(&card.content),
        vec![json!({"form": "config", "target": "room 4B", "original": original})]
    );
}

#[test]
fn a_picker_has_one_button_per_candidate_in_sets_of_five() {
    let candidates = (0..12)
        .map(|i| Button::new(format!("4{i}"), format!("mute room 4{i}")))
        .collect();
    let card = templates()
        .render_target_picker(&TargetPicker {
            prompt: "Which “4”?".into(),
            candidates,
        })
        .expect("renders");
    assert_valid(&card);
    assert_eq!(submit_data(&card.content).len(), 12);
    assert_eq!(
        card.content["body"].as_array().map(Vec::len),
        Some(4),
        "prompt and three action sets"
    );
}

#[test]
fn a_confirmation_carries_its_token_and_closes_without_buttons() {
    let mut confirmation = Confirmation {
        title: "Reboot 3 devices?".into(),
        summary: "They restart now.".into(),
        targets: (0..30).map(|i| format!("Device {i}")).collect(),
        state: ConfirmationState::Pending {
            token: "tok-1".into(),
            expires_in_minutes: 10,
        },
    };
    let card = templates()
        .render_confirmation(&confirmation)
        .expect("renders");
    assert_valid(&card);
    assert_eq!(
        submit_data(&card.content),
        vec![json!({"confirm": "tok-1"}), json!({"cancel": "tok-1"})]
    );
    assert!(card.fallback_markdown.contains("and 10 more"));
    confirmation.state = ConfirmationState::Confirmed { by: "Ana".into() };
    let card = templates()
        .render_confirmation(&confirmation)
        .expect("renders");
    assert_valid(&card);
    assert!(submit_data(&card.content).is_empty());
    assert!(card.fallback_markdown.contains("Confirmed by Ana."));
}

#[test]
fn a_confirmation_expiring_in_one_minute_says_minute() {
    let mut confirmation = Confirmation {
        title: "Reboot?".into(),
        summary: "It restarts now.".into(),
        targets: vec!["Board".into()],
        state: ConfirmationState::Pending {
            token: "tok-1".into(),
            expires_in_minutes: 1,
        },
    };
    let text = |c: &Confirmation| {
        let card = templates().render_confirmation(c).expect("renders");
        format!("{} {}", card.content, card.fallback_markdown)
    };
    let one = text(&confirmation);
    assert!(one.contains("expires in 1 minute."), "{one}");
    confirmation.state = ConfirmationState::Pending {
        token: "tok-1".into(),
        expires_in_minutes: 2,
    };
    assert!(text(&confirmation).contains("expires in 2 minutes."));
}

#[test]
fn a_picker_fallback_shows_names_with_backticks_as_typeable_commands() {
    let command = "mute device \"Room `A`\"";
    let card = templates()
        .render_target_picker(&TargetPicker {
            prompt: "Which one?".into(),
            candidates: vec![Button::new("Room `A`", command)],
        })
        .expect("renders");
    assert_valid(&card);
    let shown = format!("``{command}``");
    assert!(
        card.fallback_markdown.contains(&shown),
        "{}",
        card.fallback_markdown
    );
    assert_eq!(
        roombot::command::Command::parse(command).expect("parses"),
        roombot::command::Command::parse(&shown[2..shown.len() - 2]).expect("parses"),
    );
}

#[test]
fn an_error_shows_message_hint_and_tracking_id() {
    let error = ErrorReport {
        message: "No workspace named 4Z".into(),
        hint: "Try `workspaces`".into(),
        tracking_id: "ROUTER_123".into(),
        buttons: vec![Button::new("Help", "help")],
    };
    let card = templates().render_error(&error).expect("renders");
    assert_valid(&card);
    assert!(
        card.fallback_markdown.contains("ROUTER\\_123"),
        "{}",
        card.fallback_markdown
    );
    let bare = ErrorReport {
        hint: String::new(),
        tracking_id: String::new(),
        buttons: vec![],
        ..error
    };
    let card = templates().render_error(&bare).expect("renders");
    assert_valid(&card);
    assert_eq!(card.content["body"].as_array().map(Vec::len), Some(1));
}

#[test]
fn help_and_workspace_cards_render() {
    let help = Help {
        title: "roombot commands".into(),
        intro: String::new(),
        sections: vec![HelpSection {
            title: "Microphones".into(),
            entries: vec![HelpEntry {
                syntax: "mute <target>".into(),
                summary: "Mute".into(),
            }],
        }],
        buttons: vec![Button::new("Devices", "devices")],
    };
    let card = templates().render_help(&help).expect("renders");
    assert_valid(&card);
    assert!(card.fallback_markdown.contains("`mute <target>`"));
    let info = WorkspaceInfo {
        name: "Big Conference".into(),
        facts: vec![Fact::new("Capacity", "12")],
        devices: vec![WorkspaceDevice {
            name: "Room Bar".into(),
            product: "Room Bar Pro".into(),
            connection: Connection::Disconnected,
        }],
        buttons: vec![Button::new("Status", "status workspace \"Big Conference\"")],
    };
    let card = templates().render_workspace(&info).expect("renders");
    assert_valid(&card);
    assert!(card.fallback_markdown.contains("offline"));
}
