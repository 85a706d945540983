//! The sandbox's messaging API over real TCP with plain reqwest: identity, people, rooms,
//! messages (validation, mentions, visibility, listing, edits, deletes) and attachment actions.

use crate::sandbox_messaging_support;

use roombot::sandbox::{Role, SandboxOptions};
use sandbox_messaging_support::*;
use serde_json::{Value, json};

fn card() -> Value {
    json!({
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": {"type": "AdaptiveCard", "version": "1.3", "body": [],
                    "actions": [{"type": "Action.Submit", "title": "Unmute", "data": {"cmd": "unmute room 4B"}}]}
    })
}

#[tokio::test]
async fn a_missing_or_unknown_token_gets_a_webex_401_and_is_logged() {
    let sandbox = start().await;
    let none = call(&sandbox, None, reqwest::Method::GET, "/people/me", None).await;
    assert_webex_error(&none, 401);
    let unknown = get(&sandbox, "not-a-token", "/messages?roomId=x").await;
    assert_webex_error(&unknown, 401);
    let log = sandbox.requests();
    assert_eq!(log.len(), 2);
    assert!(
        log.iter()
            .all(|r| r.status == 401 && r.caller_email.is_none())
    );
    assert_eq!(log[1].query.as_deref(), Some("roomId=x"));
}

#[tokio::test]
async fn people_me_is_the_bot_and_the_outsider_is_in_another_org() {
    let sandbox = start().await;
    let me = get(&sandbox, sandbox.bot_token(), "/people/me").await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["type"], "bot");
    assert_eq!(me.body["displayName"], "Roombot Demo");
    assert_eq!(me.body["id"], sandbox.bot_id());
    let outsider = sandbox.person(Role::Outsider);
    let answer = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/people/{}", outsider.id),
    )
    .await;
    assert_eq!(answer.body["orgId"], outsider.org_id.as_str());
    assert_ne!(answer.body["orgId"], me.body["orgId"]);
    let ada = get(&sandbox, &sandbox.person(Role::Admin).token, "/people/me").await;
    assert_eq!(ada.body["emails"][0], "ada.admin@example.com");
    assert_eq!(ada.body["orgId"], me.body["orgId"]);
    assert_webex_error(
        &get(&sandbox, sandbox.bot_token(), "/people/nobody").await,
        404,
    );
    let by_email = get(
        &sandbox,
        sandbox.bot_token(),
        "/people?email=vera.viewer@example.com",
    )
    .await;
    assert_eq!(by_email.body["items"][0]["firstName"], "Vera");
}

#[tokio::test]
async fn rooms_and_memberships_show_the_bots_spaces() {
    let sandbox = start().await;
    let rooms = get(&sandbox, sandbox.bot_token(), "/rooms").await;
    let items = rooms.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    let ops = items
        .iter()
        .find(|r| r["id"] == sandbox.ops_room().as_str())
        .unwrap();
    assert_eq!(
        (ops["title"].as_str(), ops["type"].as_str()),
        (Some("Ops Barcelona"), Some("group"))
    );
    let ada_room = sandbox.direct_room(Role::Admin).unwrap();
    let direct = items.iter().find(|r| r["id"] == ada_room).unwrap();
    assert_eq!(direct["title"], "Ada Admin");
    let seen_by_ada = get(
        &sandbox,
        &sandbox.person(Role::Admin).token,
        &format!("/rooms/{ada_room}"),
    )
    .await;
    assert_eq!(seen_by_ada.body["title"], "Roombot Demo");
    let vera = &sandbox.person(Role::Viewer).token;
    assert_webex_error(
        &get(&sandbox, vera, &format!("/rooms/{ada_room}")).await,
        404,
    );
    let groups = get(&sandbox, sandbox.bot_token(), "/rooms?type=group").await;
    assert_eq!(groups.body["items"].as_array().unwrap().len(), 1);

    let path = format!("/memberships?roomId={}&max=2", sandbox.ops_room());
    let first = get(&sandbox, sandbox.bot_token(), &path).await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 2);
    let mut emails: Vec<String> = Vec::new();
    let mut page = first;
    loop {
        emails.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["personEmail"].as_str().unwrap().to_owned()),
        );
        let Some(link) = page.headers.get("link") else {
            break;
        };
        let next = link
            .to_str()
            .unwrap()
            .trim_start_matches('<')
            .split('>')
            .next()
            .unwrap()
            .to_owned();
        page = get(&sandbox, sandbox.bot_token(), &next).await;
    }
    assert_eq!(emails.len(), 5);
    assert!(emails.contains(&"roombot-demo@webex.bot".to_owned()));
    assert!(emails.contains(&"otto.outsider@example.org".to_owned()));
}

