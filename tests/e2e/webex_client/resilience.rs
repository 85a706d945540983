//! Retries, rate limits, timeouts, the semaphore, headers and error reporting.

use std::time::Duration;

use roombot::webex::{DeviceId, MessageId, NewMessage, RoomId, WebexError};
use serde_json::json;
use wiremock::ResponseTemplate;

use super::fake::{ClockHold, FakeWebex, TOKEN, advance_and_settle, fixture, observed_client};

fn error_body(message: &str) -> serde_json::Value {
    json!({"message": message, "errors": [{"description": message}], "trackingId": "ROUTER_ABC"})
}

#[tokio::test(start_paused = true)]
async fn rate_limited_call_waits_retry_after_then_succeeds() {
    let fake = FakeWebex::start().await;
    let limited = ResponseTemplate::new(429)
        .insert_header("Retry-After", "2")
        .set_body_json(error_body("Too Many Requests"));
    fake.me().respond(limited).times(1).expect(1).mount().await;
    fake.me()
        .returns_fixture("people_me.json")
        .expect(1)
        .mount()
        .await;
    let (client, mut calls) = observed_client(fake.config());
    let _clock = ClockHold::new();

    let call = tokio::spawn(async move { client.me().await });
    let (first_at, first) = calls.next().await;
    assert_eq!(first.status, Some(429));
    advance_and_settle(Duration::from_millis(1999)).await;
    advance_and_settle(Duration::from_millis(1)).await;
    let (second_at, second) = calls.next().await;
    assert_eq!(second.status, Some(200));
    // Virtual time moves only by `advance` here, in two steps with every woken task run after
    // each: a wait shorter than 2 s would start the second attempt at 1.999 s.
    let waited = (second_at - second.elapsed) - first_at;
    assert!(waited >= Duration::from_secs(2), "retried after {waited:?}");
    call.await.expect("task").expect("me after the retry");
    assert_eq!(first.endpoint, "people/me");
    assert_eq!(
        first.tracking_id, second.tracking_id,
        "one TrackingID per call"
    );
}

#[tokio::test(start_paused = true)]
async fn locked_423_is_handled_like_429_even_for_post_messages() {
    let fake = FakeWebex::start().await;
    let locked = ResponseTemplate::new(423).insert_header("Retry-After", "1");
    fake.create_message()
        .respond(locked)
        .times(1)
        .expect(1)
        .mount()
        .await;
    fake.create_message()
        .returns_fixture("message_created.json")
        .expect(1)
        .mount()
        .await;
    let (client, mut calls) = observed_client(fake.config());
    let _clock = ClockHold::new();

    let call = tokio::spawn(async move {
        client
            .create_message(&NewMessage::to_room(&RoomId::from("R1")).text("hi"))
            .await
    });
    let (first_at, first) = calls.next().await;
    assert_eq!(first.status, Some(423));
    advance_and_settle(Duration::from_millis(999)).await;
    advance_and_settle(Duration::from_millis(1)).await;
    let (second_at, second) = calls.next().await;
    assert_eq!(second.status, Some(200));
    assert!((second_at - second.elapsed) - first_at >= Duration::from_secs(1));
    call.await.expect("task").expect("posted after the retry");
}

#[tokio::test(start_paused = true)]
async fn rate_limit_without_retry_after_waits_the_default_and_gives_up_at_the_deadline() {
    let fake = FakeWebex::start().await;
    fake.me()
        .respond(ResponseTemplate::new(429).set_body_json(error_body("slow down")))
        .expect(2)
        .mount()
        .await;
    let mut config = fake.config();
    // Attempts at 0 s and 5 s; a third at 10 s would start past the 8 s deadline.
    config.retry_deadline = Duration::from_secs(8);
    let (client, mut calls) = observed_client(config);
    let _clock = ClockHold::new();

    let call = tokio::spawn(async move { client.me().await });
    let (first_at, _) = calls.next().await;
    advance_and_settle(Duration::from_millis(4999)).await;
    advance_and_settle(Duration::from_millis(1)).await;
    let (second_at, second) = calls.next().await;
    assert!((second_at - second.elapsed) - first_at >= Duration::from_secs(5));
    let err = call.await.expect("task").expect_err("still limited");
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), None);
    assert_eq!(err.tracking_id(), Some("ROUTER_ABC"));
}

