//! Plan unit tests: every command family planned against `Snapshot` literals, no HTTP.

use std::sync::Arc;

use serde_json::{Value, json};

use super::*;
use crate::access::Role;
use crate::resolve::SkipReason;
use crate::webex::{Device, Location, LocationId, Workspace, WorkspaceLocationFields};

/// One device of the literal organisation: name, permission, online, tags.
struct Dev(&'static str, &'static str, bool, &'static [&'static str]);

fn device(workspace: &str, d: &Dev) -> Device {
    serde_json::from_value(json!({
        "id": format!("D-{}", d.0), "displayName": d.0, "workspaceId": format!("W-{workspace}"),
        "permissions": [d.1], "tags": d.3,
        "connectionStatus": if d.2 { "connected" } else { "disconnected" },
    }))
    .expect("device json")
}

fn workspace(name: &str, location: Option<&str>) -> Workspace {
    serde_json::from_value(json!({
        "id": format!("W-{name}"), "displayName": name,
        "locationId": location.map(|l| format!("L-{l}")),
    }))
    .expect("workspace json")
}

fn location(name: &str) -> Location {
    serde_json::from_value(json!({"id": format!("L-{name}"), "name": name})).expect("location json")
}

/// The demo-like organisation: 4B (a full-access codec, a navigator without access), 4B North
/// (read-only), 4C (offline), Lobby in Oslo (tagged), and an empty Sagrada in Barcelona.
fn snapshot() -> Snapshot {
    let rooms: [(&str, Option<&str>, &[Dev]); 5] = [
        (
            "4B",
            Some("HQ"),
            &[
                Dev("4B Codec", "xapi:all", true, &["pilot"]),
                Dev("4B Navigator", "none", true, &[]),
            ],
        ),
        (
            "4B North",
            Some("HQ"),
            &[Dev("4B North Bar", "xapi:readonly", true, &[])],
        ),
        (
            "4C",
            Some("HQ"),
            &[Dev("4C Desk", "xapi", false, &["pilot"])],
        ),
        (
            "Lobby",
            Some("Oslo"),
            &[Dev("Lobby Board", "xapi:all", true, &[])],
        ),
        ("Sagrada", Some("Barcelona"), &[]),
    ];
    let workspaces = rooms.iter().map(|(w, l, _)| workspace(w, *l)).collect();
    let devices = rooms
        .iter()
        .flat_map(|(w, _, ds)| ds.iter().map(|d| device(w, d)))
        .collect();
    Snapshot {
        org: Arc::new(crate::resolve::Org::new(workspaces, devices)),
        locations: Arc::new(["HQ", "Oslo", "Barcelona"].map(location).to_vec()),
        space: Space::default(),
        admin: Ok(()),
    }
}

/// The same organisation as a bot without admin access sees it: its devices only, no
/// workspace names, no locations.
fn bot_only() -> Snapshot {
    let full = snapshot();
    Snapshot {
        org: Arc::new(crate::resolve::Org::bot_only(full.org.devices.clone())),
        locations: Arc::default(),
        admin: Err(None),
        ..full
    }
}

fn actor(role: Role) -> Actor {
    Actor {
        person_id: "P-1".into(),
        email: "p@example.com".into(),
        role,
        outside_org: false,
    }
}

fn plan_as(role: Role, text: &str, snap: &Snapshot) -> Result<Plan, Refusal> {
    plan(&Command::parse(text).expect(text), snap, &actor(role))
}

fn planned(text: &str) -> Plan {
    plan_as(Role::Admin, text, &snapshot()).unwrap_or_else(|r| panic!("{text}: {r:?}"))
}

fn refused(role: Role, text: &str) -> Refusal {
    plan_as(role, text, &snapshot()).expect_err(text)
}

/// `(device name, skip)` of every targeted device.
fn targets(plan: &Plan) -> Vec<(&str, Option<SkipReason>)> {
    plan.devices
        .iter()
        .map(|t| (t.device.name.as_str(), t.skip))
        .collect()
}

/// The device names the calls go to.
fn called(plan: &Plan) -> Vec<&str> {
    plan.calls
        .iter()
        .filter_map(|c| plan.device_of(c).map(|d| d.name.as_str()))
        .collect()
}

#[test]
fn mute_on_a_read_only_room_plans_no_call_and_says_why() {
    let plan = planned("mute 4B North");
    assert!(plan.calls.is_empty());
    assert_eq!(
        targets(&plan),
        [("4B North Bar", Some(SkipReason::ReadOnly))]
    );
    assert_eq!(plan.confirm, None);
}

