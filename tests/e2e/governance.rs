//! Ops teams in shared spaces, end to end against the sandbox: the audit trail (in chat and
//! `roombot audit --json`), rate limits, grants by domain and by space membership, and scoped
//! spaces.

use crate::support;

use std::time::Duration;

use roombot::sandbox::{Message, Role, Sandbox, SandboxOptions};
use support::{TestBot, WAIT, settings_for, spawn_bot, spawn_bot_with, start_app};

/// The records of an `audit` reply (one line each, starting with its time).
fn records(reply: &Message) -> Vec<String> {
    reply
        .text
        .as_deref()
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains(" UTC · "))
        .map(str::to_owned)
        .collect()
}

/// The reply as people read it (markdown rendered: no escapes).
fn text(message: &Message) -> String {
    message.text.clone().unwrap_or_default()
}

/// Calls roombot made to `POST xapi/command`.
fn xapi_commands(bot: &TestBot) -> usize {
    bot.bot_calls()
        .iter()
        .filter(|r| r.path.starts_with("/v1/xapi/command/"))
        .count()
}

/// `roombot audit --json` with `args` against the bot's store: one JSON record per line.
async fn audit_cli(bot: &TestBot, args: &[&str]) -> Vec<serde_json::Value> {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_roombot"))
        .arg("audit")
        .arg("--json")
        .args(args)
        .env("ROOMBOT__STORE__PATH", &bot.settings.store.path)
        .output()
        .await
        .expect("roombot audit runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON record per line"))
        .collect()
}

#[tokio::test]
async fn a_viewers_refused_mute_says_who_grants_the_role_and_is_in_audit_by_vera() {
    let bot = spawn_bot().await;
    let refused = bot.say_in_ops(Role::Viewer, "mute 4B").await;
    let admin = bot.sandbox.person(Role::Admin).email.clone();
    assert!(
        text(&refused).contains("needs the operator role"),
        "{refused:#?}"
    );
    assert!(
        text(&refused).contains(&admin),
        "names who grants it: {refused:#?}"
    );
    let audit = bot.say_in_ops(Role::Admin, "audit by vera").await;
    let lines = records(&audit);
    assert_eq!(lines.len(), 1, "{audit:#?}");
    assert!(
        lines[0].contains("vera.viewer@example.com")
            && lines[0].contains("mute 4B")
            && lines[0].contains("refused (viewer)"),
        "{lines:?}"
    );
    assert_eq!(xapi_commands(&bot), 0);
}

