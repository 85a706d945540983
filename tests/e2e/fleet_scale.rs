//! A generated organisation of 2,000 devices (1,000 workspaces) through chat, as a room-ops
//! person at scale meets it: lists whose total is the organisation's and whose More buttons
//! reach the last row, a picker over 200 workspaces that pages and shows full names, did-you-
//! mean buttons that run the right command, device issues in plain words, a bulk mute whose
//! card leads with the right counts, a fleet status summary; and every card the bot posted is
//! valid, within Webex's limits and free of code spans. One bot for the whole module.

use std::collections::BTreeSet;

use roombot::cards::{MAX_CARD_BYTES, check_webex_rules};
use roombot::sandbox::{Message, OrgChoice, Role, SandboxOptions};
use serde_json::Value;

use crate::cards_schema::schema_validator;
use crate::ops_support::text;
use crate::support::{TestBot, button_commands, button_data, card, spawn_bot, spawn_bot_with};

const DEVICES: usize = 2000;
const SEED: u64 = 17;

async fn fleet_bot() -> TestBot {
    let options = SandboxOptions {
        org: OrgChoice::Generated {
            devices: DEVICES,
            seed: SEED,
        },
        ..SandboxOptions::default()
    };
    spawn_bot_with(options, &[]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_2000_device_organisation_reads_well_in_chat() {
    let bot = fleet_bot().await;
    workspaces_total_is_the_organisations_and_more_reaches_the_last(&bot).await;
    a_picker_over_200_workspaces_pages_and_shows_full_names(&bot).await;
    misspellings_offer_the_right_command_as_a_button(&bot).await;
    devices_issues_shows_every_device_with_its_error_codes_in_words(&bot).await;
    a_bulk_mute_leads_with_the_counts_per_outcome(&bot).await;
    status_of_many_devices_is_a_summary_with_paged_detail(&bot).await;
    every_card_posted_is_valid_within_limits_and_has_no_code_span(&bot);
    bot.stop().await;
}

async fn workspaces_total_is_the_organisations_and_more_reaches_the_last(bot: &TestBot) {
    let listed = bot.sandbox.org().workspace_snapshots();
    assert_eq!(listed.len(), DEVICES / 2);
    let mut page = bot.say(Role::Viewer, "workspaces").await;
    assert!(text(&page).contains("1,000 workspaces"), "{}", text(&page));
    let mut seen: Vec<String> = Vec::new();
    loop {
        seen.extend(
            button_commands(&page)
                .into_iter()
                .filter(|c| c.starts_with("workspace ")),
        );
        match button_data(&page, "More") {
            Some(_) => page = bot.click(Role::Viewer, &page, "More").await,
            None => break,
        }
    }
    assert_eq!(
        seen.len(),
        listed.len(),
        "every workspace once, page by page"
    );
    let last = &listed.last().expect("workspaces").display_name;
    assert!(
        seen.last().is_some_and(|c| c.contains(last.as_str())),
        "the last page ends with {last}: {:?}",
        seen.last()
    );
    assert!(
        text(&page).contains("Showing 991–1,000 of 1,000"),
        "{}",
        text(&page)
    );
}

async fn a_picker_over_200_workspaces_pages_and_shows_full_names(bot: &TestBot) {
    let matching: BTreeSet<String> = bot
        .sandbox
        .org()
        .workspace_snapshots()
        .into_iter()
        .map(|w| w.display_name)
        .filter(|n| n.starts_with("Barcelona 1 "))
        .collect();
    assert_eq!(matching.len(), 200, "the generator's first location");
    let mut page = bot.say(Role::Viewer, "status Barcelona 1").await;
    let said = text(&page);
    assert!(said.contains("Showing 1–10 of 200"), "{said}");
    assert!(said.contains("190 more: type more of the name"), "{said}");
    let mut chosen = BTreeSet::new();
    loop {
        for name in row_names(&page) {
            assert!(
                matching.contains(&name),
                "a full name, not a clipped one: {name}"
            );
            chosen.insert(name);
        }
        match button_data(&page, "More") {
            Some(more) => {
                assert!(more["cmd"].as_str().unwrap().starts_with("pick status"));
                page = bot.click(Role::Viewer, &page, "More").await;
            }
            None => break,
        }
    }
    assert_eq!(chosen, matching, "paging reaches every candidate");
}

async fn misspellings_offer_the_right_command_as_a_button(bot: &TestBot) {
    let room = r#""Oslo 1 2-0001""#;
    let reply = bot.say(Role::Operator, "mute rom Oslo 1 2-0001").await;
    let meant = format!("mute room {room}");
    assert_eq!(
        button_commands(&reply),
        std::slice::from_ref(&meant),
        "{}",
        text(&reply)
    );
    // The room has two devices: the corrected command asks first, as typed it would.
    let asked = bot.click_command(Role::Operator, &reply, &meant).await;
    assert!(
        text(&asked).contains("Mute the microphones on 2 devices?")
            && text(&asked).contains("room Oslo 1 2-0001"),
        "{}",
        text(&asked)
    );
    let reply = bot.say(Role::Operator, "stauts Oslo 1 2-0001").await;
    assert!(
        button_commands(&reply).contains(&format!("status {room}")),
        "{:?}",
        button_commands(&reply)
    );
}

async fn devices_issues_shows_every_device_with_its_error_codes_in_words(bot: &TestBot) {
    let admin = bot.token(Role::Admin);
    let with_codes: Vec<Value> = list_devices(bot, &admin)
        .await
        .into_iter()
        .filter(|d| d["errorCodes"].as_array().is_some_and(|c| !c.is_empty()))
        .collect();
    assert!(with_codes.len() > 100, "{}", with_codes.len());
    let mut page = bot.say(Role::Viewer, "devices issues").await;
    let mut shown: Vec<(String, Vec<String>)> = Vec::new();
    loop {
        shown.extend(device_rows(&page));
        match button_data(&page, "More") {
            Some(_) => page = bot.click(Role::Viewer, &page, "More").await,
            None => break,
        }
    }
    for device in &with_codes {
        let name = device["displayName"].as_str().unwrap();
        let (_, lines) = shown
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} is listed"));
        for code in device["errorCodes"].as_array().unwrap() {
            let words = meaning(code.as_str().unwrap());
            assert!(
                lines.iter().any(|l| l.contains(words)),
                "{name}: {code} in words ({words}): {lines:?}"
            );
        }
    }
}

async fn a_bulk_mute_leads_with_the_counts_per_outcome(bot: &TestBot) {
    let seen = list_devices(bot, bot.sandbox.bot_token()).await;
    let all = list_devices(bot, &bot.token(Role::Admin)).await;
    let (mut done, mut offline, mut read_only, mut no_access) = (0, 0, 0, 0);
    for device in all.iter().filter(|d| has_tag(d, "vip")) {
        let perms: Vec<String> = seen
            .iter()
            .find(|s| s["id"] == device["id"])
            .and_then(|s| s["permissions"].as_array())
            .map(|p| {
                p.iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let online = device["connectionStatus"] != "disconnected";
        match (
            perms.iter().any(|p| p == "xapi:all"),
            perms.is_empty(),
            online,
        ) {
            (true, _, true) => done += 1,
            (true, _, false) => offline += 1,
            (false, false, _) => read_only += 1,
            (false, true, _) => no_access += 1,
        }
    }
    let ask = bot.say(Role::Operator, "mute tag vip").await;
    let question = format!("Mute the microphones on {} devices?", count(done));
    assert!(text(&ask).contains(&question), "{question}: {}", text(&ask));
    let result = bot.click(Role::Operator, &ask, "Confirm").await;
    let skipped = offline + read_only + no_access;
    let expected = format!(
        "{} done · {} skipped: {offline} offline, {read_only} read-only, {no_access} without access",
        count(done),
        count(skipped)
    );
    let content = card(&result).expect("a result card");
    assert_eq!(
        content["body"][1]["text"]
            .as_str()
            .map(|t| t.replace('\\', "")),
        Some(expected.clone()),
        "the card leads with the counts"
    );
    assert!(
        text(&result).contains(&format!("… and {} more done", count(done - 15))),
        "{}",
        text(&result)
    );
}

async fn status_of_many_devices_is_a_summary_with_paged_detail(bot: &TestBot) {
    let status = bot.say(Role::Viewer, "status tag vip").await;
    let said = text(&status);
    for fact in ["Devices", "In a call", "Muted", "Standby", "Software"] {
        assert!(said.contains(fact), "{fact}: {said}");
    }
    assert!(said.contains("Showing 1–10 of"), "{said}");
    assert_eq!(
        button_data(&status, "More").expect("More")["cmd"],
        "status tag vip page 2"
    );
    let page = bot.click(Role::Viewer, &status, "More").await;
    assert!(text(&page).contains("Showing 11–20 of"), "{}", text(&page));
}

fn every_card_posted_is_valid_within_limits_and_has_no_code_span(bot: &TestBot) {
    let validator = schema_validator();
    let mut checked = 0;
    for role in [Role::Viewer, Role::Operator] {
        let room = bot.direct_room(role);
        for message in bot.sandbox.messages(&room) {
            let Some(content) = card(&message) else {
                continue;
            };
            let errors: Vec<String> = validator
                .iter_errors(content)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{errors:?} in {content}");
            check_webex_rules(content).expect("within Webex's rules");
            assert!(content.to_string().len() <= MAX_CARD_BYTES);
            let mut texts = Vec::new();
            card_texts(content, &mut texts);
            assert!(
                texts.iter().all(|t| !t.contains('`')),
                "a code span in {texts:?}"
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} cards");
}

#[tokio::test]
async fn on_the_demo_org_rom_4b_and_stauts_4b_offer_the_command_meant() {
    let bot = spawn_bot().await;
    let reply = bot.say(Role::Operator, "mute rom 4B").await;
    assert_eq!(
        button_commands(&reply),
        ["mute room 4B"],
        "{}",
        text(&reply)
    );
    let reply = bot.say(Role::Operator, "stauts 4B").await;
    assert_eq!(
        button_commands(&reply),
        ["status 4B", "help"],
        "{}",
        text(&reply)
    );
    let reply = bot.say(Role::Operator, "4B").await;
    assert!(
        text(&reply).contains("Status of 4B"),
        "a bare target is its status"
    );
    bot.stop().await;
}

/// Every device as `token` sees it (`GET /devices`, following `Link`).
async fn list_devices(bot: &TestBot, token: &str) -> Vec<Value> {
    let http = reqwest::Client::new();
    let mut url = format!("{}/devices?max=1000", bot.sandbox.base_url());
    let mut all = Vec::new();
    loop {
        let response = http.get(&url).bearer_auth(token).send().await.unwrap();
        let next = response
            .headers()
            .get("link")
            .and_then(|l| l.to_str().ok())
            .and_then(|l| l.split('<').nth(1))
            .and_then(|l| l.split('>').next())
            .map(str::to_owned);
        let page: Value = response.json().await.unwrap();
        all.extend(page["items"].as_array().cloned().unwrap_or_default());
        match next {
            Some(next) => url = next,
            None => return all,
        }
    }
}

fn has_tag(device: &Value, tag: &str) -> bool {
    device["tags"]
        .as_array()
        .is_some_and(|t| t.iter().any(|t| t == tag))
}

/// The plain words roombot shows for the generator's error codes.
fn meaning(code: &str) -> &'static str {
    match code {
        "sipprofileregistration" => "cannot register for calls",
        "softwareoutofdate" => "software out of date",
        "temperaturecheck" => "running too hot",
        "missingdisplay" => "no screen connected",
        other => panic!("a code the generator does not make: {other}"),
    }
}

fn count(n: usize) -> String {
    roombot::cards::words::count(n)
}

/// Markdown escapes undone.
fn unescape(text: &str) -> String {
    text.replace('\\', "")
}

/// The full names in a list card's rows (`**name**`).
fn row_names(message: &Message) -> Vec<String> {
    let mut texts = Vec::new();
    card_texts(card(message).expect("a card"), &mut texts);
    texts
        .iter()
        .filter_map(|t| t.strip_prefix("**")?.strip_suffix("**"))
        .map(unescape)
        .collect()
}

/// `(device name, the lines under it)` of each row of a device list card.
fn device_rows(message: &Message) -> Vec<(String, Vec<String>)> {
    let body = card(message).expect("a card")["body"].as_array().cloned();
    body.unwrap_or_default()
        .iter()
        .filter(|item| item["type"] == "Container")
        .filter_map(|row| {
            let columns = row["items"]
                .as_array()?
                .iter()
                .find(|i| i["type"] == "ColumnSet")?;
            let blocks = columns["columns"][0]["items"].as_array()?;
            let first = blocks.first()?["text"].as_str()?;
            let name = first.split("**").nth(1)?;
            let lines = blocks[2..]
                .iter()
                .filter_map(|b| b["text"].as_str().map(unescape))
                .collect();
            Some((unescape(name), lines))
        })
        .collect()
}

/// Every text a card shows (TextBlock texts, fact titles and values, button titles, labels).
fn card_texts(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, field) in map {
                match (key.as_str(), field) {
                    ("data", _) => {}
                    ("text" | "title" | "value" | "label" | "placeholder", Value::String(s)) => {
                        out.push(s.clone())
                    }
                    _ => card_texts(field, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| card_texts(v, out)),
        _ => {}
    }
}