#[test]
fn a_device_command_calls_each_device_that_takes_commands() {
    let plan = planned("mute room 4B");
    assert_eq!(
        targets(&plan),
        [
            ("4B Codec", None),
            ("4B Navigator", Some(SkipReason::NoAccess))
        ]
    );
    assert_eq!(called(&plan), ["4B Codec"]);
    assert_eq!(
        plan.calls[0].op,
        Op::XapiCommand {
            path: "Audio.Microphones.Mute".into(),
            arguments: None
        }
    );
    assert_eq!((plan.role, plan.confirm), (Role::Operator, None));
    assert_eq!(
        (plan.text.as_str(), plan.label.as_str()),
        ("mute room 4B", "room 4B")
    );
}

#[test]
fn commands_on_several_devices_or_reboots_are_confirmed_first() {
    let all = planned("volume 40 all");
    assert_eq!(called(&all), ["4B Codec", "Lobby Board"]);
    assert_eq!(all.confirm, Some(Confirm::Bulk));
    assert!(targets(&all).contains(&("4C Desk", Some(SkipReason::Offline))));
    let reboot = planned("reboot 4B");
    assert_eq!(reboot.confirm, Some(Confirm::Disruptive));
    assert_eq!(
        reboot.calls[0].op,
        Op::XapiCommand {
            path: "SystemUnit.Boot".into(),
            arguments: Some(json!({"Action": "Restart"}))
        }
    );
    assert_eq!(
        planned("reboot 4B North").confirm,
        None,
        "nothing to reboot"
    );
}

#[test]
fn terminal_notation_plans_the_same_call_with_its_arguments() {
    let plan =
        planned("xCommand Presentation Start Layout: Equal ConnectorId: 2 ConnectorId: 3 on 4B");
    assert_eq!(
        plan.calls[0].op,
        Op::XapiCommand {
            path: "Presentation.Start".into(),
            arguments: Some(json!({"Layout": "Equal", "ConnectorId": [2, 3]}))
        }
    );
}

#[test]
fn roles_are_checked_before_anything_else() {
    assert_eq!(
        refused(Role::Viewer, "mute 4B"),
        Refusal::Role {
            verb: "mute".into(),
            needed: Role::Operator,
            have: Role::Viewer
        }
    );
    assert!(matches!(
        refused(Role::Operator, "workspace delete 4B"),
        Refusal::Role {
            needed: Role::Admin,
            ..
        }
    ));
    assert!(matches!(
        refused(Role::None, "status 4B"),
        Refusal::Role {
            needed: Role::Viewer,
            ..
        }
    ));
}

#[test]
fn a_missing_target_uses_the_space_default_or_asks_which_workspace() {
    let Refusal::Choose { options, .. } = refused(Role::Operator, "mute") else {
        panic!("expected a choice");
    };
    assert_eq!(options.len(), 5);
    assert_eq!(options[0].command, "mute room 4B");
    let mut snap = snapshot();
    snap.space.default_target = Some(Target::Room("Lobby".into()));
    let plan = plan_as(Role::Operator, "mute", &snap).expect("planned");
    assert_eq!(
        (plan.text.as_str(), called(&plan)),
        ("mute room Lobby", vec!["Lobby Board"])
    );
}

#[test]
fn ambiguous_and_unknown_names_are_refused_with_choices_or_the_closest_names() {
    let Refusal::Choose { options, .. } = refused(Role::Operator, "volume 30 4") else {
        panic!("expected a choice");
    };
    let commands: Vec<&str> = options.iter().map(|o| o.command.as_str()).collect();
    assert_eq!(
        commands,
        [
            "volume 30 room 4B",
            r#"volume 30 room "4B North""#,
            "volume 30 room 4C"
        ]
    );
    let Refusal::NotFound { kind, closest, .. } = refused(Role::Operator, "mute Lobbby") else {
        panic!("expected not found");
    };
    assert_eq!(
        (kind, closest.first().map(String::as_str)),
        ("workspace", Some("Lobby"))
    );
}

#[test]
fn status_reads_the_summary_or_the_keys_on_every_readable_online_device() {
    let summary = planned("status all");
    assert_eq!(
        called(&summary),
        ["4B Codec", "4B North Bar", "Lobby Board"]
    );
    let Op::XapiStatus { names } = &summary.calls[0].op else {
        panic!("a status read");
    };
    assert_eq!(names.len(), STATUS_SUMMARY.len());
    assert_eq!(summary.confirm, None, "reads are never confirmed");
    let keys = planned("xStatus Audio Volume on 4B");
    assert_eq!(
        keys.calls[0].op,
        Op::XapiStatus {
            names: vec!["Audio.Volume".into()]
        }
    );
}