#[tokio::test(start_paused = true)]
async fn service_unavailable_on_a_get_is_retried_with_backoff() {
    let fake = FakeWebex::start().await;
    fake.get_device("D1")
        .returns(503, error_body("unavailable"))
        .times(1)
        .expect(1)
        .mount()
        .await;
    fake.get_device("D1")
        .returns_fixture("device.json")
        .expect(1)
        .mount()
        .await;
    let (client, mut calls) = observed_client(fake.config());
    let _clock = ClockHold::new();

    let call = tokio::spawn(async move { client.get_device(&DeviceId::from("D1")).await });
    let (first_at, first) = calls.next().await;
    assert_eq!(first.status, Some(503));
    // Backoff after the first failure waits 250-500 ms.
    advance_and_settle(Duration::from_millis(249)).await;
    advance_and_settle(Duration::from_secs(10)).await;
    let (second_at, second) = calls.next().await;
    assert_eq!(second.status, Some(200));
    assert!(
        (second_at - second.elapsed) - first_at >= Duration::from_millis(250),
        "backoff waited"
    );
    call.await.expect("task").expect("device after the retry");
}

#[tokio::test]
async fn service_unavailable_on_xapi_command_or_message_post_is_not_retried() {
    let fake = FakeWebex::start().await;
    fake.xapi_command("SystemUnit.Boot")
        .returns(503, error_body("unavailable"))
        .expect(1)
        .mount()
        .await;
    fake.create_message()
        .returns(503, error_body("unavailable"))
        .expect(1)
        .mount()
        .await;
    let client = fake.client();

    let err = client
        .xapi_command(
            &DeviceId::from("D1"),
            "SystemUnit.Boot",
            Some(json!({"Action": "Restart"})),
            None,
        )
        .await
        .expect_err("503");
    assert_eq!(err.status(), Some(503));
    let err = client
        .create_message(&NewMessage::to_room(&RoomId::from("R1")).text("hi"))
        .await
        .expect_err("503");
    assert_eq!(err.status(), Some(503));
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_get_is_retried_until_the_deadline_then_surfaces_clearly() {
    let fake = FakeWebex::start().await;
    // The fake answers after a minute of real time; the client's 5 s (paused, auto-advancing)
    // timeout fires first, every time.
    let slow = ResponseTemplate::new(200)
        .set_body_json(fixture("message.json"))
        .set_delay(Duration::from_secs(60));
    fake.get_message("M1").respond(slow).mount().await;
    let mut config = fake.config();
    // Attempt 1 times out at 5 s, a backoff of at most 0.5 s fits the 6 s deadline, attempt 2
    // times out past it: two attempts.
    config.retry_deadline = Duration::from_secs(6);
    let (client, mut calls) = observed_client(config);

    let err = client
        .get_message(&MessageId::from("M1"))
        .await
        .expect_err("times out");
    assert!(matches!(err, WebexError::Timeout { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("timed out") && text.contains("messages/M1") && text.contains("ROOMBOT_"),
        "{text}"
    );
    let attempts = calls.drain();
    assert_eq!(attempts.len(), 2, "retried once, then the deadline");
    assert!(attempts.iter().all(|a| a.status.is_none()));
}

#[tokio::test(start_paused = true)]
async fn a_timed_out_post_is_never_repeated() {
    let fake = FakeWebex::start().await;
    let slow = ResponseTemplate::new(200)
        .set_body_json(fixture("message_created.json"))
        .set_delay(Duration::from_secs(60));
    fake.xapi_command("SystemUnit.Boot")
        .respond(slow)
        .mount()
        .await;
    let (client, mut calls) = observed_client(fake.config());

    let err = client
        .xapi_command(&DeviceId::from("D1"), "SystemUnit.Boot", None, None)
        .await
        .expect_err("times out");
    assert!(matches!(err, WebexError::Timeout { .. }), "{err:?}");
    assert_eq!(calls.drain().len(), 1, "Webex may have run it");
}

#[tokio::test]
async fn internal_server_error_on_a_get_is_retried_like_503() {
    let fake = FakeWebex::start().await;
    fake.get_device("D1")
        .returns(500, error_body("oops"))
        .times(2)
        .expect(2)
        .mount()
        .await;
    fake.get_device("D1")
        .returns_fixture("device.json")
        .expect(1)
        .mount()
        .await;
    let client = fake.client();
    client
        .get_device(&DeviceId::from("D1"))
        .await
        .expect("device after two retries");
}

#[tokio::test]
async fn errors_carry_status_message_descriptions_and_tracking_id_but_never_the_token() {
    let fake = FakeWebex::start().await;
    let body = json!({"message": "The requested resource could not be found.", "errors": [{"description": "No message M9"}], "trackingId": "ROUTER_BODY"});
    fake.get_message("M9")
        .returns(404, body)
        .expect(1)
        .mount()
        .await;
    fake.get_message("M8")
        .respond(
            ResponseTemplate::new(404)
                .insert_header("trackingId", "ROUTER_HEADER")
                .set_body_string("not json"),
        )
        .expect(1)
        .mount()
        .await;
    let client = fake.client();

    let err = client
        .get_message(&MessageId::from("M9"))
        .await
        .expect_err("404");
    let api = err.api().expect("api error");
    assert_eq!(
        (api.status, api.method.as_str(), api.path.as_str()),
        (404, "GET", "messages/M9")
    );
    assert_eq!(api.descriptions, ["No message M9"]);
    assert!(err.is_not_found());
    let text = err.to_string();
    assert!(
        text.contains("could not be found") && text.contains("ROUTER_BODY"),
        "{text}"
    );
    assert!(!text.contains(TOKEN) && !format!("{err:?}").contains(TOKEN));

    let err = client
        .get_message(&MessageId::from("M8"))
        .await
        .expect_err("404");
    assert_eq!(err.tracking_id(), Some("ROUTER_HEADER"));
}

#[tokio::test]
async fn unmatched_requests_are_named_by_the_catch_all() {
    let fake = FakeWebex::start().await;
    let mut config = fake.config();
    // The catch-all's 500 is retried for a GET: keep the deadline short.
    config.retry_deadline = Duration::from_millis(200);
    let err = roombot::webex::WebexClient::new(config)
        .expect("client")
        .get_message(&MessageId::from("nobody-mocked-this"))
        .await
        .expect_err("500");
    assert_eq!(err.status(), Some(500));
    assert!(err.to_string().contains("unmatched request GET"), "{err}");
}

#[tokio::test]
async fn base_url_with_or_without_trailing_slash_reaches_the_same_path() {
    let fake = FakeWebex::start().await;
    fake.me()
        .returns_fixture("people_me.json")
        .expect(2)
        .mount()
        .await;
    let mut config = fake.config();
    config.base_url = url::Url::parse(&format!("{}/", fake.base_url())).expect("URL");
    roombot::webex::WebexClient::new(config)
        .expect("client")
        .me()
        .await
        .expect("with slash");
    fake.client().me().await.expect("without slash");
}

#[tokio::test]
async fn in_flight_requests_are_bounded_by_the_semaphore() {
    let fake = FakeWebex::start().await;
    let slow = ResponseTemplate::new(200)
        .set_body_json(fixture("people_me.json"))
        .set_delay(Duration::from_millis(50));
    fake.me().respond(slow).expect(4).mount().await;
    let mut config = fake.config();
    config.max_in_flight = 1;
    let (client, mut calls) = observed_client(config);
    let results = futures::future::join_all((0..4).map(|_| client.me())).await;
    assert!(results.iter().all(Result::is_ok));
    // Each attempt is timed while it holds a permit: with one permit the spans cannot overlap.
    let mut spans = Vec::new();
    for _ in 0..4 {
        let (end, call) = calls.next().await;
        spans.push((end - call.elapsed, end));
    }
    spans.sort();
    for pair in spans.windows(2) {
        assert!(pair[1].0 >= pair[0].1, "overlapping attempts: {pair:?}");
    }
}
