//! Properties of the chat language: the parser never panics (any input up to 4 KiB), whatever
//! parses survives the canonical round trip, and so does every generated `Command`.

use proptest::prelude::*;
use roombot::command::{
    Command, Connectivity, DeviceFilters, StandbyMode, StepDirection, TagAction, Target,
    WorkspaceDetails, WorkspaceType, help_overview,
};
use serde_json::{Map, Value};

const KEYWORDS: &[&str] = &[
    "in",
    "on",
    "at",
    "for",
    "from",
    "room",
    "workspace",
    "device",
    "tag",
    "location",
    "all",
    "none",
    "up",
    "down",
    "set",
    "reset",
    "create",
    "delete",
    "add",
    "remove",
    "capacity",
    "type",
    "notes",
    "floor",
    "offline",
    "online",
    "issues",
    "product",
    "mics",
    "to",
    "by",
    "Audio",
    "Video",
    "help",
    "mute",
    "xStatus",
];

/// Names a user might give: plain, keywords, numbers, several words, and arbitrary text.
fn name() -> BoxedStrategy<String> {
    prop_oneof![
        3 => "[A-Za-z][A-Za-z0-9_-]{0,8}",
        2 => prop::sample::select(KEYWORDS).prop_map(str::to_owned),
        1 => "[0-9]{1,4}",
        1 => "[0-9]{1,3}[smh]",
        2 => "[A-Za-z0-9]{1,6}( [A-Za-z0-9]{1,6}){1,3}",
        1 => "[a-z\"“”„‘’'\\\\`:= .!?-]{1,12}",
        2 => "\\PC{1,24}",
    ]
    .prop_filter("names are not blank", |name| !name.trim().is_empty())
    .boxed()
}

fn target() -> BoxedStrategy<Target> {
    prop_oneof![
        1 => Just(Target::All),
        4 => name().prop_map(Target::Bare),
        1 => name().prop_map(Target::Room),
        1 => name().prop_map(Target::Workspace),
        1 => name().prop_map(Target::Device),
        1 => name().prop_map(Target::Tag),
        1 => name().prop_map(Target::Location),
    ]
    .boxed()
}

fn opt_target() -> BoxedStrategy<Option<Target>> {
    prop::option::weighted(0.8, target()).boxed()
}

fn text(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(any::<char>(), 1..=max).prop_map(|c| c.into_iter().collect()),
        "[a-zA-Z \"“”'\\\\\n]{1,40}",
    ]
    .prop_filter("not blank", move |text: &String| {
        !text.trim().is_empty() && text.chars().count() <= max
    })
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        "[0-9]{1,3}".prop_map(Value::String),
        prop::sample::select(KEYWORDS).prop_map(|k| Value::String(k.to_owned())),
        "\\PC{0,16}".prop_map(Value::String),
    ]
}

const SEGMENTS: &[&str] = &[
    "Audio",
    "Volume",
    "Input",
    "Connectors",
    "HDMI",
    "Mute",
    "Standby",
    "State",
    "Service",
    "Name",
];

/// A key: a root and 1–3 segments, each optionally indexed (ranges and wildcards if `pattern`).
fn key(pattern: bool) -> impl Strategy<Value = String> {
    let index = if pattern {
        prop::sample::select(vec!["", "", "[1]", "[*]", "[2..3]", "[2..n]"])
    } else {
        prop::sample::select(vec!["", "", "[1]", "[12]"])
    };
    let segment = (prop::sample::select(SEGMENTS), index).prop_map(|(s, i)| format!("{s}{i}"));
    let tail = if pattern {
        prop_oneof![Just(String::new()), Just(".*".to_owned())].boxed()
    } else {
        Just(String::new()).boxed()
    };
    (
        prop::sample::select(vec!["Audio", "Video", "SystemUnit", "Standby"]),
        prop::collection::vec(segment, 1..=3),
        tail,
    )
        .prop_map(|(root, segments, tail)| format!("{root}.{}{tail}", segments.join(".")))
}

fn identifier_path() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(SEGMENTS), 1..=4).prop_map(|s| s.join("."))
}

fn arguments() -> impl Strategy<Value = Map<String, Value>> {
    let scalar = prop_oneof![
        any::<i64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String)
    ];
    prop::collection::btree_map(
        "[A-Z][A-Za-z]{0,8}",
        prop::collection::vec(scalar, 1..=3),
        0..=4,
    )
    .prop_map(|map| {
        map.into_iter()
            .map(|(name, mut values)| {
                let value = if values.len() == 1 {
                    values.remove(0)
                } else {
                    Value::Array(values)
                };
                (name, value)
            })
            .collect()
    })
}