#[test]
fn configuration_reads_and_changes_reach_offline_devices() {
    let read = planned("config Audio.DefaultVolume in 4C");
    assert_eq!(called(&read), ["4C Desk"]);
    let set = planned("config set Audio.DefaultVolume 60 in tag pilot");
    assert_eq!(called(&set), ["4B Codec", "4C Desk"]);
    assert_eq!(set.confirm, Some(Confirm::Bulk));
    assert_eq!(
        set.calls[0].op,
        Op::ConfigSet {
            key: "Audio.DefaultVolume".into(),
            value: json!(60)
        }
    );
    let reset = planned("config reset Audio.DefaultVolume in 4B");
    assert_eq!(
        reset.calls[0].op,
        Op::ConfigReset {
            key: "Audio.DefaultVolume".into()
        }
    );
    assert_eq!(
        called(&planned("config set Audio.DefaultVolume 60 in 4B North")),
        Vec::<&str>::new()
    );
}

#[test]
fn the_configuration_form_is_one_plan_with_a_call_per_key() {
    let changes = [
        ("Audio.DefaultVolume".to_owned(), "60".to_owned()),
        ("Video.Selfview.Default.Mode".to_owned(), "Off".to_owned()),
    ];
    let target = Target::Device("4B Codec".into());
    let plan =
        plan_config_form(&target, &changes, &snapshot(), &actor(Role::Operator)).expect("planned");
    assert_eq!(plan.calls.len(), 2);
    assert_eq!(plan.role, Role::Operator);
    assert_eq!(
        plan.calls[1].op,
        Op::ConfigSet {
            key: "Video.Selfview.Default.Mode".into(),
            value: Value::String("Off".into())
        }
    );
    assert!(matches!(
        plan_config_form(&target, &changes, &snapshot(), &actor(Role::Viewer)),
        Err(Refusal::Role {
            needed: Role::Operator,
            ..
        })
    ));
}

#[test]
fn tags_send_the_complete_list_and_skip_devices_already_so() {
    let plan = planned("tag tag pilot add vip");
    assert_eq!(
        plan.calls[0].op,
        Op::SetTags {
            tags: vec!["pilot".into(), "vip".into()]
        }
    );
    let again = planned("tag 4B add pilot");
    assert_eq!(
        targets(&again),
        [
            ("4B Codec", Some(SkipReason::Unchanged)),
            ("4B Navigator", Some(SkipReason::NoAccess))
        ]
    );
    assert!(again.calls.is_empty());
    let remove = planned("tag 4B remove pilot");
    assert_eq!(remove.calls[0].op, Op::SetTags { tags: vec![] });
}

