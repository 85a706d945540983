//! Replies that arrive: `deliver_message` after a 5xx or a timeout of `POST /messages` looks for
//! the message before posting again, reposts where it cannot look, and ends with every trackingId.

use std::time::Duration;

use roombot::webex::{MessageId, NewMessage, PersonId, RoomId, WebexError};
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

use super::fake::FakeWebex;

const BOT: &str = "BOT_PERSON";
const ROOM: &str = "ROOM_1";
const REPLY: &str = "Volume set to **40** in 4B";

fn reply() -> NewMessage {
    NewMessage::to_room(&RoomId::from(ROOM)).markdown(REPLY)
}

fn posted(id: &str, markdown: &str, parent: Option<&str>) -> Value {
    let created = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string();
    json!({"id": id, "roomId": ROOM, "personId": BOT, "markdown": markdown,
           "parentId": parent, "created": created})
}

fn bad_gateway(tracking: &str) -> ResponseTemplate {
    ResponseTemplate::new(502)
        .set_body_json(json!({"message": "Bad Gateway", "trackingId": tracking}))
}

fn client(fake: &FakeWebex, deadline: Duration) -> roombot::webex::WebexClient {
    let mut config = fake.config();
    config.retry_deadline = deadline;
    roombot::webex::WebexClient::new(config).expect("client")
}

#[tokio::test]
async fn a_reply_that_landed_despite_a_502_is_found_and_not_posted_again() {
    let fake = FakeWebex::start().await;
    fake.create_message()
        .respond(bad_gateway("ROUTER_POST_1"))
        .expect(1)
        .mount()
        .await;
    let others =
        json!({"items": [posted("M0", "something else", None), posted("M1", REPLY, None)]});
    fake.list_messages()
        .query("roomId", ROOM)
        .query("max", "20")
        .no_query("mentionedPeople")
        .returns(200, others)
        .expect(1)
        .mount()
        .await;

    let found = client(&fake, Duration::from_secs(30))
        .deliver_message(&reply(), &PersonId::from(BOT))
        .await
        .expect("found");
    assert_eq!(found.id, MessageId::from("M1"));
}

#[tokio::test]
async fn a_reply_that_did_not_land_is_posted_again_once() {
    let fake = FakeWebex::start().await;
    fake.create_message()
        .respond(bad_gateway("ROUTER_POST_1"))
        .times(1)
        .expect(1)
        .mount()
        .await;
    fake.create_message()
        .returns(200, posted("M2", REPLY, None))
        .expect(1)
        .mount()
        .await;
    // An older identical reply (an hour ago) is not this one.
    let mut old = posted("M0", REPLY, None);
    old["created"] = json!("2020-01-01T00:00:00.000Z");
    fake.list_messages()
        .query("roomId", ROOM)
        .returns(200, json!({"items": [old]}))
        .expect(1)
        .mount()
        .await;

    let sent = client(&fake, Duration::from_secs(30))
        .deliver_message(&reply(), &PersonId::from(BOT))
        .await
        .expect("posted on the second try");
    assert_eq!(sent.id, MessageId::from("M2"));
}

#[tokio::test]
async fn in_a_thread_the_search_is_by_parent_and_a_403_means_post_again() {
    let fake = FakeWebex::start().await;
    fake.create_message()
        .respond(bad_gateway("ROUTER_POST_1"))
        .times(1)
        .expect(1)
        .mount()
        .await;
    fake.create_message()
        .returns(200, posted("M3", REPLY, Some("T1")))
        .expect(1)
        .mount()
        .await;
    // Webex lets a bot list a group space only with mentionedPeople=me.
    fake.list_messages()
        .query("parentId", "T1")
        .returns(
            403,
            json!({"message": "Failed to get activity.", "trackingId": "ROUTER_LIST"}),
        )
        .expect(1)
        .mount()
        .await;

    let thread = reply().in_thread(&MessageId::from("T1"));
    let sent = client(&fake, Duration::from_secs(30))
        .deliver_message(&thread, &PersonId::from(BOT))
        .await
        .expect("posted again");
    assert_eq!(sent.id, MessageId::from("M3"));
}

#[tokio::test]
async fn a_client_error_is_final_and_names_its_tracking_id() {
    let fake = FakeWebex::start().await;
    fake.create_message()
        .returns(
            400,
            json!({"message": "Bad card", "trackingId": "ROUTER_400"}),
        )
        .expect(1)
        .mount()
        .await;
    let err = client(&fake, Duration::from_secs(30))
        .deliver_message(&reply(), &PersonId::from(BOT))
        .await
        .expect_err("400");
    let WebexError::Undelivered { tracking_ids, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(tracking_ids, &["ROUTER_400".to_owned()]);
    assert_eq!(err.status(), Some(400));
}

#[tokio::test]
async fn at_the_deadline_the_error_lists_every_tracking_id_tried() {
    let fake = FakeWebex::start().await;
    for n in 1..=3 {
        fake.create_message()
            .respond(bad_gateway(&format!("ROUTER_POST_{n}")))
            .times(1)
            .mount()
            .await;
    }
    fake.list_messages()
        .returns(200, json!({"items": []}))
        .mount()
        .await;

    let err = client(&fake, Duration::from_millis(1500))
        .deliver_message(&reply(), &PersonId::from(BOT))
        .await
        .expect_err("never lands");
    let text = err.to_string();
    assert!(text.contains(&format!("room {ROOM}")), "{text}");
    assert!(text.contains("ROUTER_POST_1"), "{text}");
    let WebexError::Undelivered { tracking_ids, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(tracking_ids.len() >= 2, "{tracking_ids:?}");
    let posts = fake
        .server()
        .received_requests()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|r| r.method.as_str() == "POST")
        .count();
    assert_eq!(
        posts,
        tracking_ids.len(),
        "one search between posts, no blind repeat"
    );
}
