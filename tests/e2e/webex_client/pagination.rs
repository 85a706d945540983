//! `Link` pagination over three pages, with the Webex bugs: a next link that lost
//! `mentionedPeople` and one that carries `max=null`.

use futures::TryStreamExt;
use roombot::webex::{MessageQuery, RoomId};
use serde_json::json;
use wiremock::ResponseTemplate;

use super::fake::FakeWebex;

fn page(ids: &[&str], next: Option<String>) -> ResponseTemplate {
    let items: Vec<_> = ids
        .iter()
        .map(|id| json!({"id": id, "roomId": "R1", "text": format!("msg {id}")}))
        .collect();
    let template = ResponseTemplate::new(200).set_body_json(json!({ "items": items }));
    match next {
        Some(link) => template.insert_header("Link", format!("<{link}>; rel=\"next\"").as_str()),
        None => template,
    }
}

/// Page 1 links to a URL without `mentionedPeople`; page 2 links with `max=null`.
async fn mount_three_pages(fake: &FakeWebex, expect: u64) {
    let base = fake.base_url();
    fake.list_messages()
        .query("roomId", "R1")
        .query("mentionedPeople", "me")
        .query("max", "2")
        .no_query("beforeMessage")
        .respond(page(
            &["M1", "M2"],
            Some(format!("{base}/messages?roomId=R1&max=2&beforeMessage=M2")),
        ))
        .expect(expect)
        .mount()
        .await;
    fake.list_messages()
        .query("roomId", "R1")
        .query("mentionedPeople", "me")
        .query("max", "2")
        .query("beforeMessage", "M2")
        .respond(page(
            &["M3", "M4"],
            Some(format!(
                "{base}/messages?roomId=R1&mentionedPeople=me&max=null&beforeMessage=M4"
            )),
        ))
        .expect(expect)
        .mount()
        .await;
    fake.list_messages()
        .query("roomId", "R1")
        .query("mentionedPeople", "me")
        .query("max", "2")
        .query("beforeMessage", "M4")
        .respond(page(&["M5"], None))
        .expect(expect)
        .mount()
        .await;
}

fn query() -> MessageQuery {
    let mut query = MessageQuery::in_room(&RoomId::from("R1"));
    query.mentioned_people = vec!["me".into()];
    query.max = Some(2);
    query
}

fn ids(messages: &[roombot::webex::Message]) -> Vec<&str> {
    messages.iter().map(|m| m.id.as_str()).collect()
}

#[tokio::test]
async fn list_all_follows_and_repairs_next_links() {
    let fake = FakeWebex::start().await;
    mount_three_pages(&fake, 1).await;
    let all = fake
        .client()
        .list_messages(&query())
        .list_all(10)
        .await
        .expect("three pages");
    assert_eq!(ids(&all), ["M1", "M2", "M3", "M4", "M5"]);
}

#[tokio::test]
async fn stream_yields_items_of_every_page_in_order() {
    let fake = FakeWebex::start().await;
    mount_three_pages(&fake, 1).await;
    let all: Vec<_> = fake
        .client()
        .list_messages(&query())
        .stream()
        .try_collect()
        .await
        .expect("stream");
    assert_eq!(ids(&all), ["M1", "M2", "M3", "M4", "M5"]);
}

#[tokio::test]
async fn page_cap_stops_early_and_first_page_exposes_the_repaired_link() {
    let fake = FakeWebex::start().await;
    let base = fake.base_url();
    fake.list_messages()
        .query("mentionedPeople", "me")
        .no_query("beforeMessage")
        .respond(page(
            &["M1", "M2"],
            Some(format!("{base}/messages?roomId=R1&max=2&beforeMessage=M2")),
        ))
        .expect(2)
        .mount()
        .await;
    fake.list_messages()
        .query("beforeMessage", "M2")
        .query("mentionedPeople", "me")
        .respond(page(
            &["M3", "M4"],
            Some(format!(
                "{base}/messages?roomId=R1&max=null&beforeMessage=M4"
            )),
        ))
        .expect(1)
        .mount()
        .await;
    let client = fake.client();
    let capped = client
        .list_messages(&query())
        .list_all(2)
        .await
        .expect("two pages");
    assert_eq!(ids(&capped), ["M1", "M2", "M3", "M4"]);

    let first = client
        .list_messages(&query())
        .first_page()
        .await
        .expect("first page");
    let next = first.next.expect("next link");
    let pairs: Vec<(String, String)> = next.query_pairs().into_owned().collect();
    assert!(
        pairs.contains(&("mentionedPeople".into(), "me".into())),
        "{next}"
    );
    assert!(
        pairs.contains(&("beforeMessage".into(), "M2".into())),
        "{next}"
    );
}