fn details(create: bool) -> impl Strategy<Value = WorkspaceDetails> {
    let kind = prop::option::of(prop::sample::select(WorkspaceType::ALL.to_vec()));
    let place = if create {
        prop::option::of((name(), prop::option::of(any::<i32>()))).boxed()
    } else {
        Just(None).boxed()
    };
    (
        kind,
        prop::option::of(any::<u32>()),
        prop::option::of(prop_oneof![Just(String::new()), text(40)]),
        place,
    )
        .prop_map(|(kind, capacity, notes, place)| WorkspaceDetails {
            kind,
            capacity,
            notes,
            location: place.as_ref().map(|(location, _)| location.clone()),
            floor: place.and_then(|(_, floor)| floor),
        })
}

fn device_command() -> BoxedStrategy<Command> {
    let topics: Vec<String> = help_overview()
        .into_iter()
        .flat_map(|g| g.commands)
        .map(|c| c.name)
        .collect();
    prop_oneof![
        prop::option::of(prop::sample::select(topics))
            .prop_map(|topic| Command::Help { topic })
            .boxed(),
        opt_target()
            .prop_map(|target| Command::Mute { target })
            .boxed(),
        opt_target()
            .prop_map(|target| Command::Unmute { target })
            .boxed(),
        (0u8..=100, opt_target())
            .prop_map(|(level, target)| Command::Volume { level, target })
            .boxed(),
        (
            prop::sample::select(vec![StepDirection::Up, StepDirection::Down]),
            1u8..=10,
            opt_target()
        )
            .prop_map(|(direction, steps, target)| Command::VolumeStep {
                direction,
                steps,
                target
            })
            .boxed(),
        (
            prop::sample::select(vec![
                StandbyMode::Activate,
                StandbyMode::Deactivate,
                StandbyMode::Halfwake
            ]),
            opt_target()
        )
            .prop_map(|(mode, target)| Command::Standby { mode, target })
            .boxed(),
        opt_target()
            .prop_map(|target| Command::Reboot { target })
            .boxed(),
        (name(), opt_target())
            .prop_map(|(number, target)| Command::Dial { number, target })
            .boxed(),
        opt_target()
            .prop_map(|target| Command::Hangup { target })
            .boxed(),
        (text(255), prop::option::of(0u16..=3600), opt_target())
            .prop_map(|(text, duration, target)| Command::Alert {
                text,
                duration,
                target
            })
            .boxed(),
        (any::<bool>(), opt_target())
            .prop_map(|(on, target)| Command::Selfview { on, target })
            .boxed(),
    ]
    .boxed()
}

fn settings_command() -> BoxedStrategy<Command> {
    prop_oneof![
        (
            prop::collection::vec(key(true), 0..=10),
            opt_target(),
            prop::option::of(2u32..50)
        )
            .prop_map(|(keys, target, page)| Command::Status { keys, target, page })
            .boxed(),
        (key(true), opt_target())
            .prop_map(|(key, target)| Command::ConfigGet { key, target })
            .boxed(),
        (key(false), value(), opt_target())
            .prop_map(|(key, value, target)| Command::ConfigSet { key, value, target })
            .boxed(),
        (key(false), opt_target())
            .prop_map(|(key, target)| Command::ConfigReset { key, target })
            .boxed(),
        (identifier_path(), arguments(), opt_target())
            .prop_map(|(path, arguments, target)| Command::XCommand {
                path,
                arguments,
                target
            })
            .boxed(),
        (key(true), opt_target())
            .prop_map(|(path, target)| Command::XStatus { path, target })
            .boxed(),
        (key(false), prop::option::of(value()), opt_target())
            .prop_map(|(path, value, target)| Command::XConfiguration {
                path,
                value,
                target
            })
            .boxed(),
    ]
    .boxed()
}

