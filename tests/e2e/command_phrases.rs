//! Table-driven phrase tests for the chat language: every row of the command table, its
//! variants and the tolerated spellings, plus negatives. Each failure names the input.

use roombot::command::{
    Command, Connectivity, DeviceFilters, ParseError, StandbyMode, StepDirection, TagAction,
    Target, WorkspaceDetails, WorkspaceType,
};
use serde_json::{Map, Value, json};

/// What a phrase should give.
enum Expect {
    Is(Command),
    /// `UnknownCommand` whose suggestions include this verb (empty: any suggestions).
    Unknown(&'static str),
    UnknownTopic,
    /// `MissingArgument` whose message contains this text.
    Missing(&'static str),
    /// `InvalidArgument` whose message contains this text.
    Invalid(&'static str),
    Unexpected,
    Unterminated,
    Empty,
}
use Expect::*;

fn bare(name: &str) -> Option<Target> {
    Some(Target::Bare(name.into()))
}
fn room(name: &str) -> Option<Target> {
    Some(Target::Room(name.into()))
}
fn s(text: &str) -> String {
    text.into()
}
fn args(value: Value) -> Map<String, Value> {
    value.as_object().cloned().expect("an object")
}

fn device_cases() -> Vec<(&'static str, Expect)> {
    use Command::*;
    vec![
        // microphones
        ("mute room 4B", Is(Mute { target: room("4B") })),
        ("mute 4B", Is(Mute { target: bare("4B") })),
        ("mute", Is(Mute { target: None })),
        ("unmute 4B", Is(Unmute { target: bare("4B") })),
        ("mute mics in 4B", Is(Mute { target: bare("4B") })),
        (
            "unmute microphones on room 4B",
            Is(Unmute { target: room("4B") }),
        ),
        ("MUTE 4B", Is(Mute { target: bare("4B") })),
        ("Mute   4B  ", Is(Mute { target: bare("4B") })),
        ("mute 4B!", Is(Mute { target: bare("4B") })),
        ("mute 4B.", Is(Mute { target: bare("4B") })),
        ("`mute 4B`", Is(Mute { target: bare("4B") })),
        ("```mute 4B```", Is(Mute { target: bare("4B") })),
        (
            "mute all",
            Is(Mute {
                target: Some(Target::All),
            }),
        ),
        (
            "mute all rooms",
            Is(Mute {
                target: Some(Target::All),
            }),
        ),
        (
            "mute in workspace 4B",
            Is(Mute {
                target: Some(Target::Workspace(s("4B"))),
            }),
        ),
        (
            "mute device Lobby Board",
            Is(Mute {
                target: Some(Target::Device(s("Lobby Board"))),
            }),
        ),
        (
            "mute for tag earlyAdopters",
            Is(Mute {
                target: Some(Target::Tag(s("earlyAdopters"))),
            }),
        ),
        (
            "mute at location HQ",
            Is(Mute {
                target: Some(Target::Location(s("HQ"))),
            }),
        ),
        (
            "mute \"Big Conference\"",
            Is(Mute {
                target: bare("Big Conference"),
            }),
        ),
        (
            "mute “Big Conference”",
            Is(Mute {
                target: bare("Big Conference"),
            }),
        ),
        (
            "mute ‘Big Conference’",
            Is(Mute {
                target: bare("Big Conference"),
            }),
        ),
        (
            "mute Big Conference",
            Is(Mute {
                target: bare("Big Conference"),
            }),
        ),
        (
            "mute \"room\"",
            Is(Mute {
                target: bare("room"),
            }),
        ),
        ("mute room", Missing("room name")),
        ("mute in", Missing("target")),
        ("mute room \"Big\" Conference", Invalid("quotes")),
        ("mute \"\"", Invalid("empty")),
        // volume
        (
            "volume 60 in 4B",
            Is(Volume {
                level: 60,
                target: bare("4B"),
            }),
        ),
        (
            "volume 60 4B",
            Is(Volume {
                level: 60,
                target: bare("4B"),
            }),
        ),
        (
            "volume 4B 60",
            Is(Volume {
                level: 60,
                target: bare("4B"),
            }),
        ),
        (
            "volume room 4B 60",
            Is(Volume {
                level: 60,
                target: room("4B"),
            }),
        ),
        (
            "set volume to 40 in room 4B",
            Is(Volume {
                level: 40,
                target: room("4B"),
            }),
        ),
        (
            "set volume 40",
            Is(Volume {
                level: 40,
                target: None,
            }),
        ),
        (
            "Volume 0",
            Is(Volume {
                level: 0,
                target: None,
            }),
        ),
        (
            "volume 100 all",
            Is(Volume {
                level: 100,
                target: Some(Target::All),
            }),
        ),
        (
            "volume 55% 4B",
            Is(Volume {
                level: 55,
                target: bare("4B"),
            }),
        ),
        ("volume 4B 150", Invalid("volume must be 0–100")),
        ("volume 101", Invalid("volume must be 0–100")),
        ("volume -1 4B", Invalid("volume must be 0–100")),
        ("volume 99999999999999999999999 4B", Invalid("0–100")),
        ("volume 4B", Missing("level")),
        ("volume", Missing("level")),
        ("volume loud 4B", Missing("level")),
        // volume step
        (
            "volume up 4B",
            Is(VolumeStep {
                direction: StepDirection::Up,
                steps: 1,
                target: bare("4B"),
            }),
        ),
        (
            "volume down 4B",
            Is(VolumeStep {
                direction: StepDirection::Down,
                steps: 1,
                target: bare("4B"),
            }),
        ),
        (
            "volume up 3 4B",
            Is(VolumeStep {
                direction: StepDirection::Up,
                steps: 3,
                target: bare("4B"),
            }),
        ),
        (
            "volume down by 10 in room 4B",
            Is(VolumeStep {
                direction: StepDirection::Down,
                steps: 10,
                target: room("4B"),
            }),
        ),
        (
            "volume up",
            Is(VolumeStep {
                direction: StepDirection::Up,
                steps: 1,
                target: None,
            }),
        ),
        (
            "VOLUME UP 2",
            Is(VolumeStep {
                direction: StepDirection::Up,
                steps: 2,
                target: None,
            }),
        ),
        ("volume up 11 4B", Invalid("steps must be 1–10")),
        ("volume down 0", Invalid("steps must be 1–10")),
        // standby
        (
            "standby 4B",
            Is(Standby {
                mode: StandbyMode::Activate,
                target: bare("4B"),
            }),
        ),
        (
            "sleep 4B",
            Is(Standby {
                mode: StandbyMode::Activate,
                target: bare("4B"),
            }),
        ),
        (
            "wake 4B",
            Is(Standby {
                mode: StandbyMode::Deactivate,
                target: bare("4B"),
            }),
        ),
        (
            "wake up room 4B",
            Is(Standby {
                mode: StandbyMode::Deactivate,
                target: room("4B"),
            }),
        ),
        (
            "halfwake all",
            Is(Standby {
                mode: StandbyMode::Halfwake,
                target: Some(Target::All),
            }),
        ),
        (
            "half-wake 4B",
            Is(Standby {
                mode: StandbyMode::Halfwake,
                target: bare("4B"),
            }),
        ),
        // reboot
        ("reboot 4B", Is(Reboot { target: bare("4B") })),
        (
            "restart device \"Lobby Board\"",
            Is(Reboot {
                target: Some(Target::Device(s("Lobby Board"))),
            }),
        ),
        ("reboot", Is(Reboot { target: None })),
        // calls
        (
            "dial 5551234 in 4B",
            Is(Dial {
                number: s("5551234"),
                target: bare("4B"),
            }),
        ),
        (
            "dial 5551234 4B",
            Is(Dial {
                number: s("5551234"),
                target: bare("4B"),
            }),
        ),
        (
            "call alice@example.com from 4B",
            Is(Dial {
                number: s("alice@example.com"),
                target: bare("4B"),
            }),
        ),
        (
            "call \"+1 555 1234\" from room 4B",
            Is(Dial {
                number: s("+1 555 1234"),
                target: room("4B"),
            }),
        ),
        (
            "dial 5551234",
            Is(Dial {
                number: s("5551234"),
                target: None,
            }),
        ),
        ("dial", Missing("number")),
        ("dial in 4B", Missing("number")),
        ("hangup 4B", Is(Hangup { target: bare("4B") })),
        ("hang up 4B", Is(Hangup { target: bare("4B") })),
        ("hang up", Is(Hangup { target: None })),
        ("end call", Is(Hangup { target: None })),
        ("end call in room 4B", Is(Hangup { target: room("4B") })),
        // alerts
        (
            "alert \"Lunch is ready\" in 4B",
            Is(Alert {
                text: s("Lunch is ready"),
                duration: None,
                target: bare("4B"),
            }),
        ),
        (
            "alert \"Lunch\" 4B",
            Is(Alert {
                text: s("Lunch"),
                duration: None,
                target: bare("4B"),
            }),
        ),
        (
            "alert \"Lunch\" for 30s 4B",
            Is(Alert {
                text: s("Lunch"),
                duration: Some(30),
                target: bare("4B"),
            }),
        ),
        (
            "alert \"Lunch\" for 2 minutes in 4B",
            Is(Alert {
                text: s("Lunch"),
                duration: Some(120),
                target: bare("4B"),
            }),
        ),
        (
            "alert \"Lunch\" 4B for 45 seconds",
            Is(Alert {
                text: s("Lunch"),
                duration: Some(45),
                target: bare("4B"),
            }),
        ),
        (
            "alert \"Lunch\" for tag pilot",
            Is(Alert {
                text: s("Lunch"),
                duration: None,
                target: Some(Target::Tag(s("pilot"))),
            }),
        ),
        (
            "say \"Meeting ends soon\" for 30s 4B",
            Is(Alert {
                text: s("Meeting ends soon"),
                duration: Some(30),
                target: bare("4B"),
            }),
        ),
        (
            "say hello everyone in 4B",
            Is(Alert {
                text: s("hello everyone"),
                duration: None,
                target: bare("4B"),
            }),
        ),
        (
            "alert “It’s \\\"late\\\"” 4B",
            Is(Alert {
                text: s("It’s \"late\""),
                duration: None,
                target: bare("4B"),
            }),
        ),
        (
            "alert \"Lunch\" for 0s",
            Is(Alert {
                text: s("Lunch"),
                duration: Some(0),
                target: None,
            }),
        ),
        (
            "alert \"Lunch\" for 3601s 4B",
            Invalid("duration must be 0–3600 seconds"),
        ),
        ("alert \"Lunch\" for 2h 4B", Invalid("0–3600")),
        ("alert", Missing("text")),
        ("alert \"\" 4B", Missing("text")),
        ("alert \"Lunch 4B", Unterminated),
        // selfview
        (
            "selfview on 4B",
            Is(Selfview {
                on: true,
                target: bare("4B"),
            }),
        ),
        (
            "selfview off in room 4B",
            Is(Selfview {
                on: false,
                target: room("4B"),
            }),
        ),
        (
            "selfview ON",
            Is(Selfview {
                on: true,
                target: None,
            }),
        ),
        ("selfview maybe 4B", Invalid("selfview must be on or off")),
        ("selfview", Missing("on or off")),
    ]
}

fn status_cases() -> Vec<(&'static str, Expect)> {
    use Command::*;
    let keys = |list: &[&str]| list.iter().map(|k| s(k)).collect::<Vec<_>>();
    vec![
        (
            "status 4B",
            Is(Status {
                keys: vec![],
                target: bare("4B"),
                page: None,
            }),
        ),
        (
            "status",
            Is(Status {
                keys: vec![],
                target: None,
                page: None,
            }),
        ),
        (
            "status tag vip page 2",
            Is(Status {
                keys: vec![],
                target: Some(Target::Tag(s("vip"))),
                page: Some(2),
            }),
        ),
        (
            "status Audio.Volume in 4B",
            Is(Status {
                keys: keys(&["Audio.Volume"]),
                target: bare("4B"),
                page: None,
            }),
        ),
        (
            "status Audio.Volume 4B",
            Is(Status {
                keys: keys(&["Audio.Volume"]),
                target: bare("4B"),
                page: None,
            }),
        ),
        (
            "status Audio 4B",
            Is(Status {
                keys: keys(&["Audio"]),
                target: bare("4B"),
                page: None,
            }),
        ),
        (
            "status Audio.Volume Standby.State in room 4B",
            Is(Status {
                keys: keys(&["Audio.Volume", "Standby.State"]),
                target: room("4B"),
                page: None,
            }),
        ),
        (
            "status Audio.* on 4B",
            Is(Status {
                keys: keys(&["Audio.*"]),
                target: bare("4B"),
                page: None,
            }),
        ),
        (
            "status *.Volume",
            Is(Status {
                keys: keys(&["*.Volume"]),
                target: None,
                page: None,
            }),
        ),
        (
            "status Audio.Input.Connectors.HDMI[1].Mute 4B",
            Is(Status {
                keys: keys(&["Audio.Input.Connectors.HDMI[1].Mute"]),
                target: bare("4B"),
                page: None,
            }),
        ),
        (
            "status Audio.Input.Connectors.HDMI[2..3].Mute all",
            Is(Status {
                keys: keys(&["Audio.Input.Connectors.HDMI[2..3].Mute"]),
                target: Some(Target::All),
                page: None,
            }),
        ),
        (
            "status Audio.Input.Connectors.HDMI[*].* tag pilot",
            Is(Status {
                keys: keys(&["Audio.Input.Connectors.HDMI[*].*"]),
                target: Some(Target::Tag(s("pilot"))),
                page: None,
            }),
        ),
        (
            "status \"Audio\"",
            Is(Status {
                keys: vec![],
                target: bare("Audio"),
                page: None,
            }),
        ),
        (
            "status Big Conference",
            Is(Status {
                keys: vec![],
                target: bare("Big Conference"),
                page: None,
            }),
        ),
        (
            "status A.a B.b C.c D.d E.e F.f G.g H.h I.i J.j in 4B",
            Is(Status {
                keys: keys(&[
                    "A.a", "B.b", "C.c", "D.d", "E.e", "F.f", "G.g", "H.h", "I.i", "J.j",
                ]),
                target: bare("4B"),
                page: None,
            }),
        ),
        (
            "status A.a B.b C.c D.d E.e F.f G.g H.h I.i J.j K.k in 4B",
            Invalid("at most 10 keys"),
        ),
        ("status Lobby in 4B", Invalid("not a status key")),
        ("status Audio[x] in 4B", Invalid("not a status key")),
        // configuration
        (
            "config Audio.DefaultVolume in 4B",
            Is(ConfigGet {
                key: s("Audio.DefaultVolume"),
                target: bare("4B"),
            }),
        ),
        (
            "config Audio.Ultrasound.* 4B",
            Is(ConfigGet {
                key: s("Audio.Ultrasound.*"),
                target: bare("4B"),
            }),
        ),
        (
            "configuration FacilityService.Service[1..3].Name",
            Is(ConfigGet {
                key: s("FacilityService.Service[1..3].Name"),
                target: None,
            }),
        ),
        (
            "config FacilityService.Service[2..n].Name 4B",
            Is(ConfigGet {
                key: s("FacilityService.Service[2..n].Name"),
                target: bare("4B"),
            }),
        ),
        (
            "config set Audio.DefaultVolume 60 in 4B",
            Is(ConfigSet {
                key: s("Audio.DefaultVolume"),
                value: json!(60),
                target: bare("4B"),
            }),
        ),
        (
            "config set Video.Selfview.Default.Mode Off",
            Is(ConfigSet {
                key: s("Video.Selfview.Default.Mode"),
                value: json!("Off"),
                target: None,
            }),
        ),
        (
            "config set SystemUnit.Name \"Big Room\" room 4B",
            Is(ConfigSet {
                key: s("SystemUnit.Name"),
                value: json!("Big Room"),
                target: room("4B"),
            }),
        ),
        (
            "config set Audio.DefaultVolume \"60\" 4B",
            Is(ConfigSet {
                key: s("Audio.DefaultVolume"),
                value: json!("60"),
                target: bare("4B"),
            }),
        ),
        (
            "config Audio.DefaultVolume = 60 in 4B",
            Is(ConfigSet {
                key: s("Audio.DefaultVolume"),
                value: json!(60),
                target: bare("4B"),
            }),
        ),
        (
            "config Audio.DefaultVolume=60 4B",
            Is(ConfigSet {
                key: s("Audio.DefaultVolume"),
                value: json!(60),
                target: bare("4B"),
            }),
        ),
        (
            "config set Audio.DefaultVolume to 60",
            Is(ConfigSet {
                key: s("Audio.DefaultVolume"),
                value: json!(60),
                target: None,
            }),
        ),
        (
            "config reset Audio.DefaultVolume in 4B",
            Is(ConfigReset {
                key: s("Audio.DefaultVolume"),
                target: bare("4B"),
            }),
        ),
        ("config", Missing("configuration key")),
        ("config set Audio.DefaultVolume", Missing("value")),
        ("config set Audio.* 60", Invalid("one exact key")),
        (
            "config reset Audio.Input[1..2].Mode",
            Invalid("one exact key"),
        ),
        ("config Audio-Volume 4B", Invalid("not a configuration key")),
        (
            "config \"Audio.DefaultVolume\" 4B",
            Invalid("not a configuration key"),
        ),
    ]
}

fn terminal_cases() -> Vec<(&'static str, Expect)> {
    use Command::*;
    vec![
        (
            "xCommand Presentation Start Layout: Equal ConnectorId: 2 ConnectorId: 3 SendingMode: LocalRemote on 4B",
            Is(XCommand {
                path: s("Presentation.Start"),
                arguments: args(
                    json!({"Layout": "Equal", "ConnectorId": [2, 3], "SendingMode": "LocalRemote"}),
                ),
                target: bare("4B"),
            }),
        ),
        (
            "xCommand Time DateTime Get",
            Is(XCommand {
                path: s("Time.DateTime.Get"),
                arguments: Map::new(),
                target: None,
            }),
        ),
        (
            "xcommand Audio.Volume.Set Level:60 in room 4B",
            Is(XCommand {
                path: s("Audio.Volume.Set"),
                arguments: args(json!({"Level": 60})),
                target: room("4B"),
            }),
        ),
        (
            "XCOMMAND Dial Number: \"alice@example.com\" on 4B",
            Is(XCommand {
                path: s("Dial"),
                arguments: args(json!({"Number": "alice@example.com"})),
                target: bare("4B"),
            }),
        ),
        (
            "xCommand UserInterface Message Alert Display Text: \"Hello there\" Duration: 10",
            Is(XCommand {
                path: s("UserInterface.Message.Alert.Display"),
                arguments: args(json!({"Text": "Hello there", "Duration": 10})),
                target: None,
            }),
        ),
        (
            "xCommand Video Selfview Set Mode: On on 4B",
            Is(XCommand {
                path: s("Video.Selfview.Set"),
                arguments: args(json!({"Mode": "On"})),
                target: bare("4B"),
            }),
        ),
        (
            "xCommand Dial Number:\"123 456\"",
            Is(XCommand {
                path: s("Dial"),
                arguments: args(json!({"Number": "123 456"})),
                target: None,
            }),
        ),
        ("xCommand", Missing("path")),
        ("xCommand Audio Volume Set Level:", Missing("value")),
        (
            "xCommand Audio Volume Set Level: 50 loud",
            Invalid("Name: value"),
        ),
        ("xCommand Audio Volume-Set", Invalid("path segment")),
        (
            "xStatus Audio Volume on 4B",
            Is(XStatus {
                path: s("Audio.Volume"),
                target: bare("4B"),
            }),
        ),
        (
            "xstatus Audio.Volume",
            Is(XStatus {
                path: s("Audio.Volume"),
                target: None,
            }),
        ),
        (
            "xStatus Audio Input Connectors HDMI 1 Mute in room 4B",
            Is(XStatus {
                path: s("Audio.Input.Connectors.HDMI[1].Mute"),
                target: room("4B"),
            }),
        ),
        (
            "xStatus Audio.Input.Connectors.HDMI[2..3].Mute",
            Is(XStatus {
                path: s("Audio.Input.Connectors.HDMI[2..3].Mute"),
                target: None,
            }),
        ),
        ("xStatus Audio.Volume: 3", Invalid("takes no value")),
        (
            "xConfiguration Audio DefaultVolume: 60 on 4B",
            Is(XConfiguration {
                path: s("Audio.DefaultVolume"),
                value: Some(json!(60)),
                target: bare("4B"),
            }),
        ),
        (
            "xconfig Audio.DefaultVolume:60",
            Is(XConfiguration {
                path: s("Audio.DefaultVolume"),
                value: Some(json!(60)),
                target: None,
            }),
        ),
        (
            "xConfiguration SystemUnit Name: \"Big Room\" on 4B",
            Is(XConfiguration {
                path: s("SystemUnit.Name"),
                value: Some(json!("Big Room")),
                target: bare("4B"),
            }),
        ),
        (
            "xConfiguration SystemUnit Name: Big Room on 4B",
            Is(XConfiguration {
                path: s("SystemUnit.Name"),
                value: Some(json!("Big Room")),
                target: bare("4B"),
            }),
        ),
        (
            "xConfiguration Video Selfview Default Mode: On on 4B",
            Is(XConfiguration {
                path: s("Video.Selfview.Default.Mode"),
                value: Some(json!("On")),
                target: bare("4B"),
            }),
        ),
        (
            "xConfiguration FacilityService Service 1 Name: Help",
            Is(XConfiguration {
                path: s("FacilityService.Service[1].Name"),
                value: Some(json!("Help")),
                target: None,
            }),
        ),
        (
            "xConfiguration Audio DefaultVolume on 4B",
            Is(XConfiguration {
                path: s("Audio.DefaultVolume"),
                value: None,
                target: bare("4B"),
            }),
        ),
        ("xConfiguration Audio DefaultVolume:", Missing("value")),
        ("xconfiguration", Missing("path")),
    ]
}

fn fleet_cases() -> Vec<(&'static str, Expect)> {
    use Command::*;
    let filters = |f: DeviceFilters| Is(Devices { filters: f });
    vec![
        ("devices", filters(DeviceFilters::default())),
        (
            "devices offline",
            filters(DeviceFilters {
                connectivity: Some(Connectivity::Offline),
                ..Default::default()
            }),
        ),
        (
            "devices online",
            filters(DeviceFilters {
                connectivity: Some(Connectivity::Online),
                ..Default::default()
            }),
        ),
        (
            "devices issues",
            filters(DeviceFilters {
                issues: true,
                ..Default::default()
            }),
        ),
        (
            "devices tag pilot",
            filters(DeviceFilters {
                tag: Some(s("pilot")),
                ..Default::default()
            }),
        ),
        (
            "devices product Room Kit Pro",
            filters(DeviceFilters {
                product: Some(s("Room Kit Pro")),
                ..Default::default()
            }),
        ),
        (
            "devices in HQ",
            filters(DeviceFilters {
                place: Some(s("HQ")),
                ..Default::default()
            }),
        ),
        (
            "devices offline issues product \"Room Kit\" tag pilot in Big Building",
            filters(DeviceFilters {
                connectivity: Some(Connectivity::Offline),
                issues: true,
                tag: Some(s("pilot")),
                product: Some(s("Room Kit")),
                place: Some(s("Big Building")),
                page: None,
            }),
        ),
        (
            "devices issues page 2",
            filters(DeviceFilters {
                issues: true,
                page: Some(2),
                ..Default::default()
            }),
        ),
        (
            "devices online offline",
            Invalid("either online or offline"),
        ),
        ("devices broken", Invalid("not a devices filter")),
        ("devices tag", Missing("tag")),
        ("devices tag a tag b", Invalid("only one tag")),
        (
            "workspaces",
            Is(Workspaces {
                location: None,
                page: None,
            }),
        ),
        (
            "workspaces in HQ",
            Is(Workspaces {
                location: Some(s("HQ")),
                page: None,
            }),
        ),
        (
            "workspaces Main Building",
            Is(Workspaces {
                location: Some(s("Main Building")),
                page: None,
            }),
        ),
        (
            "workspaces in HQ page 3",
            Is(Workspaces {
                location: Some(s("HQ")),
                page: Some(3),
            }),
        ),
        ("workspaces page 0", Invalid("page must be")),
        ("locations page 2", Is(Locations { page: Some(2) })),
        ("workspace 4B", Is(Workspace { name: s("4B") })),
        ("info 4B", Is(Workspace { name: s("4B") })),
        (
            "workspace Big Conference",
            Is(Workspace {
                name: s("Big Conference"),
            }),
        ),
        ("workspace", Missing("workspace name")),
        (
            "workspace Big Conference capacity 12",
            Is(WorkspaceEdit {
                name: s("Big Conference"),
                changes: WorkspaceDetails {
                    capacity: Some(12),
                    ..Default::default()
                },
            }),
        ),
        (
            "workspace 4B type meetingRoom",
            Is(WorkspaceEdit {
                name: s("4B"),
                changes: WorkspaceDetails {
                    kind: Some(WorkspaceType::MeetingRoom),
                    ..Default::default()
                },
            }),
        ),
        (
            "workspace 4B type MEETINGROOM",
            Is(WorkspaceEdit {
                name: s("4B"),
                changes: WorkspaceDetails {
                    kind: Some(WorkspaceType::MeetingRoom),
                    ..Default::default()
                },
            }),
        ),
        (
            "workspace 4B notes \"Projector is broken\"",
            Is(WorkspaceEdit {
                name: s("4B"),
                changes: WorkspaceDetails {
                    notes: Some(s("Projector is broken")),
                    ..Default::default()
                },
            }),
        ),
        (
            "workspace 4B capacity 8 type huddle",
            Is(WorkspaceEdit {
                name: s("4B"),
                changes: WorkspaceDetails {
                    capacity: Some(8),
                    kind: Some(WorkspaceType::Huddle),
                    ..Default::default()
                },
            }),
        ),
        (
            "workspace \"Big Conference\" capacity 0",
            Is(WorkspaceEdit {
                name: s("Big Conference"),
                changes: WorkspaceDetails {
                    capacity: Some(0),
                    ..Default::default()
                },
            }),
        ),
        (
            "workspace 4B capacity -1",
            Invalid("capacity must be a whole number, 0 or more"),
        ),
        (
            "workspace 4B capacity lots",
            Invalid("capacity must be a whole number"),
        ),
        (
            "workspace 4B type kitchen",
            Invalid("notSet, focus, huddle, meetingRoom, open, desk, other"),
        ),
        ("workspace 4B capacity 3 capacity 4", Invalid("given twice")),
        ("workspace 4B capacity", Missing("capacity")),
        (
            "workspace create \"Big Conference\" type meetingRoom capacity 12 in HQ floor 2",
            Is(WorkspaceCreate {
                name: Some(s("Big Conference")),
                details: WorkspaceDetails {
                    kind: Some(WorkspaceType::MeetingRoom),
                    capacity: Some(12),
                    location: Some(s("HQ")),
                    floor: Some(2),
                    notes: None,
                },
            }),
        ),
        (
            "workspace create Big Conference in Main Building floor -1",
            Is(WorkspaceCreate {
                name: Some(s("Big Conference")),
                details: WorkspaceDetails {
                    location: Some(s("Main Building")),
                    floor: Some(-1),
                    ..Default::default()
                },
            }),
        ),
        (
            "workspace create 4B",
            Is(WorkspaceCreate {
                name: Some(s("4B")),
                details: WorkspaceDetails::default(),
            }),
        ),
        (
            "workspace create",
            Is(WorkspaceCreate {
                name: None,
                details: WorkspaceDetails::default(),
            }),
        ),
        (
            "workspace create 4B floor 2",
            Invalid("a floor needs its location"),
        ),
        ("workspace delete 4B", Is(WorkspaceDelete { name: s("4B") })),
        (
            "delete workspace Big Conference",
            Is(WorkspaceDelete {
                name: s("Big Conference"),
            }),
        ),
        ("workspace delete", Missing("workspace name")),
        (
            "location create HQ",
            Is(LocationCreate {
                name: Some(s("HQ")),
            }),
        ),
        ("location create", Is(LocationCreate { name: None })),
        (
            "floor create HQ 2 Second floor",
            Is(FloorCreate {
                location: s("HQ"),
                number: 2,
                name: Some(s("Second floor")),
            }),
        ),
        (
            "floor create Main Building 0",
            Is(FloorCreate {
                location: s("Main Building"),
                number: 0,
                name: None,
            }),
        ),
        (
            "floor create \"Building 7\" -1 Basement",
            Is(FloorCreate {
                location: s("Building 7"),
                number: -1,
                name: Some(s("Basement")),
            }),
        ),
        ("floor create HQ", Missing("floor number")),
        ("floor create 3", Missing("location name")),
        (
            "tag 4B add earlyAdopters",
            Is(Tag {
                action: TagAction::Add,
                tag: s("earlyAdopters"),
                target: bare("4B"),
            }),
        ),
        (
            "tag device \"Lobby Board\" remove pilot",
            Is(Tag {
                action: TagAction::Remove,
                tag: s("pilot"),
                target: Some(Target::Device(s("Lobby Board"))),
            }),
        ),
        (
            "tag tag pilot add wave2",
            Is(Tag {
                action: TagAction::Add,
                tag: s("wave2"),
                target: Some(Target::Tag(s("pilot"))),
            }),
        ),
        (
            "tag add pilot",
            Is(Tag {
                action: TagAction::Add,
                tag: s("pilot"),
                target: None,
            }),
        ),
        ("tag 4B", Missing("add <tag>")),
        ("tag 4B add", Missing("a tag")),
        ("activate 4B", Is(Activate { workspace: s("4B") })),
        (
            "activate workspace Big Conference",
            Is(Activate {
                workspace: s("Big Conference"),
            }),
        ),
        ("activate", Missing("workspace name")),
        (
            "delete device \"Lobby Board\"",
            Is(DeleteDevice {
                name: s("Lobby Board"),
            }),
        ),
        ("delete device", Missing("device name")),
        ("delete 4B", Unknown("delete device")),
        ("locations", Is(Locations { page: None })),
        (
            "pick mute Barcelona page 2",
            Is(Pick {
                command: Box::new(Mute {
                    target: bare("Barcelona"),
                }),
                page: Some(2),
            }),
        ),
        ("pick", Missing("command")),
        ("pick help", Invalid("nothing to pick")),
        ("locations please", Unexpected),
        ("floors HQ", Is(Floors { location: s("HQ") })),
        (
            "floors in Main Building",
            Is(Floors {
                location: s("Main Building"),
            }),
        ),
        ("floors", Missing("location name")),
        (
            "use room 4B",
            Is(Use {
                target: Target::Room(s("4B")),
            }),
        ),
        (
            "use 4B",
            Is(Use {
                target: Target::Bare(s("4B")),
            }),
        ),
        ("use", Is(UseShow)),
        ("use none", Is(UseClear)),
        (
            "use \"none\"",
            Is(Use {
                target: Target::Bare(s("none")),
            }),
        ),
    ]
}

fn general_cases() -> Vec<(&'static str, Expect)> {
    use Command::*;
    vec![
        ("help", Is(Help { topic: None })),
        ("?", Is(Help { topic: None })),
        ("commands", Is(Help { topic: None })),
        ("HELP!", Is(Help { topic: None })),
        ("help?", Is(Help { topic: None })),
        (
            "help volume",
            Is(Help {
                topic: Some(s("volume")),
            }),
        ),
        (
            "help unmute",
            Is(Help {
                topic: Some(s("mute")),
            }),
        ),
        (
            "help hang up",
            Is(Help {
                topic: Some(s("dial")),
            }),
        ),
        (
            "help xStatus",
            Is(Help {
                topic: Some(s("xcommand")),
            }),
        ),
        (
            "help volume up",
            Is(Help {
                topic: Some(s("volume up")),
            }),
        ),
        (
            "help Terminal notation",
            Is(Help {
                topic: Some(s("xcommand")),
            }),
        ),
        ("help bananas", UnknownTopic),
        ("", Empty),
        ("   ", Empty),
        ("``", Empty),
        ("!!!", Empty),
        ("mte 4B", Unknown("mute")),
        ("volumme 50 4B", Unknown("volume")),
        ("statsu 4B", Unknown("status")),
        ("rebot 4B", Unknown("reboot")),
        ("xcomand Audio Volume Set", Unknown("xcommand")),
        // A word close to no command is a bare target: its status.
        (
            "bananas",
            Is(Status {
                keys: vec![],
                target: bare("bananas"),
                page: None,
            }),
        ),
        ("\"mute\" 4B", Unknown("")),
        ("mute \"4B", Unterminated),
        ("report offline", Unknown("")),
        (
            "audit on room 4B since 7d",
            Is(Audit {
                filter: roombot::command::AuditFilter {
                    on: Some("4B".into()),
                    since: Some(roombot::command::Since::Days(7)),
                    ..Default::default()
                },
            }),
        ),
        (
            "4",
            Is(Status {
                keys: vec![],
                target: bare("4"),
                page: None,
            }),
        ),
        (
            "Audio.Volume in 4B",
            Is(Status {
                keys: vec![s("Audio.Volume")],
                target: bare("4B"),
                page: None,
            }),
        ),
        (
            "mute Bob’s Room",
            Is(Mute {
                target: bare("Bob’s Room"),
            }),
        ),
        ("mute\t4B\n", Is(Mute { target: bare("4B") })),
        (
            "Volume 60 IN ROOM 4B",
            Is(Volume {
                level: 60,
                target: room("4B"),
            }),
        ),
        (
            "mute “Big Conference”!",
            Is(Mute {
                target: bare("Big Conference"),
            }),
        ),
        (
            "`status Audio.Volume in 4B`",
            Is(Status {
                keys: vec![s("Audio.Volume")],
                target: bare("4B"),
                page: None,
            }),
        ),
    ]
}

#[test]
fn phrases_parse_into_commands() {
    let cases: Vec<_> = [
        device_cases(),
        status_cases(),
        terminal_cases(),
        fleet_cases(),
        general_cases(),
    ]
    .into_iter()
    .flatten()
    .collect();
    assert!(cases.len() >= 150, "only {} phrases", cases.len());
    let mut failures = Vec::new();
    for (input, expected) in &cases {
        if let Some(problem) = check(input, expected) {
            failures.push(format!("input {input:?}: {problem}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} phrases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// `None` if `input` parses as `expected`, else what went wrong.
fn check(input: &str, expected: &Expect) -> Option<String> {
    let actual = Command::parse(input);
    let message = actual
        .as_ref()
        .err()
        .map(ToString::to_string)
        .unwrap_or_default();
    let ok = match (expected, &actual) {
        (Is(command), Ok(parsed)) => command == parsed,
        (Unknown(verb), Err(ParseError::UnknownCommand { suggestions, .. })) => {
            verb.is_empty() || suggestions.iter().any(|s| s == verb)
        }
        (UnknownTopic, Err(ParseError::UnknownHelpTopic { .. })) => true,
        (Missing(text), Err(ParseError::MissingArgument { .. })) => message.contains(text),
        (Invalid(text), Err(ParseError::InvalidArgument { .. })) => message.contains(text),
        (Unexpected, Err(ParseError::UnexpectedText { .. })) => true,
        (Unterminated, Err(ParseError::UnterminatedQuote)) => true,
        (Empty, Err(ParseError::Empty)) => true,
        _ => false,
    };
    if ok {
        // Whatever parses must survive the canonical round trip too.
        if let Ok(command) = &actual {
            let canonical = command.canonical();
            if Command::parse(&canonical).as_ref() != Ok(command) {
                return Some(format!(
                    "canonical {canonical:?} does not parse back to {command:?}"
                ));
            }
        }
        return None;
    }
    Some(format!("got {actual:?} ({message})"))
}

#[test]
fn every_table_example_parses() {
    for group in roombot::command::help_overview() {
        for summary in group.commands {
            let entry = roombot::command::help_for(&summary.name).expect("entry for every summary");
            for example in &entry.examples {
                assert!(
                    Command::parse(example).is_ok(),
                    "example {example:?} of {}: {:?}",
                    entry.name,
                    Command::parse(example)
                );
            }
        }
    }
}
