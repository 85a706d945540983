//! Webex's known pagination bugs, reproduced by the sandbox (`broken_next_links`): next links that
//! drop the query's filters and carry `max=null`. roombot's client rebuilds them from the original
//! query, so lists stay complete and filtered, and a bot's group-room listing keeps
//! `mentionedPeople=me` (without it Webex answers 403).

use std::sync::Arc;

use roombot::metrics::Metrics;
use roombot::sandbox::{FaultOptions, Role, Sandbox, SandboxHandle, SandboxOptions};
use roombot::webex::{DeviceFilter, MessageQuery, RoomId, WebexClient};

async fn quirky_sandbox() -> SandboxHandle {
    let options = SandboxOptions {
        faults: FaultOptions {
            broken_next_links: true,
            ..FaultOptions::default()
        },
        default_page_size: 2,
        ..SandboxOptions::default()
    };
    Sandbox::start(options, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap()
}

fn client(sandbox: &SandboxHandle) -> WebexClient {
    let dir = std::env::temp_dir();
    let settings = roombot_settings(sandbox, &dir);
    roombot::bot::identity::client(&settings, Arc::new(Metrics::default())).unwrap()
}

fn roombot_settings(sandbox: &SandboxHandle, dir: &std::path::Path) -> roombot::settings::Settings {
    let env = [
        ("ROOMBOT__WEBEX__TOKEN", sandbox.bot_token().to_owned()),
        ("ROOMBOT__WEBEX__API_BASE", sandbox.base_url()),
        (
            "ROOMBOT__STORE__PATH",
            dir.join("unused.db").display().to_string(),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    roombot::settings::Settings::load(&roombot::settings::Sources {
        env,
        ..Default::default()
    })
    .unwrap()
}

#[tokio::test]
async fn the_sandbox_really_breaks_next_links() {
    let sandbox = quirky_sandbox().await;
    let response = reqwest::Client::new()
        .get(format!(
            "{}/devices?tag=earlyAdopters&max=1",
            sandbox.base_url()
        ))
        .bearer_auth(sandbox.bot_token())
        .send()
        .await
        .unwrap();
    let link = response.headers()["link"].to_str().unwrap().to_owned();
    assert!(
        link.contains("max=null") && !link.contains("tag="),
        "{link}"
    );
}

#[tokio::test]
async fn filtered_device_lists_stay_filtered_across_broken_pages() {
    let sandbox = quirky_sandbox().await;
    let expected = sandbox
        .org()
        .workspace_snapshots()
        .into_iter()
        .flat_map(|w| w.devices)
        .filter(|d| d.tags.iter().any(|t| t == "earlyAdopters"))
        .count();
    assert!(expected >= 2, "the demo org tags several devices");
    let filter = DeviceFilter {
        tags: vec!["earlyAdopters".into()],
        max: Some(1),
        ..DeviceFilter::default()
    };
    let devices = client(&sandbox)
        .list_devices(&filter)
        .list_all(50)
        .await
        .unwrap();
    assert_eq!(devices.len(), expected);
    assert!(devices.iter().all(|d| {
        d.tags
            .as_ref()
            .is_some_and(|t| t.iter().any(|t| t == "earlyAdopters"))
    }));
    let pages: Vec<String> = sandbox
        .requests()
        .into_iter()
        .filter_map(|r| r.query)
        .collect();
    assert_eq!(
        pages.len(),
        expected,
        "one request per page of one: {pages:?}"
    );
    assert!(
        pages
            .iter()
            .all(|q| q.contains("tag=earlyAdopters") && !q.contains("null")),
        "{pages:?}"
    );
}

#[tokio::test]
async fn a_bots_group_room_listing_keeps_mentioned_people() {
    let sandbox = quirky_sandbox().await;
    let room = sandbox.ops_room();
    let operator = sandbox.person(Role::Operator).token.clone();
    for i in 0..5 {
        let text = format!("{} status {i}", sandbox.mention_bot());
        sandbox.post_as(&operator, &room, &text).await.unwrap();
    }
    sandbox
        .post_as(&operator, &room, "not for the bot")
        .await
        .unwrap();
    let mut query = MessageQuery::in_room(&RoomId::new(room.clone()));
    query.mentioned_people = vec!["me".into()];
    query.max = Some(2);
    let messages = client(&sandbox)
        .list_messages(&query)
        .list_all(50)
        .await
        .unwrap();
    assert_eq!(messages.len(), 5, "every mention, nothing else, no 403");
}
