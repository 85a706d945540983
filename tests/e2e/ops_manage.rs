//! Managing the organisation end to end: workspaces (list, info, create, edit keeping every
//! field, delete with confirmation), locations and floors, tags, activation codes, device
//! deletion, the space's default target, and access refusals.

use crate::ops_support;
use crate::support;

use ops_support::{calls, device_id, spawn_editing_bot, summary, text};
use roombot::sandbox::Role;
use serde_json::json;
use support::{button_commands, spawn_bot};

/// Bot calls other than reading the message, posting the reply and looking up people.
fn webex_work(bot: &support::TestBot) -> Vec<String> {
    summary(bot)
        .into_iter()
        .filter(|c| !c.contains("/messages") && !c.contains("/people"))
        .collect()
}

#[tokio::test]
async fn workspaces_are_listed_with_a_button_each_and_by_location() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Viewer, "workspaces").await;
    let commands = button_commands(&reply);
    assert_eq!(commands.len(), 15, "{commands:?}");
    assert!(
        commands.contains(&r#"workspace "4B North""#.to_owned()),
        "{commands:?}"
    );
    assert!(text(&reply).contains("15 workspaces"), "{}", text(&reply));
    let reply = bot.say(Role::Viewer, "workspaces in Oslo").await;
    let mut commands = button_commands(&reply);
    commands.sort();
    assert_eq!(
        commands,
        [
            r#"workspace "Hot Desk 1""#,
            r#"workspace "Oslo Lab""#,
            "workspace Fjord",
            "workspace Nordlys",
        ]
    );
}

#[tokio::test]
async fn workspace_info_shows_details_and_devices() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Viewer, "workspace 4B").await;
    let said = text(&reply);
    for expected in [
        "Meeting room",
        "8 people",
        "Barcelona",
        "Microsoft calendar",
        "Ops team room",
        "4B Room Kit Pro",
        "4B Navigator",
    ] {
        assert!(said.contains(expected), "{expected} missing: {said}");
    }
}

#[tokio::test]
async fn a_capacity_edit_keeps_notes_calendar_and_calling() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Admin, "workspace 4B capacity 10").await;
    let puts = calls(&bot, "PUT", "workspaces/");
    assert_eq!(puts.len(), 1, "{:?}", summary(&bot));
    assert_eq!(calls(&bot, "GET", "workspaces/").len(), 1, "GET before PUT");
    let body = puts[0].body.clone().expect("PUT body");
    assert_eq!(body["capacity"], json!(10));
    assert_eq!(body["notes"], json!("Ops team room"));
    assert_eq!(body["calendar"]["type"], json!("microsoft"));
    assert!(body["calling"].is_object(), "{body}");
    assert_eq!(body["type"], json!("meetingRoom"));
    assert!(text(&reply).contains("10"), "{}", text(&reply));
}

#[tokio::test]
async fn a_workspace_is_created_in_a_location_and_floor_and_found_at_once() {
    let bot = spawn_bot().await;
    bot.say(Role::Viewer, "workspaces").await;
    let reply = bot
        .say(
            Role::Admin,
            r#"workspace create "Room 5" type meetingRoom capacity 6 in Barcelona floor 4"#,
        )
        .await;
    let posts = calls(&bot, "POST", "workspaces");
    assert_eq!(posts.len(), 1, "{:?}", summary(&bot));
    let body = posts[0].body.clone().unwrap();
    assert_eq!(body["displayName"], "Room 5");
    assert_eq!(body["capacity"], 6);
    assert!(
        body["locationId"].is_string() && body["floorId"].is_string(),
        "{body}"
    );
    assert!(text(&reply).contains("Room 5"), "{}", text(&reply));
    let info = bot.say(Role::Viewer, "workspace Room 5").await;
    assert!(text(&info).contains("No devices"), "{}", text(&info));
}