#[tokio::test]
async fn message_creation_is_validated_like_webex() {
    let sandbox = start().await;
    let ada = sandbox.person(Role::Admin).token.clone();
    let room = sandbox.direct_room(Role::Admin).unwrap().to_owned();
    let cases = [
        (json!({"text": "no destination"}), 400),
        (
            json!({"roomId": room, "toPersonEmail": "roombot-demo@webex.bot", "text": "two"}),
            400,
        ),
        (json!({"roomId": room}), 400),
        (json!({"roomId": room, "text": "x".repeat(7440)}), 400),
        (json!({"roomId": room, "markdown": "é".repeat(3720)}), 400),
        (
            json!({"roomId": room, "text": "two cards", "attachments": [card(), card()]}),
            400,
        ),
        (
            json!({"roomId": room, "text": "bad type", "attachments": [{"contentType": "text/html", "content": {}}]}),
            400,
        ),
        (
            json!({"roomId": room, "text": "no content", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive"}]}),
            400,
        ),
        (
            json!({"roomId": room, "parentId": "unknown", "text": "orphan"}),
            404,
        ),
        (
            json!({"roomId": sandbox.direct_room(Role::Viewer).unwrap(), "text": "not my room"}),
            404,
        ),
        (
            json!({"toPersonEmail": "nobody@example.com", "text": "who"}),
            404,
        ),
    ];
    for (body, status) in cases {
        let answer = post(&sandbox, &ada, "/messages", body.clone()).await;
        assert_webex_error(&answer, status);
    }
    let longest = post(
        &sandbox,
        &ada,
        "/messages",
        json!({"roomId": room, "text": "x".repeat(7439)}),
    )
    .await;
    assert_eq!(longest.status, 200);
    let with_card = post(
        &sandbox,
        &ada,
        "/messages",
        json!({"roomId": room, "markdown": "card", "attachments": [card()]}),
    )
    .await;
    assert_eq!(with_card.status, 200);
    assert_eq!(
        with_card.body["attachments"][0]["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
}

#[tokio::test]
async fn replies_must_point_at_a_root_message() {
    let sandbox = start().await;
    let ada = sandbox.person(Role::Admin).token.clone();
    let room = sandbox.direct_room(Role::Admin).unwrap().to_owned();
    let root = sandbox.post_as(&ada, &room, "root").await.unwrap();
    let reply = post(
        &sandbox,
        &ada,
        "/messages",
        json!({"roomId": room, "parentId": root.id, "text": "reply"}),
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["parentId"], root.id.as_str());
    let nested = post(
        &sandbox,
        &ada,
        "/messages",
        json!({"roomId": room, "parentId": reply.body["id"], "text": "deeper"}),
    )
    .await;
    assert_webex_error(&nested, 400);
    let thread = get(
        &sandbox,
        &ada,
        &format!("/messages?roomId={room}&parentId={}", root.id),
    )
    .await;
    let ids: Vec<&str> = thread.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![reply.body["id"].as_str().unwrap()]);
}

#[tokio::test]
async fn a_mention_of_the_bot_yields_its_first_name_html_and_mentioned_people() {
    let sandbox = start().await;
    let oscar = sandbox.person(Role::Operator).token.clone();
    let markdown = format!("{} mute room 4B", sandbox.mention_bot());
    let posted = sandbox
        .post_as(&oscar, &sandbox.ops_room(), &markdown)
        .await
        .unwrap();
    assert_eq!(posted.text.as_deref(), Some("Roombot mute room 4B"));
    assert_eq!(posted.mentioned_people, vec![sandbox.bot_id().to_owned()]);
    let html = posted.html.as_deref().unwrap();
    assert!(
        html.contains(&format!("data-object-id=\"{}\"", sandbox.bot_id())),
        "{html}"
    );
    assert_eq!(posted.room_type, "group");
    let fetched = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/messages/{}", posted.id),
    )
    .await;
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body["text"], "Roombot mute room 4B");
    assert_eq!(fetched.body["personEmail"], "oscar.operator@example.com");
}

#[tokio::test]
async fn a_bot_in_a_group_room_sees_only_messages_that_mention_it_and_its_own() {
    let sandbox = start().await;
    let ops = sandbox.ops_room();
    let vera = sandbox.person(Role::Viewer).token.clone();
    let plain = sandbox.post_as(&vera, &ops, "lunch anyone?").await.unwrap();
    let mentioned = sandbox
        .post_as(&vera, &ops, &format!("{} help", sandbox.mention_bot()))
        .await
        .unwrap();
    let own = sandbox
        .post_as(sandbox.bot_token(), &ops, "I am here")
        .await
        .unwrap();

    let hidden = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/messages/{}", plain.id),
    )
    .await;
    assert_webex_error(&hidden, 404);
    assert_eq!(
        get(
            &sandbox,
            sandbox.bot_token(),
            &format!("/messages/{}", own.id)
        )
        .await
        .status,
        200
    );
    let unfiltered = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/messages?roomId={ops}"),
    )
    .await;
    assert_webex_error(&unfiltered, 403);
    let listed = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/messages?roomId={ops}&mentionedPeople=me"),
    )
    .await;
    let ids: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![mentioned.id.as_str()]);
    let by_person = get(&sandbox, &vera, &format!("/messages?roomId={ops}")).await;
    assert_eq!(by_person.body["items"].as_array().unwrap().len(), 3);
    let too_many = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/messages?roomId={ops}&mentionedPeople=me&max=101"),
    )
    .await;
    assert_webex_error(&too_many, 400);
}

