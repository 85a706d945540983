//! People, messages, attachment actions and webhooks.

use roombot::webex::{
    AttachmentActionId, MessageEdit, MessageId, MessageQuery, NewAttachmentAction, NewMessage,
    NewWebhook, PersonId, PersonType, RoomId, RoomType, WebhookId, WebhookStatus, WebhookUpdate,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;

use super::fake::FakeWebex;

#[tokio::test]
async fn me_and_get_person_decode_the_spec_examples() {
    let fake = FakeWebex::start().await;
    fake.me()
        .returns_fixture("people_me.json")
        .expect(1)
        .mount()
        .await;
    fake.get_person("P1")
        .returns_fixture("person.json")
        .expect(1)
        .mount()
        .await;
    let client = fake.client();

    let me = client.me().await.expect("me");
    assert_eq!(me.display_name.as_deref(), Some("John Andersen"));
    assert_eq!(me.first_name.as_deref(), Some("John"));
    assert_eq!(me.person_type, Some(PersonType::Person));
    assert!(me.org_id.is_some());

    let person = client
        .get_person(&PersonId::from("P1"))
        .await
        .expect("person");
    assert_eq!(
        person.emails,
        Some(vec!["john.andersen@example.com".to_owned()])
    );
}

#[tokio::test]
async fn unknown_person_type_is_kept() {
    let fake = FakeWebex::start().await;
    fake.me()
        .returns(200, json!({"id": "B1", "type": "robot"}))
        .mount()
        .await;
    let me = fake.client().me().await.expect("me");
    assert_eq!(me.person_type, Some(PersonType::Other("robot".into())));
    assert_eq!(me.display_name, None);
}

#[tokio::test]
async fn create_message_sends_room_thread_markdown_and_one_card() {
    let fake = FakeWebex::start().await;
    let card = json!({"type": "AdaptiveCard", "version": "1.3", "body": []});
    fake.create_message()
        .body(json!({
            "roomId": "R1", "parentId": "M0", "markdown": "**done**",
            "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive", "content": card}]
        }))
        .returns_fixture("message_created.json")
        .expect(1)
        .mount()
        .await;
    let message = NewMessage::to_room(&RoomId::from("R1"))
        .in_thread(&MessageId::from("M0"))
        .markdown("**done**")
        .card(json!({"type": "AdaptiveCard", "version": "1.3", "body": []}));
    let created = fake
        .client()
        .create_message(&message)
        .await
        .expect("created");
    assert_eq!(created.room_type, Some(RoomType::Group));
    assert_eq!(created.attachments.as_ref().map(Vec::len), Some(1));
}

#[tokio::test]
async fn direct_messages_go_to_a_person_by_id_or_email() {
    let fake = FakeWebex::start().await;
    fake.create_message()
        .body(json!({"toPersonId": "P1", "text": "hi"}))
        .returns_fixture("message_created.json")
        .expect(1)
        .mount()
        .await;
    fake.create_message()
        .body(json!({"toPersonEmail": "a@example.com", "text": "hi"}))
        .returns_fixture("message_created.json")
        .expect(1)
        .mount()
        .await;
    let client = fake.client();
    client
        .create_message(&NewMessage::to_person(&PersonId::from("P1")).text("hi"))
        .await
        .expect("by id");
    client
        .create_message(&NewMessage::to_person_email("a@example.com").text("hi"))
        .await
        .expect("by email");
}

#[tokio::test]
async fn get_edit_and_delete_a_message() {
    let fake = FakeWebex::start().await;
    fake.get_message("M1")
        .returns_fixture("message.json")
        .expect(1)
        .mount()
        .await;
    fake.update_message("M1")
        .body(json!({"roomId": "R1", "markdown": "edited"}))
        .returns_fixture("message_edited.json")
        .expect(1)
        .mount()
        .await;
    fake.delete_message("M1")
        .no_content()
        .expect(1)
        .mount()
        .await;
    let client = fake.client();
    let id = MessageId::from("M1");

    let message = client.get_message(&id).await.expect("message");
    assert!(
        message
            .text
            .as_deref()
            .is_some_and(|t| t.starts_with("PROJECT UPDATE"))
    );
    assert!(message.html.is_some() && message.mentioned_groups.is_some());

    let edit = MessageEdit {
        room_id: RoomId::from("R1"),
        text: None,
        markdown: Some("edited".into()),
        attachments: vec![],
    };
    client.update_message(&id, &edit).await.expect("edited");
    client.delete_message(&id).await.expect("deleted");
}