#[tokio::test]
async fn a_workspace_delete_is_confirmed_and_names_its_devices() {
    let bot = spawn_editing_bot().await;
    let card = bot.say(Role::Admin, "workspace delete 4C").await;
    assert!(text(&card).contains("4C Desk Pro"), "{}", text(&card));
    assert!(calls(&bot, "DELETE", "workspaces").is_empty());
    let done = bot.click(Role::Admin, &card, "Confirm").await;
    assert_eq!(
        calls(&bot, "DELETE", "workspaces/").len(),
        1,
        "{:?}",
        summary(&bot)
    );
    assert!(text(&done).contains("Deleted workspace"), "{}", text(&done));
    let names: Vec<String> = bot
        .sandbox
        .org()
        .workspace_snapshots()
        .into_iter()
        .map(|w| w.display_name)
        .collect();
    assert!(!names.contains(&"4C".to_owned()));
    let after = bot.say(Role::Viewer, "status 4C").await;
    assert!(
        text(&after).contains("no workspace named"),
        "{}",
        text(&after)
    );
}

#[tokio::test]
async fn locations_and_floors_are_listed_and_floors_created() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Viewer, "locations").await;
    let mut commands = button_commands(&reply);
    commands.sort();
    assert_eq!(
        commands,
        [
            r#"workspaces in "San Jose""#,
            "workspaces in Barcelona",
            "workspaces in Oslo",
        ]
    );
    let reply = bot.say(Role::Viewer, "floors Barcelona").await;
    assert!(
        text(&reply).contains("Floor 2") && text(&reply).contains("Floor 4"),
        "{}",
        text(&reply)
    );
    bot.say(Role::Admin, r#"floor create Oslo 5 "Fifth floor""#)
        .await;
    let posts = calls(&bot, "POST", "locations/");
    assert_eq!(posts.len(), 1, "{:?}", summary(&bot));
    assert_eq!(posts[0].body.clone().unwrap()["floorNumber"], 5);
    let reply = bot.say(Role::Viewer, "floors Oslo").await;
    assert!(text(&reply).contains("Fifth floor"), "{}", text(&reply));
}

#[tokio::test]
async fn tags_are_added_and_removed_by_sending_the_full_list() {
    let bot = spawn_bot().await;
    let kit = device_id(&bot, "4B Room Kit Pro");
    bot.say(Role::Operator, "tag 4B add lobby").await;
    let patches = calls(&bot, "PATCH", "devices/");
    assert_eq!(
        patches.len(),
        1,
        "only the shared device: {:?}",
        summary(&bot)
    );
    assert!(patches[0].path.ends_with(&kit));
    assert_eq!(
        patches[0].body,
        Some(
            json!([{"op": "replace", "path": "tags", "value": ["earlyAdopters", "barcelona", "lobby"]}])
        )
    );
    bot.sandbox.clear_requests();
    bot.say(
        Role::Operator,
        r#"tag device "4B Room Kit Pro" remove barcelona"#,
    )
    .await;
    let patches = calls(&bot, "PATCH", "devices/");
    assert_eq!(
        patches[0].body.clone().unwrap()[0]["value"],
        json!(["earlyAdopters", "lobby"])
    );
    let tags = bot.sandbox.org().device_snapshot(&kit).unwrap().tags;
    assert_eq!(tags, ["earlyAdopters", "lobby"]);
}

#[tokio::test]
async fn an_activation_code_goes_to_the_requester_directly_never_into_the_group() {
    let bot = spawn_bot().await;
    let reply = bot.say_in_ops(Role::Admin, "activate 4C").await;
    assert!(text(&reply).contains("direct message"), "{}", text(&reply));
    assert_eq!(calls(&bot, "POST", "devices/activationCode").len(), 1);
    let ops_room = bot.sandbox.ops_room();
    let leaked = bot.sandbox.messages(&ops_room).iter().any(|m| {
        m.markdown
            .as_deref()
            .unwrap_or_default()
            .contains("Activation code")
    });
    assert!(!leaked, "the code never goes into the group room");
    let direct = bot.direct_room(Role::Admin);
    let dm = bot.sandbox.messages(&direct).into_iter().find(|m| {
        m.markdown
            .as_deref()
            .unwrap_or_default()
            .contains("Activation code for **4C**")
    });
    assert!(dm.is_some(), "the code arrives in the admin's 1:1 space");
}