#[tokio::test]
async fn audit_on_4b_since_yesterday_lists_exactly_the_actions_on_4b_and_the_cli_prints_them() {
    let bot = spawn_bot().await;
    for (role, command) in [
        (Role::Operator, "mute 4B"),
        (Role::Operator, "unmute 4B North"),
        (Role::Operator, "status Fjord"),
        (Role::Viewer, "mute room 4B"),
    ] {
        bot.say_in_ops(role, command).await;
    }
    let audit = bot
        .say_in_ops(Role::Admin, "audit on 4B since yesterday")
        .await;
    let lines = records(&audit);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(
        lines[0].contains("vera.viewer") && lines[0].contains("refused"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("oscar.operator") && lines[1].contains("done"),
        "{lines:?}"
    );

    let printed = audit_cli(&bot, &["--since", "yesterday", "--on", "4B"]).await;
    let seen: Vec<(String, String)> = printed
        .iter()
        .map(|r| {
            (
                r["email"].as_str().unwrap().to_owned(),
                r["result"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            ("oscar.operator@example.com".to_owned(), "done".to_owned()),
            ("vera.viewer@example.com".to_owned(), "refused".to_owned())
        ]
    );
    // The full record: the plan plus its outcome.
    let done = &printed[0];
    assert_eq!(done["action"], "xapi");
    assert_eq!(done["credentials"], serde_json::json!(["bot"]));
    assert_eq!(done["devices"][0]["device"], "4B Room Kit Pro");
    assert_eq!(done["devices"][0]["result"], "done");
    assert_eq!(done["room_id"], bot.sandbox.ops_room());
    // Every record, the audit query itself included, is in the trail.
    let all = audit_cli(&bot, &[]).await;
    assert_eq!(all.len(), 5, "{all:#?}");
    assert_eq!(all[4]["text"], "audit on 4B since yesterday");
}

#[tokio::test]
async fn the_31st_command_in_a_minute_is_refused_without_a_webex_call_and_audited() {
    let bot = spawn_bot_with(
        SandboxOptions::default(),
        &[("ROOMBOT__ACCESS__RATE_PER_PERSON", "30")],
    )
    .await;
    let room = bot.direct_room(Role::Operator);
    for _ in 0..30 {
        bot.post(Role::Operator, "mute 4B").await;
    }
    let replied = bot
        .sandbox
        .wait_for_message(&room, |_| bot.bot_message_count(&room) >= 30, WAIT * 3)
        .await;
    assert!(replied.is_ok(), "30 replies");
    assert_eq!(xapi_commands(&bot), 30);
    let before = bot.bot_calls().len();
    let limited = bot.say(Role::Operator, "mute 4B").await;
    assert!(
        text(&limited).contains("more than 30 commands in a minute"),
        "{limited:#?}"
    );
    let calls: Vec<String> = bot.bot_calls()[before..]
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .filter(|call| !call.contains("/v1/messages"))
        .collect();
    assert_eq!(
        calls,
        Vec::<String>::new(),
        "only the message and its reply"
    );
    assert_eq!(xapi_commands(&bot), 30);
    let audit = bot.say(Role::Admin, "audit all 1 by oscar").await;
    assert!(
        records(&audit)[0].contains("limited (operator)"),
        "{audit:#?}"
    );
}

#[tokio::test]
async fn domain_and_space_grants_give_roles_and_a_removed_member_loses_it_after_the_ttl() {
    let sandbox = Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let store_dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let spaces = format!("{}=operator", sandbox.ops_room());
    let settings = settings_for(
        &sandbox,
        store_dir.path(),
        &[
            ("ROOMBOT__ACCESS__DOMAINS", "@example.org=operator"),
            ("ROOMBOT__ACCESS__SPACES", &spaces),
            ("ROOMBOT__ACCESS__SPACE_GRANT_TTL_SECS", "1"),
        ],
    );
    let bot = start_app(sandbox, settings, store_dir).await;
    // Otto (example.org, another organisation) is an operator by his domain.
    let muted = bot.say(Role::Outsider, "mute 4B").await;
    assert!(!text(&muted).contains("needs"), "{muted:#?}");
    let refused = bot.say(Role::Outsider, "workspace delete 4B").await;
    assert!(
        text(&refused).contains("outside the organisation"),
        "{refused:#?}"
    );
    // Vera is an operator as a member of the Ops space, in any space.
    let muted = bot.say(Role::Viewer, "mute 4B").await;
    assert!(!text(&muted).contains("needs"), "{muted:#?}");
    assert_eq!(xapi_commands(&bot), 2);

    let vera = bot.sandbox.person(Role::Viewer).email.clone();
    let membership = bot
        .sandbox
        .membership_of(&bot.sandbox.ops_room(), &vera)
        .unwrap();
    bot.sandbox
        .remove_member(&bot.token(Role::Admin), &membership)
        .await
        .unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let reply = bot.say(Role::Viewer, "mute 4B").await;
        if text(&reply).contains("needs the operator role") {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still an operator: {reply:#?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn a_scoped_space_reaches_only_its_location_and_says_so_for_others() {
    let bot = spawn_bot().await;
    let scoped = bot.say_in_ops(Role::Admin, "scope Barcelona").await;
    assert!(text(&scoped).contains("location Barcelona"), "{scoped:#?}");

    let outside = bot.say_in_ops(Role::Operator, "mute Fjord").await;
    assert!(
        text(&outside).contains("outside this space's scope"),
        "{outside:#?}"
    );
    assert_eq!(xapi_commands(&bot), 0);
    let devices = bot.say_in_ops(Role::Operator, "devices").await;
    let listed = serde_json::to_string(&devices.attachments).unwrap() + &text(&devices);
    assert!(
        listed.contains("4B Room Kit Pro") && !listed.contains("Fjord"),
        "{devices:#?}"
    );
    bot.say_in_ops(Role::Operator, "mute 4B").await;
    assert_eq!(xapi_commands(&bot), 1);
    // Other spaces are not scoped.
    bot.say(Role::Operator, "mute Fjord").await;
    assert_eq!(xapi_commands(&bot), 2);

    // A least role: a status space, where anyone reads and only admins act.
    bot.say_in_ops(Role::Admin, "scope role admin").await;
    let read = bot.say_in_ops(Role::Viewer, "status 4B").await;
    assert!(text(&read).contains("Status of 4B"), "{read:#?}");
    let refused = bot.say_in_ops(Role::Operator, "mute 4B").await;
    assert!(
        text(&refused).contains("needs the admin role"),
        "{refused:#?}"
    );
    assert_eq!(
        xapi_commands(&bot),
        2,
        "nothing called for the refused mute"
    );
    bot.say_in_ops(Role::Admin, "scope none").await;
    bot.say_in_ops(Role::Operator, "mute Fjord").await;
    assert_eq!(xapi_commands(&bot), 3);
}

#[tokio::test]
async fn clicks_are_audited_too_a_cancel_and_a_stranger_s_confirm() {
    let bot = spawn_bot().await;
    let asking = bot.say_in_ops(Role::Operator, "reboot 4B").await;
    // Someone else's Confirm is refused and recorded; the asker's Cancel is recorded.
    bot.click(Role::Admin, &asking, "Confirm").await;
    bot.click(Role::Operator, &asking, "Cancel").await;
    let audit = bot.say_in_ops(Role::Admin, "audit").await;
    let lines = records(&audit);
    assert!(
        lines[0].contains("oscar.operator") && lines[0].contains("cancel reboot"),
        "{lines:?}"
    );
    assert!(
        lines[1].contains("ada.admin") && lines[1].contains("confirm · refused"),
        "{lines:?}"
    );
    assert!(
        lines[2].contains("reboot") && lines[2].contains("awaiting_confirmation"),
        "{lines:?}"
    );
    assert_eq!(xapi_commands(&bot), 0);
}

#[tokio::test]
async fn a_least_role_holds_for_a_form_apply_and_a_confirm_asked_before_it() {
    let bot = spawn_bot().await;
    let asking = bot.say_in_ops(Role::Operator, "reboot 4B").await;
    let form = bot
        .say_in_ops(Role::Operator, "config Audio.DefaultVolume in 4B")
        .await;
    // The space becomes a status space after both cards were posted.
    bot.say_in_ops(Role::Admin, "scope role admin").await;
    let confirmed = bot.click(Role::Operator, &asking, "Confirm").await;
    assert!(
        text(&confirmed).contains("needs the admin role"),
        "{confirmed:#?}"
    );
    let mut data = support::button_data(&form, "Apply").expect("an Apply button");
    data["Audio.DefaultVolume"] = serde_json::json!("45");
    let applied = bot.click_data(Role::Operator, &form, data).await;
    assert!(
        text(&applied).contains("needs the admin role"),
        "{applied:#?}"
    );
    let acted = bot
        .bot_calls()
        .iter()
        .filter(|r| r.method != "GET" && !r.path.starts_with("/v1/messages"))
        .count();
    assert_eq!((xapi_commands(&bot), acted), (0, 0), "nothing was changed");
}

#[tokio::test]
async fn a_secret_typed_in_a_command_stays_out_of_the_audit_trail() {
    let bot = spawn_bot().await;
    bot.say_in_ops(Role::Viewer, "help mute").await;
    bot.say_in_ops(
        Role::Admin,
        r#"xCommand UserManagement User Passphrase Set NewPassphrase: "hunter2 x" Username: admin on 4B"#,
    )
    .await;
    let audit = bot.say_in_ops(Role::Admin, "audit").await;
    let shown = records(&audit).join("\n");
    assert!(shown.contains("Passphrase Set"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("help mute"), "help is audited too: {shown}");
    let kept = audit_cli(&bot, &[]).await;
    let kept = serde_json::to_string(&kept).unwrap();
    assert!(kept.contains("Passphrase Set"), "{kept}");
    assert!(!kept.contains("hunter2"), "{kept}");
}

#[tokio::test]
async fn more_on_an_audit_page_shows_the_next_older_records_however_many_came_since() {
    let bot = spawn_bot().await;
    for command in [
        "status 4C",
        "status Fjord",
        "status Sagrada",
        "status Redwood",
    ] {
        bot.say_in_ops(Role::Admin, command).await;
    }
    let first = bot.say_in_ops(Role::Admin, "audit 2").await;
    let shown = records(&first).join("\n");
    assert!(
        shown.contains("status Redwood") && shown.contains("status Sagrada"),
        "{shown}"
    );
    // More records arrive (the audit itself, another command) before More is clicked.
    bot.say_in_ops(Role::Admin, "status 4B").await;
    let second = bot.click(Role::Admin, &first, "More").await;
    let next = records(&second).join("\n");
    assert!(
        next.contains("status Fjord") && next.contains("status 4C"),
        "{next}"
    );
    assert!(
        !next.contains("Sagrada") && !next.contains("status 4B"),
        "{next}"
    );
}

#[tokio::test]
async fn a_granting_space_the_bot_cannot_read_is_not_asked_again_for_every_command() {
    let sandbox = Sandbox::start(SandboxOptions::default(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let store_dir = std::sync::Arc::new(tempfile::tempdir().unwrap());
    let settings = settings_for(
        &sandbox,
        store_dir.path(),
        &[(
            "ROOMBOT__ACCESS__SPACES",
            "Y2lzY29zcGFyazovL3VzL1JPT00vbm9uZQ=operator",
        )],
    );
    let bot = start_app(sandbox, settings, store_dir).await;
    for _ in 0..3 {
        let refused = bot.say(Role::Viewer, "mute 4B").await;
        assert!(
            text(&refused).contains("needs the operator role"),
            "{refused:#?}"
        );
    }
    let lookups = bot
        .bot_calls()
        .iter()
        .filter(|r| r.path.starts_with("/v1/memberships"))
        .count();
    assert_eq!(lookups, 1, "one failed lookup, remembered");
}

#[tokio::test]
async fn audit_on_a_name_of_several_words_finds_refused_commands_too() {
    let bot = spawn_bot().await;
    bot.say_in_ops(Role::Viewer, r#"mute room "Big Conference""#)
        .await;
    bot.say_in_ops(Role::Viewer, "mute room 4B").await;
    let audit = bot
        .say_in_ops(Role::Admin, r#"audit on "Big Conference""#)
        .await;
    let shown = records(&audit);
    assert_eq!(shown.len(), 1, "{shown:#?}");
    assert!(shown[0].contains("Big Conference"), "{shown:#?}");
    // LIKE's wildcards in a name are only characters.
    let none = bot.say_in_ops(Role::Admin, "audit on %").await;
    assert!(records(&none).is_empty(), "{none:#?}");
}
