//! xAPI over HTTP against the demo organisation: status expressions, permissions, offline
//! devices, the command catalogue and what commands change; plus the Device guide's own
//! examples sent as plain HTTP, as any Webex client would send them.

use crate::sandbox_org_support;

use std::time::Duration;

use roombot::sandbox::org::OrgState;
use sandbox_org_support::{bot, demo, error_message, spawn};
use serde_json::json;

#[tokio::test]
async fn status_expressions_answer_canonical_trees() {
    let org = demo().await;
    let id = org.device_id("4B Room Kit Pro").await;
    let (status, body) = org.status(&id, &["audio.volume"]).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        json!({"deviceId": id, "result": {"Audio": {"Volume": 70}}})
    );
    let (_, body) = org
        .status(
            &id,
            &[
                "Audio.Microphones.Mute,Standby.State",
                "RoomAnalytics.PeopleCount.Current",
            ],
        )
        .await;
    assert_eq!(
        body["result"],
        json!({
            "Audio": {"Microphones": {"Mute": "Off"}},
            "RoomAnalytics": {"PeopleCount": {"Current": 4}},
            "Standby": {"State": "Off"}
        })
    );
    let (_, body) = org
        .status(&id, &["Audio.Input.Connectors.HDMI[2..3].Mute"])
        .await;
    assert_eq!(
        body["result"],
        json!({"Audio": {"Input": {"Connectors": {"HDMI": [{"id": 2, "Mute": "Off"}, {"id": 3, "Mute": "On"}]}}}})
    );
    let (_, body) = org.status(&id, &["Audio.Input.Connectors.HDMI[*].*"]).await;
    assert_eq!(
        body["result"]["Audio"]["Input"]["Connectors"]["HDMI"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    let (_, body) = org.status(&id, &["*.Volume"]).await;
    assert_eq!(body["result"], json!({"Audio": {"Volume": 70}}));
    let (_, body) = org
        .status(&id, &["SystemUnit.Software.Version", "SystemUnit.Uptime"])
        .await;
    assert_eq!(
        body["result"]["SystemUnit"],
        json!({"Software": {"Version": "ce11.14.1.5.8d2c5e1a1c3"}, "Uptime": 523811})
    );
    let (_, body) = org
        .status(&id, &["UserInterface.Extensions.Widget[*].Value"])
        .await;
    assert_eq!(
        body["result"]["UserInterface"]["Extensions"]["Widget"][0],
        json!({"id": "room_lights", "Value": "on"})
    );
    let (status, body) = org.status(&id, &["No.Such.Status"]).await;
    assert_eq!((status, body), (200, json!({"deviceId": id, "result": {}})));
}

#[tokio::test]
async fn status_requests_are_checked() {
    let org = demo().await;
    let id = org.device_id("4B Room Kit Pro").await;
    let eleven: Vec<&str> = vec!["Audio.Volume"; 11];
    let (status, body) = org.status(&id, &eleven).await;
    assert_eq!(status, 400);
    assert!(error_message(&body).contains("at most 10"));
    let (status, _) = org.status(&id, &[]).await;
    assert_eq!(status, 400);
    let (status, _) = org.status(&id, &["Audio[1"]).await;
    assert_eq!(status, 400);
    let (status, _) = org.status("no-such-device", &["Audio.Volume"]).await;
    assert_eq!(status, 404);
    let navigator = org.device_id("4B Navigator").await;
    let (status, _) = org.status(&navigator, &["Standby.State"]).await;
    assert_eq!(status, 403, "no xAPI permission");
    let readonly = org.device_id("Big Conference Board Pro").await;
    let (status, body) = org.status(&readonly, &["Call[*].Status"]).await;
    assert_eq!(status, 200, "read-only access may read status");
    assert_eq!(
        body["result"],
        json!({"Call": [{"id": 7, "Status": "Connected"}]})
    );
    let offline = org.device_id("Reception Room Bar").await;
    let (status, body) = org.status(&offline, &["Audio.Volume"]).await;
    assert_eq!(status, 502);
    assert!(error_message(&body).contains("not connected"));
}

#[tokio::test]
async fn command_checks_come_before_the_device_is_touched() {
    let org = demo().await;
    let id = org.device_id("4B Room Kit Pro").await;
    let (status, body) = org.command(&id, "Audio.Volume.Explode", json!({})).await;
    assert_eq!(status, 400);
    assert_eq!(
        error_message(&body),
        "[Command 'Audio.Volume.Explode' not supported]"
    );
    let (status, body) = org
        .command(&id, "Audio.Volume.Set", json!({"Level": 150}))
        .await;
    assert_eq!(status, 400);
    let message = error_message(&body);
    assert!(
        message.contains("Level") && message.contains("0 to 100"),
        "{message}"
    );
    let (status, body) = org
        .command(&id, "Video.Selfview.Set", json!({"Mode": "Sideways"}))
        .await;
    assert_eq!(status, 400);
    assert!(error_message(&body).contains("On, Off"));
    for (name, expected) in [
        ("Big Conference Board Pro", 403),
        ("4B Navigator", 403),
        ("Reception Room Bar", 502),
    ] {
        let device = org.device_id(name).await;
        let (status, body) = org
            .command(&device, "Audio.Microphones.Mute", json!({}))
            .await;
        assert_eq!(status, expected, "{name}");
        error_message(&body);
    }
    let (status, _) = org
        .command("no-such-device", "Audio.Microphones.Mute", json!({}))
        .await;
    assert_eq!(status, 404);
    let (status, _) = org
        .send(
            reqwest::Method::POST,
            "/v1/xapi/command/Standby.Activate",
            &json!({}),
        )
        .await;
    assert_eq!(status, 400, "deviceId is required");
    let (_, body) = org.status(&id, &["Audio.Volume"]).await;
    assert_eq!(
        body["result"]["Audio"]["Volume"], 70,
        "failed commands change nothing"
    );
}

#[tokio::test]
async fn commands_change_the_status_tree() {
    let org = demo().await;
    let id = org.device_id("4B Room Kit Pro").await;
    let value = |body: &serde_json::Value, key: &str| {
        key.split('.')
            .fold(&body["result"], |node, k| &node[k])
            .clone()
    };
    let steps: Vec<(&str, serde_json::Value, &str, serde_json::Value)> = vec![
        (
            "Audio.Microphones.Mute",
            json!({}),
            "Audio.Microphones.Mute",
            json!("On"),
        ),
        (
            "audio.microphones.togglemute",
            json!({}),
            "Audio.Microphones.Mute",
            json!("Off"),
        ),
        (
            "Audio.Volume.Set",
            json!({"level": 95}),
            "Audio.Volume",
            json!(95),
        ),
        (
            "Audio.Volume.Increase",
            json!({"Steps": 10}),
            "Audio.Volume",
            json!(100),
        ),
        (
            "Audio.Volume.Decrease",
            json!({}),
            "Audio.Volume",
            json!(95),
        ),
        (
            "Standby.Halfwake",
            json!({}),
            "Standby.State",
            json!("Halfwake"),
        ),
        (
            "Standby.Activate",
            json!({}),
            "RoomAnalytics.PeopleCount.Current",
            json!(-1),
        ),
        (
            "Standby.Deactivate",
            json!({}),
            "Standby.State",
            json!("Off"),
        ),
        (
            "Video.Selfview.Set",
            json!({"Mode": "on", "PIPPosition": "LowerLeft"}),
            "Video.Selfview.PIPPosition",
            json!("LowerLeft"),
        ),
        (
            "Conference.DoNotDisturb.Activate",
            json!({}),
            "Conference.DoNotDisturb",
            json!("Active"),
        ),
    ];
    for (command, arguments, key, expected) in steps {
        let (status, body) = org.command(&id, command, arguments.clone()).await;
        assert_eq!(status, 200, "{command}: {body}");
        assert_eq!(body["result"], json!({}), "{command}");
        assert_eq!(
            body["arguments"], arguments,
            "{command} echoes its arguments"
        );
        let (_, status_body) = org.status(&id, &[key]).await;
        assert_eq!(value(&status_body, key), expected, "{command} → {key}");
    }
    let snapshot = org.state.device_snapshot(&id).unwrap();
    assert_eq!(snapshot.volume, Some(95));
    assert_eq!(snapshot.selfview.as_deref(), Some("On"));
}

#[tokio::test]
async fn dial_and_disconnect_manage_the_call_list() {
    let org = demo().await;
    let id = org.device_id("Sagrada Board Pro").await;
    let (status, body) = org
        .command(&id, "Dial", json!({"Number": "ops@example.com"}))
        .await;
    assert_eq!(status, 200);
    let call_id = body["result"]["CallId"].as_i64().unwrap();
    let (_, calls) = org
        .status(
            &id,
            &[
                "Call[*].Status",
                "Call[*].RemoteNumber",
                "SystemUnit.State.NumberOfActiveCalls",
            ],
        )
        .await;
    assert_eq!(
        calls["result"]["Call"],
        json!([{"id": call_id, "Status": "Connected", "RemoteNumber": "ops@example.com"}])
    );
    assert_eq!(
        calls["result"]["SystemUnit"]["State"]["NumberOfActiveCalls"],
        1
    );
    let snapshot = org.state.device_snapshot(&id).unwrap();
    assert_eq!(snapshot.calls.len(), 1);
    let (status, _) = org
        .command(&id, "Call.Disconnect", json!({"CallId": call_id + 5}))
        .await;
    assert_eq!(status, 400);
    let (status, _) = org
        .command(&id, "Call.Disconnect", json!({"CallId": call_id}))
        .await;
    assert_eq!(status, 200);
    let (_, calls) = org.status(&id, &["Call"]).await;
    assert_eq!(calls["result"], json!({}));
    let (status, _) = org.command(&id, "Call.Disconnect", json!({})).await;
    assert_eq!(status, 400, "no call to end");
    let (status, _) = org.command(&id, "Dial", json!({})).await;
    assert_eq!(status, 400, "Number is required");
}

#[tokio::test]
async fn alerts_and_text_lines_show_on_screen() {
    let org = demo().await;
    let id = org.device_id("Fjord Room Kit Mini").await;
    let (status, _) = org
        .command(
            &id,
            "UserInterface.Message.Alert.Display",
            json!({"Title": "Ops", "Text": "Fire drill at 11", "Duration": 30}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        org.state.device_snapshot(&id).unwrap().on_screen.as_deref(),
        Some("Ops: Fire drill at 11")
    );
    let (status, _) = org
        .command(
            &id,
            "UserInterface.Message.TextLine.Display",
            json!({"Text": "x".repeat(141)}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = org
        .command(&id, "UserInterface.Message.Alert.Clear", json!({}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(org.state.device_snapshot(&id).unwrap().on_screen, None);
}

#[tokio::test]
async fn a_rebooting_device_is_offline_until_it_is_back() {
    let long = spawn(
        OrgState::demo().with_reboot_time(Duration::from_secs(3600)),
        bot(),
    )
    .await;
    let id = long.device_id("Oslo Lab Codec Pro").await;
    let (status, _) = long
        .command(&id, "SystemUnit.Boot", json!({"Action": "Restart"}))
        .await;
    assert_eq!(status, 200);
    let (_, device) = long.get(&format!("/v1/devices/{id}"), &[]).await;
    assert_eq!(device["connectionStatus"], "disconnected");
    let (status, _) = long.command(&id, "Audio.Microphones.Mute", json!({})).await;
    assert_eq!(status, 502);

    let quick = spawn(OrgState::demo().with_reboot_time(Duration::ZERO), bot()).await;
    let (status, _) = quick
        .command(
            &id,
            "SystemUnit.Boot",
            json!({"Action": "Restart", "Force": "True"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = quick
        .command(&id, "SystemUnit.Boot", json!({"Force": "Maybe"}))
        .await;
    assert_eq!(status, 400);
    let (_, device) = quick.get(&format!("/v1/devices/{id}"), &[]).await;
    assert_eq!(device["connectionStatus"], "connected");
    let (_, uptime) = quick.status(&id, &["SystemUnit.Uptime"]).await;
    assert_eq!(
        uptime["result"]["SystemUnit"]["Uptime"], 0,
        "uptime restarts"
    );
}

#[tokio::test]
async fn presentations_start_with_repeated_connectors_and_stop() {
    let org = demo().await;
    let id = org.device_id("4B Room Kit Pro").await;
    let (status, body) = org
        .command(
            &id,
            "Presentation.Start",
            json!({"ConnectorId": [2, 3], "Layout": "Equal", "SendingMode": "LocalRemote"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["result"], json!({"Instance": 1}));
    let (_, tree) = org.status(&id, &["Conference.Presentation"]).await;
    assert_eq!(
        tree["result"]["Conference"]["Presentation"]["Mode"],
        "Sending"
    );
    assert_eq!(
        tree["result"]["Conference"]["Presentation"]["LocalInstance"][0]["Source"],
        2
    );
    let (status, _) = org.command(&id, "Presentation.Stop", json!({})).await;
    assert_eq!(status, 200);
    let (_, tree) = org.status(&id, &["Conference.Presentation.Mode"]).await;
    assert_eq!(tree["result"]["Conference"]["Presentation"]["Mode"], "Off");
}

/// The Device guide's examples exactly as WEBEX-FACTS.md gives them, as raw HTTP requests.
#[tokio::test]
async fn the_device_guide_examples_work_over_plain_http() {
    let org = demo().await;
    let id = org.device_id("4B Room Kit Pro").await;
    let http = reqwest::Client::new();

    // xCommand Presentation Start Layout: Equal ConnectorId: 2 ConnectorId: 3 SendingMode: LocalRemote
    let body = format!(
        r#"{{"deviceId":"{id}","arguments":{{"Layout":"Equal","ConnectorId":[2,3],"SendingMode":"LocalRemote"}}}}"#
    );
    let response = http
        .post(org.url("/v1/xapi/command/Presentation.Start"))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        answer,
        json!({"deviceId": id, "arguments": {"Layout": "Equal", "ConnectorId": [2, 3], "SendingMode": "LocalRemote"}, "result": {"Instance": 1}})
    );

    // xCommand Time DateTime Get
    let response = http
        .post(org.url("/v1/xapi/command/Time.DateTime.Get"))
        .header("content-type", "application/json")
        .body(format!(r#"{{"deviceId":"{id}"}}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    for field in ["Year", "Month", "Day", "Hour", "Minute", "Second"] {
        assert!(answer["result"][field].is_u64(), "{field} in {answer}");
    }
    assert!(answer["result"]["Year"].as_u64().unwrap() >= 2024);

    // xStatus Audio Microphones Mute, xStatus Audio Volume
    let url = format!(
        "{}/v1/xapi/status?name=Audio.Microphones.Mute&deviceId={id}",
        org.base
    );
    let answer: serde_json::Value = http.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        answer,
        json!({"deviceId": id, "result": {"Audio": {"Microphones": {"Mute": "Off"}}}})
    );
    let url = format!(
        "{}/v1/xapi/status?name=Audio.Volume&deviceId={id}",
        org.base
    );
    let answer: serde_json::Value = http.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        answer,
        json!({"deviceId": id, "result": {"Audio": {"Volume": 70}}})
    );

    // Percent-encoded brackets and star, as the guide asks.
    let url = format!(
        "{}/v1/xapi/status?deviceId={id}&name=Audio.Input.Connectors.HDMI%5B%2A%5D.Mute",
        org.base
    );
    let answer: serde_json::Value = http.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        answer["result"]["Audio"]["Input"]["Connectors"]["HDMI"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // xConfiguration from the guide: replace two keys and remove one.
    let patch = r#"[
        {"op":"replace","path":"Video.Selfview.OnCall.Duration/sources/configured/value","value":50},
        {"op":"replace","path":"Video.Selfview.Mirrored/sources/configured/value","value":"Off"},
        {"op":"remove","path":"Video.Selfview.Default.PIPPosition/sources/configured/value"}
    ]"#;
    let response = http
        .patch(format!(
            "{}/v1/deviceConfigurations?deviceId={id}",
            org.base
        ))
        .header("content-type", "application/json-patch+json")
        .body(patch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        answer["items"]["Video.Selfview.OnCall.Duration"]["value"],
        50
    );
    assert_eq!(answer["items"]["Video.Selfview.Mirrored"]["value"], "Off");
    assert_eq!(
        answer["items"]["Video.Selfview.Default.PIPPosition"]["source"],
        "default"
    );

    // Device lookup: partial display name and product.
    let url = format!(
        "{}/v1/devices?displayName=Room%20Kit&product=Kit%20Pro",
        org.base
    );
    let answer: serde_json::Value = http.get(url).send().await.unwrap().json().await.unwrap();
    assert_eq!(answer["items"][0]["displayName"], "4B Room Kit Pro");
}