#[tokio::test]
async fn a_device_delete_is_confirmed_first() {
    let bot = spawn_editing_bot().await;
    let desk = device_id(&bot, "4C Desk Pro");
    let card = bot.say(Role::Admin, r#"delete device "4C Desk Pro""#).await;
    assert!(calls(&bot, "DELETE", "devices").is_empty());
    bot.click(Role::Admin, &card, "Confirm").await;
    let deletes = calls(&bot, "DELETE", "devices/");
    assert_eq!(deletes.len(), 1);
    assert!(deletes[0].path.ends_with(&desk));
    assert!(bot.sandbox.org().device_snapshot(&desk).is_none());
}

#[tokio::test]
async fn use_sets_the_default_target_and_commands_without_one_go_there() {
    let bot = spawn_bot().await;
    let picker = bot.say(Role::Operator, "mute").await;
    assert!(
        button_commands(&picker).contains(&"mute room 4B".to_owned()),
        "{}",
        text(&picker)
    );
    assert!(calls(&bot, "POST", "xapi").is_empty());
    bot.say(Role::Operator, "use 4C").await;
    let shown = bot.say(Role::Viewer, "use").await;
    // The viewer's 1:1 space has no default; the operator's has.
    assert!(text(&shown).contains("No default"), "{}", text(&shown));
    bot.say(Role::Operator, "mute").await;
    let desk = device_id(&bot, "4C Desk Pro");
    assert_eq!(
        bot.sandbox
            .org()
            .device_snapshot(&desk)
            .unwrap()
            .microphones_mute
            .as_deref(),
        Some("On")
    );
    let cleared = bot.say(Role::Operator, "use none").await;
    assert!(text(&cleared).contains("Cleared"), "{}", text(&cleared));
}

#[tokio::test]
async fn access_is_refused_by_role_without_any_webex_call() {
    let bot = spawn_bot().await;
    for (role, command, needed) in [
        (Role::Viewer, "mute 4B", "operator"),
        (Role::Operator, "workspace delete 4B", "admin"),
        (Role::Operator, "activate 4B", "admin"),
        (Role::Outsider, "status 4B", "viewer"),
    ] {
        bot.sandbox.clear_requests();
        let reply = bot.say(role, command).await;
        assert!(
            text(&reply).contains(&format!("needs the {needed} role")),
            "{command}: {}",
            text(&reply)
        );
        assert!(
            webex_work(&bot).is_empty(),
            "{command}: {:?}",
            webex_work(&bot)
        );
    }
    let help = bot.say(Role::Outsider, "help").await;
    assert!(!text(&help).contains("needs the"), "help is for everyone");
}

#[tokio::test]
async fn devices_are_filtered_and_rows_carry_status_buttons() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Viewer, "devices offline").await;
    let said = text(&reply);
    assert!(
        said.contains("Reception Room Bar") && !said.contains("4C Desk Pro"),
        "{said}"
    );
    let reply = bot.say(Role::Viewer, "devices tag oslo").await;
    assert!(text(&reply).contains("4 devices"), "{}", text(&reply));
    let reply = bot.say(Role::Viewer, "devices in 4B").await;
    assert!(text(&reply).contains("4B Navigator"), "{}", text(&reply));
    assert!(
        text(&reply).contains(r#"status device "4B Room Kit Pro""#)
            || text(&reply).contains("status device 4B Room Kit Pro"),
        "{}",
        text(&reply)
    );
    let reply = bot.say(Role::Viewer, "devices issues").await;
    assert!(
        text(&reply).contains("Nordlys Board 55S"),
        "{}",
        text(&reply)
    );
}