#[tokio::test]
async fn list_messages_sends_every_filter() {
    let fake = FakeWebex::start().await;
    fake.list_messages()
        .query("roomId", "R1")
        .query("mentionedPeople", "me")
        .query("parentId", "M0")
        .query("before", "2026-01-01T00:00:00Z")
        .query("max", "5")
        .returns_fixture("messages_list.json")
        .expect(1)
        .mount()
        .await;
    let mut query = MessageQuery::in_room(&RoomId::from("R1"));
    query.mentioned_people = vec!["me".into()];
    query.parent_id = Some(MessageId::from("M0"));
    query.before = Some("2026-01-01T00:00:00Z".into());
    query.max = Some(5);
    let page = fake
        .client()
        .list_messages(&query)
        .first_page()
        .await
        .expect("page");
    assert_eq!(page.items.len(), 1);
    assert!(page.next.is_none());
}

#[tokio::test]
async fn attachment_actions_get_and_create() {
    let fake = FakeWebex::start().await;
    fake.get_attachment_action("A1")
        .returns_fixture("attachment_action.json")
        .expect(1)
        .mount()
        .await;
    fake.create_attachment_action()
        .body(json!({"type": "submit", "messageId": "M1", "inputs": {"command": "unmute room 4B"}}))
        .returns(202, super::fake::fixture("attachment_action_created.json"))
        .expect(1)
        .mount()
        .await;
    let client = fake.client();
    let action = client
        .get_attachment_action(&AttachmentActionId::from("A1"))
        .await
        .expect("action");
    assert_eq!(action.action_type.as_deref(), Some("submit"));
    let inputs = action.inputs.expect("inputs");
    assert_eq!(inputs["Name"], "John Andersen");

    let mut inputs = serde_json::Map::new();
    inputs.insert("command".into(), json!("unmute room 4B"));
    let created = client
        .create_attachment_action(&NewAttachmentAction::submit(&MessageId::from("M1"), inputs))
        .await
        .expect("created");
    assert!(created.message_id.is_some());
}

#[tokio::test]
async fn webhooks_list_create_reactivate_and_delete() {
    let fake = FakeWebex::start().await;
    fake.list_webhooks()
        .query("max", "100")
        .returns_fixture("webhooks_list.json")
        .expect(1)
        .mount()
        .await;
    fake.create_webhook()
        .body(json!({
            "name": "roombot messages", "targetUrl": "https://bot.example/webhooks/webex",
            "resource": "messages", "event": "created", "filter": "mentionedPeople=me", "secret": "s3cret"
        }))
        .returns_fixture("webhook.json")
        .expect(1)
        .mount()
        .await;
    fake.update_webhook("W1")
        .body(json!({"name": "roombot messages", "targetUrl": "https://bot.example/webhooks/webex", "status": "active"}))
        .returns_fixture("webhook_updated.json")
        .expect(1)
        .mount()
        .await;
    fake.delete_webhook("W1")
        .no_content()
        .expect(1)
        .mount()
        .await;
    let client = fake.client();

    let hooks = client
        .list_webhooks(Some(100))
        .list_all(5)
        .await
        .expect("list");
    assert_eq!(hooks.len(), 1);
    assert_eq!(hooks[0].status, Some(WebhookStatus::Active));
    let secret = hooks[0].secret.as_ref().expect("secret");
    assert_eq!(
        secret.expose_secret(),
        "86dacc007724d8ea666f88fc77d918dad9537a15"
    );
    assert!(!format!("{:?}", hooks[0]).contains("86dacc007724d8ea666f88fc77d918dad9537a15"));

    let new = NewWebhook {
        name: "roombot messages".into(),
        target_url: "https://bot.example/webhooks/webex".into(),
        resource: "messages".into(),
        event: "created".into(),
        filter: Some("mentionedPeople=me".into()),
        secret: Some(SecretString::from("s3cret")),
    };
    client.create_webhook(&new).await.expect("created");
    let update =
        WebhookUpdate::reactivate("roombot messages", "https://bot.example/webhooks/webex");
    client
        .update_webhook(&WebhookId::from("W1"), &update)
        .await
        .expect("reactivated");
    client
        .delete_webhook(&WebhookId::from("W1"))
        .await
        .expect("deleted");
}