#[tokio::test]
async fn listing_pages_newest_first_through_link_headers() {
    let sandbox = start_with(SandboxOptions {
        default_page_size: 2,
        ..SandboxOptions::default()
    })
    .await;
    let ada = sandbox.person(Role::Admin).token.clone();
    let room = sandbox.direct_room(Role::Admin).unwrap().to_owned();
    let mut posted = Vec::new();
    for i in 0..5 {
        posted.push(
            sandbox
                .post_as(&ada, &room, &format!("message {i}"))
                .await
                .unwrap()
                .id,
        );
    }
    let mut seen = Vec::new();
    let mut page = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/messages?roomId={room}"),
    )
    .await;
    let mut pages = 1;
    while let Some(link) = page
        .headers
        .get("link")
        .map(|l| l.to_str().unwrap().to_owned())
    {
        seen.extend(
            page.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["id"].as_str().unwrap().to_owned()),
        );
        assert!(
            link.contains("roomId=") && link.ends_with("rel=\"next\""),
            "{link}"
        );
        let next = link
            .trim_start_matches('<')
            .split('>')
            .next()
            .unwrap()
            .to_owned();
        page = get(&sandbox, sandbox.bot_token(), &next).await;
        pages += 1;
    }
    seen.extend(
        page.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].as_str().unwrap().to_owned()),
    );
    posted.reverse();
    assert_eq!((seen, pages), (posted.clone(), 3));
    let before = get(
        &sandbox,
        &ada,
        &format!("/messages?roomId={room}&beforeMessage={}&max=10", posted[1]),
    )
    .await;
    assert_eq!(before.body["items"].as_array().unwrap().len(), 3);
    let future = get(
        &sandbox,
        &ada,
        &format!("/messages?roomId={room}&before=2000-01-01T00:00:00.000Z"),
    )
    .await;
    assert_eq!(future.body["items"].as_array().unwrap().len(), 0);
    assert_webex_error(
        &get(
            &sandbox,
            &ada,
            &format!("/messages?roomId={room}&before=yesterday"),
        )
        .await,
        400,
    );
    assert_webex_error(&get(&sandbox, &ada, "/messages").await, 400);
}

#[tokio::test]
async fn a_message_can_be_edited_ten_times_by_its_author_only() {
    let sandbox = start().await;
    let ops = sandbox.ops_room();
    let ada = sandbox.person(Role::Admin).token.clone();
    let posted = sandbox
        .post_as(sandbox.bot_token(), &ops, "working…")
        .await
        .unwrap();
    let path = format!("/messages/{}", posted.id);
    for i in 1..=10 {
        let edit = put(
            &sandbox,
            sandbox.bot_token(),
            &path,
            json!({"roomId": ops, "markdown": format!("edit {i}")}),
        )
        .await;
        assert_eq!(edit.status, 200, "edit {i}: {}", edit.body);
        assert_eq!(edit.body["text"], format!("edit {i}"));
        assert!(edit.body["updated"].is_string());
    }
    let eleventh = put(
        &sandbox,
        sandbox.bot_token(),
        &path,
        json!({"roomId": ops, "markdown": "edit 11"}),
    )
    .await;
    assert_webex_error(&eleventh, 400);
    let not_author = put(
        &sandbox,
        &ada,
        &path,
        json!({"roomId": ops, "text": "mine now"}),
    )
    .await;
    assert_webex_error(&not_author, 403);
    let no_room = put(&sandbox, sandbox.bot_token(), &path, json!({"text": "x"})).await;
    assert_webex_error(&no_room, 400);
}