fn fleet_command() -> BoxedStrategy<Command> {
    let connectivity = prop::option::of(prop::sample::select(vec![
        Connectivity::Online,
        Connectivity::Offline,
    ]));
    let filters = (
        connectivity,
        any::<bool>(),
        prop::option::of(name()),
        prop::option::of(name()),
        prop::option::of(name()),
        prop::option::of(2u32..50),
    )
        .prop_map(
            |(connectivity, issues, tag, product, place, page)| DeviceFilters {
                connectivity,
                issues,
                tag,
                product,
                place,
                page,
            },
        );
    prop_oneof![
        filters
            .prop_map(|filters| Command::Devices { filters })
            .boxed(),
        (prop::option::of(name()), prop::option::of(2u32..50))
            .prop_map(|(location, page)| Command::Workspaces { location, page })
            .boxed(),
        name().prop_map(|name| Command::Workspace { name }).boxed(),
        (
            name(),
            details(false).prop_filter("an edit changes something", |d| !d.is_empty())
        )
            .prop_map(|(name, changes)| Command::WorkspaceEdit { name, changes })
            .boxed(),
        (prop::option::of(name()), details(true))
            .prop_map(|(name, details)| Command::WorkspaceCreate { name, details })
            .boxed(),
        name()
            .prop_map(|name| Command::WorkspaceDelete { name })
            .boxed(),
        prop::option::of(name())
            .prop_map(|name| Command::LocationCreate { name })
            .boxed(),
        (name(), any::<i32>(), prop::option::of(name()))
            .prop_map(|(location, number, name)| Command::FloorCreate {
                location,
                number,
                name
            })
            .boxed(),
        (
            prop::sample::select(vec![TagAction::Add, TagAction::Remove]),
            name(),
            opt_target()
        )
            .prop_map(|(action, tag, target)| Command::Tag {
                action,
                tag,
                target
            })
            .boxed(),
        name()
            .prop_map(|workspace| Command::Activate { workspace })
            .boxed(),
        name()
            .prop_map(|name| Command::DeleteDevice { name })
            .boxed(),
        prop::option::of(2u32..50)
            .prop_map(|page| Command::Locations { page })
            .boxed(),
        name()
            .prop_map(|location| Command::Floors { location })
            .boxed(),
        Just(Command::UseShow).boxed(),
        Just(Command::UseClear).boxed(),
        target().prop_map(|target| Command::Use { target }).boxed(),
    ]
    .boxed()
}

fn command() -> BoxedStrategy<Command> {
    let single = || prop_oneof![device_command(), settings_command(), fleet_command()];
    prop_oneof![
        8 => single(),
        1 => (
            single().prop_filter("pick takes a command to plan", |c| !matches!(
                c,
                Command::Help { .. } | Command::Plan { .. }
            )),
            prop::option::of(2u32..50)
        )
            .prop_map(|(command, page)| Command::Pick {
            command: Box::new(command),
            page
        }),
    ]
    .boxed()
}

/// Text built from the grammar's own words, so the fuzzer reaches deep into the parsers.
fn grammar_soup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(KEYWORDS).prop_map(str::to_owned),
        prop::sample::select(vec![
            "volume",
            "status",
            "config",
            "xCommand",
            "xStatus",
            "xConfiguration",
            "alert",
            "dial",
            "call",
            "hang",
            "tag",
            "devices",
            "workspace",
            "floor",
            "use",
            "\"",
            "“",
            "'",
            "\\",
            ":",
            "=",
            "[",
            "]",
            "..",
            "*",
            "Level:",
            "Audio.Volume",
            "HDMI[1..n]",
            "60",
            "-1",
            "30s",
            "99999999999999999999",
            "`",
            "!",
            "?",
            "\u{0}",
            "\u{2028}",
            "é",
            "🙂",
        ])
        .prop_map(str::to_owned),
        "\\PC{0,6}",
    ];
    (
        prop::collection::vec(piece, 0..40),
        prop::sample::select(vec![" ", "", "  "]),
    )
        .prop_map(|(pieces, sep)| pieces.join(sep))
}

fn assert_round_trip(command: &Command) -> Result<(), TestCaseError> {
    let canonical = command.canonical();
    prop_assert_eq!(
        Command::parse(&canonical),
        Ok(command.clone()),
        "canonical text: {:?}",
        canonical
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn parser_never_panics_on_any_text(chars in prop::collection::vec(any::<char>(), 0..1024)) {
        let input: String = chars.into_iter().collect();
        prop_assert!(input.len() <= 4096);
        if let Ok(command) = Command::parse(&input) {
            assert_round_trip(&command)?;
        }
    }

    #[test]
    fn parser_never_panics_on_grammar_soup(input in grammar_soup()) {
        if let Ok(command) = Command::parse(&input) {
            assert_round_trip(&command)?;
        }
    }

    #[test]
    fn generated_commands_survive_the_canonical_round_trip(command in command()) {
        assert_round_trip(&command)?;
    }
}

#[test]
fn the_largest_input_parses_without_panicking() {
    let long = format!("alert \"{}\" 4B", "x".repeat(4080));
    assert!(long.len() <= 4096);
    assert!(
        Command::parse(&long).is_err(),
        "text over 255 characters is refused"
    );
    let words = "mute ".repeat(819);
    let _ = Command::parse(&words);
}
