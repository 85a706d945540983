//! The create forms end to end against the sandbox: `workspace create` and `location create`
//! answer with a form card; its Create button creates through the typed command's path with
//! the clicker's rights, every field checked before any create call.

use crate::ops_support;
use crate::support;

use ops_support::{calls, summary, text};
use roombot::sandbox::{Message, Role};
use serde_json::{Value, json};
use support::{TestBot, WAIT, button_data, card, spawn_bot};

/// Every input element of the card: id → element.
fn inputs(message: &Message) -> Vec<(String, Value)> {
    fn walk(value: &Value, out: &mut Vec<(String, Value)>) {
        match value {
            Value::Object(map) => {
                let is_input = map
                    .get("type")
                    .and_then(Value::as_str)
                    .is_some_and(|t| t.starts_with("Input."));
                if let (true, Some(id)) = (is_input, map.get("id").and_then(Value::as_str)) {
                    out.push((id.to_owned(), value.clone()));
                }
                map.values().for_each(|v| walk(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(card(message).expect("a card"), &mut out);
    out
}

fn input(message: &Message, id: &str) -> Value {
    inputs(message)
        .into_iter()
        .find(|(i, _)| i == id)
        .unwrap_or_else(|| panic!("no input {id}"))
        .1
}

/// The value of the choice titled `title` in the ChoiceSet `id`.
fn choice(message: &Message, id: &str, title: &str) -> String {
    input(message, id)["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .find(|c| c["title"] == title)
        .and_then(|c| c["value"].as_str())
        .unwrap_or_else(|| panic!("no choice {title} in {id}"))
        .to_owned()
}

/// `role` presses Create on `form` with `fields` (merged into its data, as Webex does) and
/// returns the bot's next message in that room.
async fn submit(bot: &TestBot, role: Role, form: &Message, fields: Value) -> Message {
    let mut data = button_data(form, "Create").expect("a Create button");
    for (key, value) in fields.as_object().expect("fields object") {
        data[key] = value.clone();
    }
    let before: Vec<String> = bot
        .sandbox
        .messages(&form.room_id)
        .into_iter()
        .map(|m| m.id)
        .collect();
    bot.sandbox
        .click(&bot.token(role), &form.id, data)
        .await
        .expect("click posts");
    let bot_id = bot.sandbox.bot_id().to_owned();
    bot.sandbox
        .wait_for_message(
            &form.room_id,
            |m| m.person_id == bot_id && !before.contains(&m.id),
            WAIT,
        )
        .await
        .expect("the bot answers the form")
}

fn workspace_names(bot: &TestBot) -> Vec<String> {
    bot.sandbox
        .org()
        .workspace_snapshots()
        .into_iter()
        .map(|w| w.display_name)
        .collect()
}

fn barcelona_office() -> Value {
    json!({
        "name": "Poblenou", "address1": "Carrer de Pere IV 1", "address2": "Building B",
        "city": "Barcelona", "state": "Catalonia", "postalCode": "08018", "countryCode": "es",
        "latitude": "41.406615", "longitude": "2.200717", "notes": "Second office",
    })
}

#[tokio::test]
async fn workspace_create_without_details_answers_with_the_form() {
    let bot = spawn_bot().await;
    let form = bot.say(Role::Admin, "workspace create").await;
    let ids: Vec<String> = inputs(&form).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        ["name", "type", "capacity", "location", "floor", "notes"],
        "{}",
        text(&form)
    );
    let kinds: Vec<Value> = input(&form, "type")["choices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].clone())
        .collect();
    assert_eq!(
        kinds,
        [
            "notSet",
            "focus",
            "huddle",
            "meetingRoom",
            "open",
            "desk",
            "other"
        ]
    );
    assert_eq!(input(&form, "capacity")["type"], "Input.Number");
    assert_eq!(input(&form, "capacity")["min"], 0);
    assert_eq!(input(&form, "location")["type"], "Input.ChoiceSet");
    for place in ["Barcelona", "Oslo", "San Jose"] {
        assert!(choice(&form, "location", place).starts_with("Y2lz"));
    }
    assert_eq!(
        button_data(&form, "Create"),
        Some(json!({"form": "workspace_create"}))
    );
    assert!(
        calls(&bot, "POST", "workspaces").is_empty(),
        "{:?}",
        summary(&bot)
    );
}

#[tokio::test]
async fn the_workspace_form_creates_with_exactly_the_fields_given() {
    let bot = spawn_bot().await;
    let form = bot.say(Role::Admin, "workspace create").await;
    let barcelona = choice(&form, "location", "Barcelona");
    let reply = submit(
        &bot,
        Role::Admin,
        &form,
        json!({"name": "Lab 7", "type": "huddle", "capacity": "6", "location": barcelona,
               "floor": "4", "notes": "Whiteboard wall"}),
    )
    .await;
    let posts = calls(&bot, "POST", "workspaces");
    assert_eq!(posts.len(), 1, "{:?}", summary(&bot));
    let body = posts[0].body.clone().expect("a body");
    let floor = body["floorId"].as_str().expect("a floorId").to_owned();
    assert_eq!(
        body,
        json!({"displayName": "Lab 7", "type": "huddle", "capacity": 6, "locationId": barcelona,
               "floorId": floor, "notes": "Whiteboard wall"})
    );
    let lab = bot
        .sandbox
        .org()
        .workspace_snapshots()
        .into_iter()
        .find(|w| w.display_name == "Lab 7")
        .expect("Lab 7 exists");
    assert_eq!(lab.location.as_deref(), Some("Barcelona"));
    assert!(text(&reply).contains("Created Lab 7"), "{}", text(&reply));
    assert!(text(&reply).contains("Huddle room"), "{}", text(&reply));
}

#[tokio::test]
async fn blank_optional_fields_are_left_out_and_the_typed_command_posts_the_same() {
    let bot = spawn_bot().await;
    let form = bot.say(Role::Admin, "workspace create").await;
    submit(
        &bot,
        Role::Admin,
        &form,
        json!({"name": "Lab 8", "type": "", "capacity": "", "location": "none", "floor": "", "notes": ""}),
    )
    .await;
    bot.say(Role::Admin, r#"workspace create "Lab 9""#).await;
    let bodies: Vec<Value> = calls(&bot, "POST", "workspaces")
        .into_iter()
        .filter_map(|r| r.body)
        .collect();
    assert_eq!(
        bodies,
        [
            json!({"displayName": "Lab 8"}),
            json!({"displayName": "Lab 9"})
        ]
    );
    let names = workspace_names(&bot);
    assert!(names.contains(&"Lab 8".to_owned()) && names.contains(&"Lab 9".to_owned()));
}

#[tokio::test]
async fn typed_details_fill_the_form() {
    let bot = spawn_bot().await;
    let form = bot
        .say(
            Role::Admin,
            "workspace create type desk capacity 2 in Oslo floor 3",
        )
        .await;
    assert_eq!(input(&form, "type")["value"], "desk", "{}", text(&form));
    assert_eq!(input(&form, "capacity")["value"], 2);
    assert_eq!(
        input(&form, "location")["value"],
        json!(choice(&form, "location", "Oslo"))
    );
    assert_eq!(input(&form, "floor")["value"], 3);
    assert_eq!(input(&form, "name")["value"], "");
    let blank = bot.say(Role::Admin, "workspace create").await;
    assert_eq!(input(&blank, "location")["value"], "none");
    assert_eq!(choice(&blank, "location", "No location"), "none");
}

#[tokio::test]
async fn invalid_workspace_fields_are_named_and_nothing_is_created() {
    let bot = spawn_bot().await;
    let form = bot.say(Role::Admin, "workspace create").await;
    let before = workspace_names(&bot);
    let reply = submit(
        &bot,
        Role::Admin,
        &form,
        json!({"name": "Lab 7", "type": "ballroom", "capacity": "-3", "location": "", "floor": "2", "notes": ""}),
    )
    .await;
    let said = text(&reply);
    assert!(said.contains("capacity must be a whole number"), "{said}");
    assert!(said.contains("type must be one of"), "{said}");
    assert!(said.contains("floor needs a location"), "{said}");
    assert!(
        calls(&bot, "POST", "workspaces").is_empty(),
        "{:?}",
        summary(&bot)
    );
    assert_eq!(workspace_names(&bot), before);
    // The form comes back as submitted, ready to fix and resubmit.
    assert_eq!(input(&reply, "name")["value"], "Lab 7");
    assert_eq!(input(&reply, "capacity")["value"], -3);
    let fixed = submit(
        &bot,
        Role::Admin,
        &reply,
        json!({"name": "Lab 7", "capacity": "3"}),
    )
    .await;
    assert!(text(&fixed).contains("Created Lab 7"), "{}", text(&fixed));
    assert_eq!(calls(&bot, "POST", "workspaces").len(), 1);
}

#[tokio::test]
async fn a_missing_floor_is_refused_by_the_shared_create_path() {
    let bot = spawn_bot().await;
    let form = bot.say(Role::Admin, "workspace create").await;
    let oslo = choice(&form, "location", "Oslo");
    let reply = submit(
        &bot,
        Role::Admin,
        &form,
        json!({"name": "Lab 7", "location": oslo, "floor": "9"}),
    )
    .await;
    assert!(
        text(&reply).contains("Oslo has no floor 9"),
        "{}",
        text(&reply)
    );
    assert!(calls(&bot, "POST", "workspaces").is_empty());
}

#[tokio::test]
async fn operators_get_no_form_and_cannot_submit_one() {
    let bot = spawn_bot().await;
    let refused = bot.say(Role::Operator, "workspace create").await;
    assert!(text(&refused).contains("admin"), "{}", text(&refused));
    assert!(inputs(&refused).is_empty());
    let form = bot.say_in_ops(Role::Admin, "workspace create").await;
    let reply = submit(&bot, Role::Operator, &form, json!({"name": "Sneaky"})).await;
    assert!(
        text(&reply).contains("needs the admin role"),
        "{}",
        text(&reply)
    );
    let form = bot.say_in_ops(Role::Admin, "location create").await;
    let reply = submit(&bot, Role::Operator, &form, barcelona_office()).await;
    assert!(
        text(&reply).contains("needs the admin role"),
        "{}",
        text(&reply)
    );
    assert!(calls(&bot, "POST", "workspaces").is_empty());
    assert!(calls(&bot, "POST", "workspaceLocations").is_empty());
    assert!(!workspace_names(&bot).contains(&"Sneaky".to_owned()));
}

#[tokio::test]
async fn location_create_answers_with_the_address_form() {
    let bot = spawn_bot().await;
    let form = bot.say(Role::Admin, "location create Poblenou").await;
    let ids: Vec<String> = inputs(&form).into_iter().map(|(id, _)| id).collect();
    assert_eq!(
        ids,
        [
            "name",
            "address1",
            "address2",
            "city",
            "postalCode",
            "state",
            "countryCode",
            "latitude",
            "longitude",
            "notes"
        ]
    );
    assert_eq!(input(&form, "name")["value"], "Poblenou");
    assert_eq!(input(&form, "countryCode")["maxLength"], 2);
    assert_eq!(
        button_data(&form, "Create"),
        Some(json!({"form": "location_create"}))
    );
}

#[tokio::test]
async fn the_location_form_creates_a_workspace_location_found_at_once() {
    let bot = spawn_bot().await;
    let form = bot.say(Role::Admin, "location create").await;
    let reply = submit(&bot, Role::Admin, &form, barcelona_office()).await;
    let posts = calls(&bot, "POST", "workspaceLocations");
    assert_eq!(posts.len(), 1, "{:?}", summary(&bot));
    assert_eq!(
        posts[0].body,
        Some(json!({
            "displayName": "Poblenou",
            "address": "Carrer de Pere IV 1, Building B, 08018 Barcelona, Catalonia",
            "countryCode": "ES", "cityName": "Barcelona",
            "latitude": 41.406615, "longitude": 2.200717, "notes": "Second office",
        }))
    );
    assert!(
        text(&reply).contains("Created location Poblenou"),
        "{}",
        text(&reply)
    );
    let listed = bot.say(Role::Viewer, "locations").await;
    assert!(text(&listed).contains("Poblenou"), "{}", text(&listed));
    let made = bot
        .say(Role::Admin, r#"workspace create "Lab 10" in Poblenou"#)
        .await;
    assert!(text(&made).contains("Created Lab 10"), "{}", text(&made));
}

#[tokio::test]
async fn invalid_location_fields_are_named_and_nothing_is_posted() {
    let bot = spawn_bot().await;
    let form = bot.say(Role::Admin, "location create").await;
    let mut fields = barcelona_office();
    fields["latitude"] = json!("200");
    fields["longitude"] = json!("-181");
    fields["countryCode"] = json!("XX");
    fields["city"] = json!("  ");
    let reply = submit(&bot, Role::Admin, &form, fields).await;
    let said = text(&reply);
    for needle in [
        "latitude must be a number from -90 to 90",
        "longitude must be a number from -180 to 180",
        "country code must be an ISO 3166",
        "city is required",
    ] {
        assert!(said.contains(needle), "{needle}: {said}");
    }
    assert!(
        calls(&bot, "POST", "workspaceLocations").is_empty(),
        "{:?}",
        summary(&bot)
    );
    assert!(calls(&bot, "POST", "locations").is_empty());
    assert_eq!(input(&reply, "latitude")["value"], "200");
}

#[tokio::test]
async fn pressing_create_twice_creates_once() {
    let bot = spawn_bot().await;
    let form = bot.say(Role::Admin, "workspace create").await;
    let fields = json!({"name": "Lab 9", "type": "focus", "capacity": "1"});
    submit(&bot, Role::Admin, &form, fields.clone()).await;
    let again = submit(&bot, Role::Admin, &form, fields).await;
    assert!(text(&again).contains("already used"), "{}", text(&again));
    assert_eq!(calls(&bot, "POST", "workspaces").len(), 1);
    let labs = workspace_names(&bot)
        .into_iter()
        .filter(|n| n == "Lab 9")
        .count();
    assert_eq!(labs, 1);
}