#[tokio::test]
async fn card_messages_cannot_be_edited_unless_the_option_allows_it() {
    for (allow, expected) in [(false, 400), (true, 200)] {
        let sandbox = start_with(SandboxOptions {
            allow_card_edits: allow,
            ..SandboxOptions::default()
        })
        .await;
        let room = sandbox.direct_room(Role::Admin).unwrap().to_owned();
        let body = json!({"roomId": room, "markdown": "card", "attachments": [card()]});
        let posted = post(&sandbox, sandbox.bot_token(), "/messages", body).await;
        let path = format!("/messages/{}", posted.body["id"].as_str().unwrap());
        let edit = put(
            &sandbox,
            sandbox.bot_token(),
            &path,
            json!({"roomId": room, "markdown": "done"}),
        )
        .await;
        assert_eq!(
            edit.status, expected,
            "allow_card_edits={allow}: {}",
            edit.body
        );
    }
}

#[tokio::test]
async fn deleting_answers_204_and_the_message_is_gone() {
    let sandbox = start().await;
    let room = sandbox.direct_room(Role::Admin).unwrap().to_owned();
    let posted = sandbox
        .post_as(sandbox.bot_token(), &room, "bye")
        .await
        .unwrap();
    let path = format!("/messages/{}", posted.id);
    let ada = sandbox.person(Role::Admin).token.clone();
    assert_webex_error(&delete(&sandbox, &ada, &path).await, 403);
    let deleted = delete(&sandbox, sandbox.bot_token(), &path).await;
    assert_eq!(deleted.status, 204);
    assert_webex_error(&get(&sandbox, sandbox.bot_token(), &path).await, 404);
}

#[tokio::test]
async fn direct_messages_by_email_or_id_land_in_the_one_to_one_room() {
    let sandbox = start().await;
    let ada = sandbox.person(Role::Admin).clone();
    let by_email = post(
        &sandbox,
        sandbox.bot_token(),
        "/messages",
        json!({"toPersonEmail": ada.email, "text": "hi"}),
    )
    .await;
    assert_eq!(by_email.status, 200);
    assert_eq!(
        by_email.body["roomId"],
        ada.direct_room_id.as_deref().unwrap()
    );
    assert_eq!(by_email.body["roomType"], "direct");
    assert_eq!(by_email.body["toPersonEmail"], ada.email.as_str());
    let oscar = sandbox.person(Role::Operator).clone();
    let new_pair = post(
        &sandbox,
        &ada.token,
        "/messages",
        json!({"toPersonId": oscar.id, "text": "hello Oscar"}),
    )
    .await;
    assert_eq!(new_pair.status, 200);
    let room = new_pair.body["roomId"].as_str().unwrap();
    let oscar_sees = get(&sandbox, &oscar.token, &format!("/rooms/{room}")).await;
    assert_eq!(
        (
            oscar_sees.body["type"].as_str(),
            oscar_sees.body["title"].as_str()
        ),
        (Some("direct"), Some("Ada Admin"))
    );
    assert_webex_error(
        &get(&sandbox, sandbox.bot_token(), &format!("/rooms/{room}")).await,
        404,
    );
}

#[tokio::test]
async fn direct_messages_are_listed_by_person_id_or_email_newest_first() {
    let sandbox = start().await;
    let vera = sandbox.person(Role::Viewer).clone();
    let room = vera.direct_room_id.clone().unwrap();
    let first = sandbox.post_as(&vera.token, &room, "one").await.unwrap();
    let reply = post(
        &sandbox,
        sandbox.bot_token(),
        "/messages",
        json!({"roomId": room, "parentId": first.id, "text": "two"}),
    )
    .await;
    assert_eq!(reply.status, 200);
    let by_email = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/messages/direct?personEmail={}", vera.email),
    )
    .await;
    assert_eq!(by_email.status, 200);
    let texts: Vec<&str> = by_email.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["two", "one"]);
    let by_id = get(
        &sandbox,
        &vera.token,
        &format!(
            "/messages/direct?personId={}&parentId={}",
            sandbox.bot_id(),
            first.id
        ),
    )
    .await;
    assert_eq!(by_id.body["items"].as_array().unwrap().len(), 1);
    assert_eq!(by_id.body["items"][0]["text"], "two");
    assert_webex_error(
        &get(&sandbox, sandbox.bot_token(), "/messages/direct").await,
        400,
    );
    assert_webex_error(
        &get(
            &sandbox,
            sandbox.bot_token(),
            "/messages/direct?personEmail=nobody@example.com",
        )
        .await,
        404,
    );
}

