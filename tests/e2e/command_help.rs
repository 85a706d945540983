//! Help data generated from the grammar table, and the user-facing error texts.

use roombot::command::{Command, ParseError, help_for, help_overview, overview_markdown};

#[test]
fn help_lists_every_group_with_one_example_that_parses() {
    let groups = help_overview();
    let titles: Vec<&str> = groups.iter().map(|g| g.title.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Audio and video",
            "Power, calls and messages",
            "Status and configuration",
            "Workspaces and devices",
            "General"
        ]
    );
    for group in &groups {
        assert!(
            Command::parse(&group.example).is_ok(),
            "example of {}: {}",
            group.title,
            group.example
        );
        assert!(!group.commands.is_empty(), "group {}", group.title);
    }
    let names: Vec<&str> = groups
        .iter()
        .flat_map(|g| &g.commands)
        .map(|c| c.name.as_str())
        .collect();
    for intent in [
        "mute",
        "volume",
        "volume up",
        "standby",
        "reboot",
        "dial",
        "alert",
        "selfview",
        "status",
        "config",
        "config set",
        "config reset",
        "xcommand",
        "devices",
        "workspaces",
        "workspace",
        "workspace create",
        "workspace delete",
        "location create",
        "tag",
        "activate",
        "delete device",
        "locations",
        "use",
        "help",
    ] {
        assert!(names.contains(&intent), "help lists {intent}");
    }
}

#[test]
fn help_for_finds_entries_by_name_verb_or_title() {
    for (topic, name) in [
        ("volume", "volume"),
        ("VOLUME DOWN", "volume up"),
        ("hang up", "dial"),
        ("sleep", "standby"),
        ("xConfig", "xcommand"),
        ("terminal notation", "xcommand"),
        ("delete workspace", "workspace delete"),
        ("floors", "locations"),
        ("commands", "help"),
    ] {
        let entry = help_for(topic).unwrap_or_else(|| panic!("help for {topic}"));
        assert_eq!(entry.name, name, "topic {topic}");
    }
    assert_eq!(help_for("bananas"), None);
}

#[test]
fn a_help_entry_shows_forms_variants_and_examples() {
    let entry = help_for("volume").expect("volume help");
    assert_eq!(entry.forms, ["volume <0-100> <target>"]);
    assert!(
        entry
            .variants
            .contains(&"set volume to <n> in <target>".to_owned())
    );
    let markdown = entry.markdown();
    for part in [
        "**Volume**",
        "`volume <0-100> <target>`",
        "`set volume to <n> in <target>`",
        "`volume 60 in 4B`",
        "Audio.Volume.Set Level",
    ] {
        assert!(markdown.contains(part), "markdown has {part}:\n{markdown}");
    }
    let overview = overview_markdown();
    assert!(
        overview.contains("**Audio and video**") && overview.contains("`<target>`"),
        "{overview}"
    );
}

#[test]
fn errors_read_as_helpful_replies() {
    let cases = [
        (
            "volume 4B 150",
            "volume must be 0–100. Usage: “volume <0-100> <target>”, for example “volume 60 in 4B”.",
        ),
        (
            "mte 4B",
            "I don't know the command “mte”. Did you mean “mute”? Type “help” to see all commands.",
        ),
        (
            "dial",
            "“dial” needs a number or address to dial. Usage: “dial <number> <target>”, for example “dial 5551234 in 4B”.",
        ),
        (
            "volume up 20",
            "steps must be 1–10. Usage: “volume up <target>”, for example “volume up 4B”.",
        ),
        (
            "workspace 4B type kitchen",
            "type must be one of notSet, focus, huddle, meetingRoom, open, desk, other. Usage: “workspace <name> type <type>”, for example “workspace 4B”.",
        ),
        (
            "locations please",
            "“locations” does not take “please”. Usage: “locations [page <n>]”, for example “locations”.",
        ),
        ("", "Type “help” to see what I can do."),
    ];
    for (input, expected) in cases {
        let error = Command::parse(input).expect_err(input);
        assert_eq!(error.to_string(), expected, "input {input:?}");
    }
    let Err(ParseError::UnknownCommand { input, suggestions }) = Command::parse("hangp 4B") else {
        panic!("hangp is unknown");
    };
    assert_eq!(
        (input.as_str(), suggestions.first().map(String::as_str)),
        ("hangp", Some("hangup"))
    );
}