#[test]
fn deletes_are_confirmed_and_name_exactly_what_goes() {
    let plan = planned("delete device lobby b");
    assert_eq!(plan.text, r#"delete device "Lobby Board""#);
    assert_eq!(
        (called(&plan), plan.confirm),
        (vec!["Lobby Board"], Some(Confirm::Disruptive))
    );
    assert_eq!(plan.calls[0].op, Op::DeleteDevice);
    let workspace = planned("workspace delete 4b north");
    assert_eq!(workspace.text, r#"workspace delete "4B North""#);
    assert_eq!(workspace.devices.len(), 1, "its devices go too");
    assert_eq!(workspace.calls[0].op, Op::DeleteWorkspace);
    assert_eq!(workspace.confirm, Some(Confirm::Disruptive));
}

#[test]
fn workspace_commands_plan_one_call_on_the_workspace() {
    let show = planned("workspace 4B");
    assert!(show.calls.is_empty());
    assert_eq!(show.devices.len(), 2);
    let edit = planned("workspace 4B capacity 8");
    assert_eq!(
        edit.calls[0].op,
        Op::UpdateWorkspace {
            changes: WorkspaceChanges {
                capacity: Some(8),
                ..WorkspaceChanges::default()
            }
        }
    );
    let mut group = snapshot();
    group.space.is_group = true;
    let code = plan_as(Role::Admin, "activate 4B", &group).expect("planned");
    assert_eq!(
        code.calls[0].op,
        Op::CreateActivationCode {
            deliver_to: Some("P-1".into())
        },
        "in a group space the code goes by direct message"
    );
    assert_eq!(
        planned("activate 4B").calls[0].op,
        Op::CreateActivationCode { deliver_to: None }
    );
}

#[test]
fn creates_find_their_location_and_forms_start_filled() {
    let plan = planned("workspace create Lab type focus capacity 4 in Oslo floor 2");
    let Op::CreateWorkspace { new } = &plan.calls[0].op else {
        panic!("a create");
    };
    assert_eq!(
        (new.name.as_str(), new.capacity, new.floor),
        ("Lab", Some(4), Some(2))
    );
    assert_eq!(new.location.as_ref().map(|l| l.name.as_str()), Some("Oslo"));
    assert!(matches!(
        refused(Role::Admin, "workspace create Lab in Osaka"),
        Refusal::NotFound {
            kind: "location",
            ..
        }
    ));
    let form = planned("workspace create capacity 6 in oslo");
    assert!(form.calls.is_empty());
    let Action::WorkspaceForm { defaults } = form.action else {
        panic!("the form");
    };
    assert_eq!(
        (defaults.capacity, defaults.location),
        (Some(6), Some("L-Oslo".into()))
    );
    let location = planned("location create Annex");
    assert_eq!(
        location.action,
        Action::LocationForm {
            name: "Annex".into()
        }
    );
}

#[test]
fn form_submits_plan_the_same_creates() {
    let details = WorkspaceDetails::default();
    let oslo = LocationId::from("L-Oslo");
    let plan = plan_workspace_submit(
        "Lab",
        &details,
        Some(&oslo),
        &snapshot(),
        &actor(Role::Admin),
    )
    .expect("planned");
    assert_eq!(plan.text, "workspace create Lab in Oslo");
    let gone = LocationId::from("L-Gone");
    assert!(matches!(
        plan_workspace_submit(
            "Lab",
            &details,
            Some(&gone),
            &snapshot(),
            &actor(Role::Admin)
        ),
        Err(Refusal::Invalid { .. })
    ));
    let fields = WorkspaceLocationFields {
        display_name: Some("Annex".into()),
        ..WorkspaceLocationFields::default()
    };
    assert!(matches!(
        plan_location_submit(&fields, &actor(Role::Operator)),
        Err(Refusal::Role {
            needed: Role::Admin,
            ..
        })
    ));
    let created = plan_location_submit(&fields, &actor(Role::Admin)).expect("planned");
    assert_eq!(created.calls[0].subject, Subject::Organisation);
}

#[test]
fn floors_are_listed_and_created_in_their_location() {
    let floors = planned("floors hq");
    assert_eq!(floors.calls[0].op, Op::ListFloors);
    assert!(matches!(&floors.calls[0].subject, Subject::Location(l) if l.name == "HQ"));
    let create = planned("floor create Oslo 3 Third");
    assert_eq!(
        create.calls[0].op,
        Op::CreateFloor {
            number: 3,
            name: Some("Third".into())
        }
    );
}

#[test]
fn use_checks_the_target_then_stores_it() {
    let set = planned("use 4b");
    assert_eq!(
        set.calls[0].op,
        Op::SetDefaultTarget {
            target: "4b".into()
        }
    );
    assert!(matches!(
        refused(Role::Operator, "use Atlantis"),
        Refusal::NotFound { .. }
    ));
    let Refusal::Choose { options, .. } = refused(Role::Operator, "use 4") else {
        panic!("a choice");
    };
    assert_eq!(options[0].command, "use room 4B");
    assert_eq!(planned("use none").calls[0].op, Op::ClearDefaultTarget);
    let mut snap = snapshot();
    snap.space.default_target = Some(Target::Room("4B".into()));
    let show = plan_as(Role::Viewer, "use", &snap).expect("planned");
    assert_eq!(
        show.action,
        Action::UseShow {
            current: Some("room 4B".into())
        }
    );
}

#[test]
fn lists_filter_the_listing_without_calls() {
    let offline = planned("devices offline");
    assert_eq!(targets(&offline), [("4C Desk", None)]);
    assert!(offline.calls.is_empty());
    let oslo = planned("devices in oslo");
    assert_eq!(targets(&oslo), [("Lobby Board", None)]);
    let Action::Devices { paging } = &oslo.action else {
        panic!("a device list");
    };
    assert_eq!((paging.total, paging.more.as_deref()), (1, None));
    let Refusal::Choose { options, .. } = refused(Role::Viewer, "devices in 4") else {
        panic!("a choice");
    };
    assert_eq!(options[0].command, "devices in 4B");
    // A misspelled place: each did-you-mean button lists the devices of the place it names.
    let Refusal::NotFound { suggestions, .. } = refused(Role::Viewer, "devices offline in Olso")
    else {
        panic!("not found");
    };
    let commands: Vec<&str> = suggestions.iter().map(|s| s.command.as_str()).collect();
    assert!(
        commands.contains(&"devices offline in Oslo"),
        "{commands:?}"
    );
    let Action::Workspaces { rows, .. } = planned("workspaces in hq").action else {
        panic!("workspaces");
    };
    assert_eq!(rows.len(), 3);
    assert_eq!(
        (rows[0].location.as_str(), rows[0].devices, rows[2].offline),
        ("HQ", 2, 1),
        "each row says where it is and how its devices are"
    );
    let Action::Locations { rows, .. } = planned("locations").action else {
        panic!("locations");
    };
    let names: Vec<(&str, usize)> = rows
        .iter()
        .map(|r| (r.name.as_str(), r.workspaces))
        .collect();
    assert_eq!(names, [("HQ", 3), ("Oslo", 1), ("Barcelona", 1)]);
}

#[test]
fn a_plan_round_trips_through_json() {
    for text in [
        "mute all",
        "config set Audio.DefaultVolume 60 in tag pilot",
        "workspace delete 4B",
    ] {
        let plan = planned(text);
        let json = serde_json::to_string(&plan).expect("serializes");
        assert_eq!(
            serde_json::from_str::<Plan>(&json).expect("deserializes"),
            plan
        );
    }
}

#[test]
fn a_recheck_leaves_out_devices_gone_or_changed_and_refuses_a_lost_role() {
    let plan = planned("mute all");
    let rooms = ["4B", "4B North", "4C", "Lobby", "Sagrada"].map(|w| workspace(w, None));
    let still = vec![
        device("4B", &Dev("4B Codec", "xapi:all", false, &[])),
        device("Lobby", &Dev("Lobby Board", "xapi:all", true, &[])),
    ];
    let mut now = snapshot();
    now.org = Arc::new(crate::resolve::Org::new(rooms.to_vec(), still));
    let checked = recheck(&plan, &now, &actor(Role::Operator)).expect("still runs");
    assert_eq!(called(&checked), ["Lobby Board"]);
    assert!(targets(&checked).contains(&("4B Codec", Some(SkipReason::Offline))));
    let gone = recheck(&planned("mute 4B"), &now, &actor(Role::Operator)).expect("rechecked");
    assert!(gone.calls.is_empty());
    let Some(reason) = gone.devices[0].skip else {
        panic!("skipped");
    };
    assert_eq!(reason, SkipReason::Offline);
    let deleted = recheck(
        &planned("delete device \"4B Navigator\""),
        &now,
        &actor(Role::Admin),
    )
    .expect("rechecked");
    assert_eq!(
        targets(&deleted),
        [("4B Navigator", Some(SkipReason::Gone))]
    );
    assert!(deleted.calls.is_empty());
    assert!(matches!(
        recheck(&plan, &now, &actor(Role::Viewer)),
        Err(Refusal::Role { .. })
    ));
}

#[test]
fn a_plan_of_a_plan_or_of_help_is_refused() {
    let plan_text = Command::Plan {
        command: Box::new(Command::parse("mute 4B").expect("parses")),
    };
    assert!(matches!(
        plan(&plan_text, &snapshot(), &actor(Role::Admin)),
        Err(Refusal::Invalid { .. })
    ));
    assert!(matches!(
        refused(Role::Viewer, "help"),
        Refusal::Invalid { .. }
    ));
}

#[test]
fn every_call_names_the_credential_that_makes_it() {
    let mute = planned("mute 4B");
    assert_eq!(mute.calls[0].op.credential(), Credential::Bot);
    let set = planned("config set Audio.DefaultVolume 60 in 4B");
    assert_eq!(set.calls[0].op.credential(), Credential::Admin);
    for text in [
        "tag 4B add vip",
        "workspace 4B capacity 8",
        "floors HQ",
        "activate 4B",
    ] {
        let plan = planned(text);
        assert!(
            plan.calls
                .iter()
                .all(|c| c.op.credential() == Credential::Admin),
            "{text}"
        );
    }
    assert_eq!(
        planned("use 4B").calls[0].op.credential(),
        Credential::Local
    );
}

#[test]
fn without_admin_access_what_needs_it_is_refused_and_the_rest_still_plans() {
    let snap = bot_only();
    for text in [
        "config set Audio.DefaultVolume 60 in 4B",
        "config Audio.DefaultVolume in 4B",
        "workspace create Lab",
        "workspaces",
        "tag 4B add vip",
        "locations",
        "delete device \"Lobby Board\"",
    ] {
        let refused = plan_as(Role::Admin, text, &snap).expect_err(text);
        assert!(
            matches!(refused, Refusal::NeedsAdmin { .. }),
            "{text}: {refused:?}"
        );
    }
    // A workspace is the devices sharing a workspaceId; its name comes from a device's.
    let mute = plan_as(Role::Operator, "mute 4B Codec", &snap).expect("planned");
    assert_eq!(
        targets(&mute),
        [
            ("4B Codec", None),
            ("4B Navigator", Some(SkipReason::NoAccess))
        ]
    );
    let Refusal::Choose { options, .. } =
        plan_as(Role::Operator, "mute 4B", &snap).expect_err("two")
    else {
        panic!("a choice between the two workspaces");
    };
    let commands: Vec<&str> = options.iter().map(|o| o.command.as_str()).collect();
    assert_eq!(
        commands,
        [r#"mute room "4B Codec""#, r#"mute room "4B North Bar""#]
    );
    assert!(plan_as(Role::Viewer, "status all", &snap).is_ok());
}

/// A fleet: `rooms` workspaces named `Hub 000`… spread over three locations, each with a
/// full-access codec (every seventh offline, every fifth reporting an error code), and Alex's
/// personal desk device tagged `vip` like every third codec.
fn fleet(rooms: usize) -> Snapshot {
    let places = ["Barcelona", "Oslo", "Tokyo"];
    let workspaces = (0..rooms)
        .map(|i| workspace(&format!("Hub {i:03}"), Some(places[i % 3])))
        .collect();
    let mut devices: Vec<Device> = (0..rooms)
        .map(|i| {
            let tags: &[&str] = if i % 3 == 0 { &["vip"] } else { &[] };
            let mut d = device(
                &format!("Hub {i:03}"),
                &Dev("codec", "xapi:all", i % 7 != 6, tags),
            );
            d.id = format!("D-{i}").into();
            d.display_name = Some(format!("Hub {i:03} Codec"));
            if i % 5 == 4 {
                d.error_codes = Some(vec!["temperaturecheck".into()]);
            }
            d
        })
        .collect();
    devices.push(
        serde_json::from_value(json!({
            "id": "D-alex", "displayName": "Alex Desk", "personId": "P-alex",
            "permissions": ["xapi:all"], "tags": ["vip"], "connectionStatus": "connected",
        }))
        .expect("device json"),
    );
    Snapshot {
        org: Arc::new(crate::resolve::Org::new(workspaces, devices)),
        locations: Arc::new(places.map(location).to_vec()),
        space: Space::default(),
        admin: Ok(()),
    }
}

fn planned_in(snap: &Snapshot, text: &str) -> Result<Plan, Refusal> {
    plan_as(Role::Admin, text, snap)
}

#[test]
fn long_lists_page_with_the_right_total_and_reach_the_last_row() {
    let snap = fleet(40);
    let first = planned_in(&snap, "workspaces").expect("planned");
    let Action::Workspaces { rows, paging, .. } = &first.action else {
        panic!("workspaces");
    };
    assert_eq!(
        (paging.total, rows.len(), paging.pages()),
        (40, WORKSPACE_PAGE, 3)
    );
    assert_eq!(rows[1].location, "Oslo");
    assert_eq!(paging.more.as_deref(), Some("workspaces page 2"));
    let last = planned_in(&snap, "workspaces page 3").expect("planned");
    let Action::Workspaces { rows, paging, .. } = &last.action else {
        panic!("workspaces");
    };
    assert_eq!(
        rows.last().map(|r| r.workspace.name.as_str()),
        Some("Hub 039")
    );
    assert_eq!((paging.range(), paging.more.clone()), (30..40, None));
    let past = planned_in(&snap, "workspaces page 99").expect("planned");
    let Action::Workspaces { paging, .. } = &past.action else {
        panic!("workspaces");
    };
    assert_eq!(paging.page, 3, "a page past the last shows the last");
    let locations = planned_in(&snap, "locations").expect("planned");
    let Action::Locations { paging, .. } = &locations.action else {
        panic!("locations");
    };
    assert_eq!((paging.total, paging.more.clone()), (3, None));
}

#[test]
fn a_device_list_pages_grouped_by_location() {
    let snap = fleet(40);
    let plan = planned_in(&snap, "devices").expect("planned");
    let Action::Devices { paging } = &plan.action else {
        panic!("devices");
    };
    assert_eq!((paging.total, plan.devices.len()), (41, DEVICE_PAGE));
    // Barcelona's rooms are 0, 3, 6 …: the first page is all Barcelona, in listing order.
    let names: Vec<&str> = plan
        .devices
        .iter()
        .map(|d| d.device.name.as_str())
        .collect();
    assert_eq!(
        &names[..3],
        ["Hub 000 Codec", "Hub 003 Codec", "Hub 006 Codec"]
    );
    let last = planned_in(&snap, "devices page 3").expect("planned");
    assert_eq!(
        last.devices.last().map(|d| d.device.name.as_str()),
        Some("Alex Desk"),
        "devices without a location come last"
    );
    let issues = planned_in(&snap, "devices issues").expect("planned");
    let Action::Devices { paging } = &issues.action else {
        panic!("devices");
    };
    assert_eq!(paging.total, 8, "every fifth codec reports an error code");
}

#[test]
fn a_picker_pages_its_candidates_with_where_each_is() {
    let snap = fleet(25);
    let Refusal::Choose {
        options, paging, ..
    } = planned_in(&snap, "mute Hub").expect_err("ambiguous")
    else {
        panic!("a choice");
    };
    assert_eq!((options.len(), paging.total), (CHOICE_PAGE, 25));
    assert_eq!(
        (options[0].label.as_str(), options[0].context.as_str()),
        ("Hub 000", "Barcelona")
    );
    assert_eq!(options[0].command, r#"mute room "Hub 000""#);
    assert_eq!(paging.more.as_deref(), Some("pick mute Hub page 2"));
    let more = Command::parse(paging.more.as_deref().unwrap()).expect("More parses");
    let Refusal::Choose {
        options, paging, ..
    } = plan(&more, &snap, &actor(Role::Operator)).expect_err("still a choice")
    else {
        panic!("a choice");
    };
    assert_eq!(
        (options[0].label.as_str(), paging.range()),
        ("Hub 010", 10..20)
    );
    let Refusal::Choose {
        options, paging, ..
    } = planned_in(&snap, "pick mute Hub page 3").expect_err("a choice")
    else {
        panic!("a choice");
    };
    assert_eq!((options.len(), paging.more), (5, None));
    let Refusal::Choose { options, .. } =
        planned_in(&snap, r#"pick mute "Hub 007""#).expect_err("never runs")
    else {
        panic!("a choice");
    };
    assert_eq!(
        options
            .iter()
            .map(|o| o.command.as_str())
            .collect::<Vec<_>>(),
        [r#"mute "Hub 007""#],
        "a name that means one thing is offered, not run"
    );
}

#[test]
fn a_misspelled_kind_word_or_name_suggests_the_command_as_meant() {
    let cases = [
        ("mute rom 4B", "mute room 4B"),
        ("mute romm 4B", "mute room 4B"),
        ("mute worksapce 4B", "mute workspace 4B"),
        ("mute devce Lobby Board", r#"mute device "Lobby Board""#),
        ("mute Lobbby", "mute room Lobby"),
        ("volume 30 in Sagrda", "volume 30 room Sagrada"),
    ];
    for (text, meant) in cases {
        let Refusal::NotFound { suggestions, .. } = refused(Role::Operator, text) else {
            panic!("{text}: not found expected");
        };
        assert_eq!(
            suggestions.first().map(|c| c.command.as_str()),
            Some(meant),
            "{text}: {suggestions:?}"
        );
    }
    let Refusal::NotFound { suggestions, .. } = refused(Role::Admin, "workspace 4X") else {
        panic!("not found");
    };
    assert!(
        suggestions.iter().any(|c| c.command == "workspace 4B"),
        "{suggestions:?}"
    );
}

#[test]
fn personal_devices_are_left_out_of_all_tags_and_locations_unless_named() {
    let snap = fleet(6);
    for text in ["mute all", "mute tag vip"] {
        let plan = planned_in(&snap, text).expect(text);
        assert!(
            targets(&plan).contains(&("Alex Desk", Some(SkipReason::Personal))),
            "{text}"
        );
        assert!(!called(&plan).contains(&"Alex Desk"), "{text}");
    }
    let named = planned_in(&snap, r#"mute device "Alex Desk""#).expect("planned");
    assert_eq!(called(&named), ["Alex Desk"]);
    let bare = planned_in(&snap, "mute Alex Desk").expect("planned");
    assert_eq!(called(&bare), ["Alex Desk"]);
}

#[test]
fn status_of_many_devices_reads_them_all_then_pages_the_detail() {
    let snap = fleet(40);
    let first = planned_in(&snap, "status all").expect("planned");
    let Action::Status {
        detail: Some(detail),
        ..
    } = &first.action
    else {
        panic!("paged detail expected: {:?}", first.action);
    };
    let readable = first.included().count();
    assert_eq!((detail.total, first.calls.len()), (readable, readable));
    assert_eq!(detail.more.as_deref(), Some("status all page 2"));
    let second = planned_in(&snap, "status all page 2").expect("planned");
    assert_eq!(
        second.calls.len(),
        STATUS_DETAIL,
        "a later page reads its own devices"
    );
    let few = planned_in(&fleet(20), "status tag vip").expect("planned");
    assert!(matches!(few.action, Action::Status { detail: None, .. }));
}

#[test]
fn touch_controllers_fold_into_their_room_and_are_addressed_when_named() {
    let mut snap = snapshot();
    let mut devices = snap.org.devices.clone();
    for d in devices
        .iter_mut()
        .filter(|d| d.display_name.as_deref() == Some("4B Navigator"))
    {
        d.product = Some("Cisco Room Navigator".into());
    }
    snap.org = Arc::new(crate::resolve::Org::new(
        snap.org.workspaces.clone(),
        devices,
    ));
    let room = plan_as(Role::Operator, "mute 4B", &snap).expect("planned");
    assert_eq!(
        targets(&room),
        [
            ("4B Codec", None),
            ("4B Navigator", Some(SkipReason::Peripheral))
        ]
    );
    assert_eq!(
        room.left_out().count(),
        0,
        "a folded controller is not left out"
    );
}

#[test]
fn workspaces_sharing_a_name_are_told_apart_by_id() {
    let twin: Workspace = serde_json::from_value(json!({
        "id": "W-Lobby-2", "displayName": "Lobby", "locationId": "L-HQ",
    }))
    .expect("workspace json");
    let mut bar = device("Lobby", &Dev("Lobby Bar", "xapi:all", true, &[]));
    bar.workspace_id = Some(twin.id.clone());
    let full = snapshot();
    let mut workspaces = full.org.workspaces.clone();
    workspaces.push(twin);
    let mut devices = full.org.devices.clone();
    devices.push(bar);
    let snap = Snapshot {
        org: Arc::new(crate::resolve::Org::new(workspaces, devices)),
        ..full
    };
    let mut muted = Vec::new();
    for asked in ["mute Lobby", "workspace Lobby"] {
        let Err(Refusal::Choose { options, .. }) = plan_as(Role::Admin, asked, &snap) else {
            panic!("{asked}: a choice");
        };
        let contexts: Vec<&str> = options.iter().map(|o| o.context.as_str()).collect();
        assert_eq!(contexts, ["Oslo", "HQ"], "{asked}: each where it is");
        // Each option reaches its own workspace: no choice asked again.
        for option in &options {
            assert_eq!(option.label, "Lobby");
            let plan = plan_as(Role::Admin, &option.command, &snap)
                .unwrap_or_else(|r| panic!("{}: {r:?}", option.command));
            if asked == "mute Lobby" {
                muted.extend(called(&plan).into_iter().map(str::to_owned));
            }
        }
    }
    assert_eq!(muted, ["Lobby Board", "Lobby Bar"]);
}

/// The literal organisation seen from a space bound to `scope`.
fn scoped_to(scope: SpaceScope) -> Snapshot {
    let mut snap = snapshot();
    snap.space.scope = Some(scope);
    snap
}

fn hq() -> SpaceScope {
    SpaceScope {
        location: Some(LocationRef {
            id: LocationId::new("L-HQ"),
            name: "HQ".into(),
        }),
        ..SpaceScope::default()
    }
}

#[test]
fn a_scoped_space_reaches_only_its_devices_and_names_what_is_outside() {
    let snap = scoped_to(hq());
    let all = plan_as(Role::Operator, "mute all", &snap).unwrap();
    let names: Vec<&str> = all.devices.iter().map(|t| t.device.name.as_str()).collect();
    assert!(
        names.contains(&"4B Codec") && !names.contains(&"Lobby Board"),
        "{names:?}"
    );
    let Err(Refusal::Invalid { message, .. }) = plan_as(Role::Operator, "mute Lobby", &snap) else {
        panic!("Lobby is outside");
    };
    assert!(
        message.contains("outside this space's scope (location HQ)"),
        "{message}"
    );
    // A name that exists nowhere is still not found.
    assert!(
        plan_as(Role::Operator, "mute Atlantis", &snap)
            .unwrap_err()
            .is_not_found()
    );
    let listed = plan_as(Role::Viewer, "workspaces", &snap).unwrap();
    let Action::Workspaces { rows, .. } = &listed.action else {
        panic!("{listed:?}");
    };
    assert!(rows.iter().all(|r| r.location == "HQ"), "{rows:?}");
    // Scope and audit commands are about the space, never cut down.
    assert!(plan_as(Role::Admin, "scope", &snap).is_ok());
}

#[test]
fn a_tag_scope_and_a_least_role_combine() {
    let snap = scoped_to(SpaceScope {
        tag: Some("PILOT".into()),
        min_role: Some(Role::Admin),
        ..hq()
    });
    // Anyone may read: a status space.
    let status = plan_as(Role::Viewer, "status all", &snap).unwrap();
    let names: Vec<&str> = status
        .devices
        .iter()
        .map(|t| t.device.name.as_str())
        .collect();
    assert_eq!(names, ["4B Codec", "4C Desk"]);
    // What acts needs the space's least role, even of an operator.
    assert!(matches!(
        plan_as(Role::Operator, "mute 4B", &snap),
        Err(Refusal::Role {
            needed: Role::Admin,
            ..
        })
    ));
    assert!(plan_as(Role::Admin, "mute 4B", &snap).is_ok());
    assert_eq!(
        snap.space.scope.as_ref().unwrap().describe(),
        "location HQ and tag PILOT; commands that act need the admin role, anyone may read"
    );
}

#[test]
fn scope_and_audit_plan_store_calls_and_audit_all_only_in_a_1to1_space() {
    let set = planned("scope HQ");
    assert_eq!(set.calls[0].op, Op::SetScope { scope: hq() });
    assert_eq!(set.calls[0].op.credential(), Credential::Local);
    assert!(matches!(
        refused(Role::Operator, "scope HQ"),
        Refusal::Role { .. }
    ));
    assert!(plan_as(Role::Viewer, "scope", &snapshot()).is_ok());
    let audit = planned("audit 5 by vera since 7d");
    let Op::ReadAudit { query } = &audit.calls[0].op else {
        panic!("{audit:?}");
    };
    assert_eq!((query.count, query.since.as_deref()), (5, Some("7d")));
    let mut group = snapshot();
    group.space.is_group = true;
    assert!(matches!(
        plan_as(Role::Admin, "audit all", &group),
        Err(Refusal::Invalid { .. })
    ));
    assert!(plan_as(Role::Admin, "audit", &group).is_ok());
}