#[tokio::test]
async fn markdown_is_rendered_to_html_and_plain_text_as_webex_does() {
    let sandbox = start().await;
    let ada = sandbox.person(Role::Admin).clone();
    let room = ada.direct_room_id.clone().unwrap();
    let posted = sandbox
        .post_as(&ada.token, &room, "**mute** the `4B` room <i>now</i>")
        .await
        .unwrap();
    assert_eq!(
        posted.html.as_deref(),
        Some("<p><strong>mute</strong> the <code>4B</code> room &lt;i&gt;now&lt;/i&gt;</p>")
    );
    assert_eq!(posted.text.as_deref(), Some("mute the 4B room <i>now</i>"));
}

#[tokio::test]
async fn a_person_submits_a_card_and_both_sides_can_read_the_action() {
    let sandbox = start().await;
    let room = sandbox.direct_room(Role::Admin).unwrap().to_owned();
    let body = json!({"roomId": room, "markdown": "Muted 4B", "attachments": [card()]});
    let card_message = post(&sandbox, sandbox.bot_token(), "/messages", body)
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let ada = sandbox.person(Role::Admin).clone();
    let action = sandbox
        .click(&ada.token, &card_message, json!({"cmd": "unmute room 4B"}))
        .await
        .unwrap();
    assert_eq!(
        (action.kind.as_str(), action.message_id.as_str()),
        ("submit", card_message.as_str())
    );
    assert_eq!(
        (action.person_id.as_str(), action.room_id.as_str()),
        (ada.id.as_str(), room.as_str())
    );
    let read = get(
        &sandbox,
        sandbox.bot_token(),
        &format!("/attachment/actions/{}", action.id),
    )
    .await;
    assert_eq!(read.status, 200);
    assert_eq!(read.body["inputs"], json!({"cmd": "unmute room 4B"}));
    assert_eq!(read.body["type"], "submit");
    let vera = sandbox.person(Role::Viewer).token.clone();
    assert_webex_error(
        &get(
            &sandbox,
            &vera,
            &format!("/attachment/actions/{}", action.id),
        )
        .await,
        404,
    );
    let outsider_click = post(
        &sandbox,
        &vera,
        "/attachment/actions",
        json!({"type": "submit", "messageId": card_message, "inputs": {}}),
    )
    .await;
    assert_webex_error(&outsider_click, 404);
    let plain = sandbox
        .post_as(sandbox.bot_token(), &room, "no card")
        .await
        .unwrap();
    let no_card = post(
        &sandbox,
        &ada.token,
        "/attachment/actions",
        json!({"type": "submit", "messageId": plain.id, "inputs": {}}),
    )
    .await;
    assert_webex_error(&no_card, 400);
    let wrong_type = post(
        &sandbox,
        &ada.token,
        "/attachment/actions",
        json!({"type": "click", "messageId": card_message}),
    )
    .await;
    assert_webex_error(&wrong_type, 400);
    let raw = post(
        &sandbox,
        &ada.token,
        "/attachment/actions",
        json!({"type": "submit", "messageId": card_message, "inputs": {"v": "1"}}),
    )
    .await;
    assert_eq!(raw.status, 202);
}

#[tokio::test]
async fn unknown_routes_and_methods_answer_in_the_webex_shape() {
    let sandbox = start().await;
    assert_webex_error(
        &get(&sandbox, sandbox.bot_token(), "/nothing/here").await,
        404,
    );
    let wrong_method = call(
        &sandbox,
        Some(sandbox.bot_token()),
        reqwest::Method::PATCH,
        "/messages",
        None,
    )
    .await;
    assert_webex_error(&wrong_method, 405);
    let bad_json = client()
        .post(format!("{}/messages", sandbox.base_url()))
        .bearer_auth(sandbox.bot_token())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_json.status(), 400);
    assert!(bad_json.headers().get("trackingId").is_some());
}
