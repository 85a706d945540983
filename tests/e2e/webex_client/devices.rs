//! Devices, device configurations and xAPI.

use roombot::webex::{
    ConfigPatch, ConfigSource, ConnectionStatus, DeviceFilter, DeviceId, LocationId, OrgId,
    Permission, PersonId, TagsPatch, WebexError, WorkspaceId, flatten_status,
};
use serde_json::json;

use super::fake::{FakeWebex, fixture};

#[tokio::test]
async fn list_devices_sends_every_documented_filter() {
    let fake = FakeWebex::start().await;
    let expected = [
        ("displayName", "Harold"),
        ("product", "DX80"),
        ("type", "roomdesk"),
        ("tag", "a,b c"),
        ("connectionStatus", "connected"),
        ("serial", "FOC1"),
        ("software", "RoomOS"),
        ("upgradeChannel", "beta"),
        ("errorCode", "softwareoutofdate"),
        ("capability", "xapi"),
        ("permission", "xapi:all"),
        ("workspaceId", "WS1"),
        ("personId", "P1"),
        ("locationId", "L1"),
        ("workspaceLocationId", "WL1"),
        ("mac", "11:22:33:44:AA:FF"),
        ("devicePlatform", "cisco"),
        ("plannedMaintenance", "off"),
        ("orgId", "O1"),
        ("start", "10"),
        ("max", "20"),
    ];
    let mut endpoint = fake.list_devices();
    for (key, value) in expected {
        endpoint = endpoint.query(key, value);
    }
    endpoint
        .returns_fixture("devices_list.json")
        .expect(1)
        .mount()
        .await;
    let filter = DeviceFilter {
        display_name: Some("Harold".into()),
        product: Some("DX80".into()),
        device_type: Some("roomdesk".into()),
        tags: vec!["a".into(), "b c".into()],
        connection_status: Some("connected".into()),
        serial: Some("FOC1".into()),
        software: Some("RoomOS".into()),
        upgrade_channel: Some("beta".into()),
        error_code: Some("softwareoutofdate".into()),
        capability: Some("xapi".into()),
        permission: Some("xapi:all".into()),
        workspace_id: Some(WorkspaceId::from("WS1")),
        person_id: Some(PersonId::from("P1")),
        location_id: Some(LocationId::from("L1")),
        workspace_location_id: Some(LocationId::from("WL1")),
        mac: Some("11:22:33:44:AA:FF".into()),
        device_platform: Some("cisco".into()),
        planned_maintenance: Some("off".into()),
        org_id: Some(OrgId::from("O1")),
        start: Some(10),
        max: Some(20),
    };
    let page = fake
        .client()
        .list_devices(&filter)
        .first_page()
        .await
        .expect("page");
    let device = &page.items[0];
    assert_eq!(device.display_name.as_deref(), Some("SFO12-3-PanHandle"));
    assert_eq!(device.connection_status, Some(ConnectionStatus::Connected));
    assert_eq!(device.permissions, Some(vec![Permission::XapiReadonly]));
    assert!(device.can_read_status() && !device.can_command());
    assert_eq!(
        device.extra["webexDeviceId"],
        fixture("device.json")["webexDeviceId"]
    );
}

#[tokio::test]
async fn real_world_devices_decode_without_loss() {
    let fake = FakeWebex::start().await;
    fake.get_device("D1")
        .returns_fixture("real_device.json")
        .mount()
        .await;
    fake.get_device("D2")
        .returns_fixture("real_device_minimal.json")
        .mount()
        .await;
    let client = fake.client();

    let device = client
        .get_device(&DeviceId::from("D1"))
        .await
        .expect("device");
    assert_eq!(device.connection_status, Some(ConnectionStatus::Pending));
    assert_eq!(
        device.permissions,
        Some(vec![
            Permission::Xapi,
            Permission::Other("xapi:futureScope".into())
        ])
    );
    assert!(device.can_command() && device.can_read_status() && !device.is_online());
    assert_eq!(device.planned_maintenance, Some(json!("upcoming")));
    assert_eq!(device.extra["lifecycle"], json!({"state": "ACTIVE"}));
    // Serialising keeps every field Webex sent.
    assert_eq!(
        serde_json::to_value(&device).expect("serialises")["callingDeviceId"],
        fixture("real_device.json")["callingDeviceId"]
    );

    let minimal = client
        .get_device(&DeviceId::from("D2"))
        .await
        .expect("minimal device");
    assert!(minimal.permissions.is_none() && !minimal.can_read_status());
}

#[tokio::test]
async fn tags_are_patched_as_json_patch_and_devices_deleted() {
    let fake = FakeWebex::start().await;
    fake.patch_device("D1")
        .body(json!([{"op": "replace", "path": "tags", "value": ["First Tag", "Second Tag"]}]))
        .returns_fixture("device_tags_modified.json")
        .expect(1)
        .mount()
        .await;
    fake.patch_device("D1")
        .body(json!([{"op": "remove", "path": "tags"}]))
        .returns_fixture("device_tags_modified.json")
        .expect(1)
        .mount()
        .await;
    fake.delete_device("D1")
        .no_content()
        .expect(1)
        .mount()
        .await;
    let client = fake.client();
    let id = DeviceId::from("D1");
    let tags = vec!["First Tag".to_owned(), "Second Tag".to_owned()];
    let device = client
        .modify_device_tags(&id, &TagsPatch::Replace(tags.clone()))
        .await
        .expect("patched");
    assert_eq!(device.tags, Some(tags));
    client
        .modify_device_tags(&id, &TagsPatch::RemoveAll)
        .await
        .expect("cleared");
    client.delete_device(&id).await.expect("deleted");
}

#[tokio::test]
async fn activation_code_for_a_workspace() {
    let fake = FakeWebex::start().await;
    fake.create_activation_code()
        .body(json!({"workspaceId": "WS1"}))
        .returns_fixture("activation_code.json")
        .expect(1)
        .mount()
        .await;
    let code = fake
        .client()
        .create_activation_code(&WorkspaceId::from("WS1"), None)
        .await
        .expect("code");
    assert_eq!(code.code, "5414011256173816");
}

#[tokio::test]
async fn configurations_decode_spec_and_real_shapes() {
    let fake = FakeWebex::start().await;
    fake.get_configurations("D1")
        .query("key", "Audio.Ultrasound.*")
        .returns_fixture("configurations.json")
        .expect(1)
        .mount()
        .await;
    fake.get_configurations("D2")
        .no_query("key")
        .returns_fixture("real_configurations.json")
        .expect(1)
        .mount()
        .await;
    let client = fake.client();

    let spec = client
        .get_configurations(&DeviceId::from("D1"), Some("Audio.Ultrasound.*"))
        .await
        .expect("spec");
    let volume = &spec.items["Audio.Ultrasound.MaxVolume"];
    assert!(
        volume.is_editable(),
        "the spec's `editable` spelling counts"
    );
    let resolution = &spec.items["Video.Output.Connector[2].Resolution"];
    assert_eq!(
        resolution.not_editable_reason(),
        Some("CONFIG_MANAGED_BY_DIFFERENT_AUTHORITY")
    );
    assert_eq!(
        resolution
            .value_space
            .as_ref()
            .and_then(|v| v.allowed.as_ref())
            .map(Vec::len),
        Some(8)
    );

    let real = client
        .get_configurations(&DeviceId::from("D2"), None)
        .await
        .expect("real");
    let default_volume = &real.items["Audio.DefaultVolume"];
    assert_eq!(default_volume.source, Some(ConfigSource::OrganizationRule));
    assert!(!default_volume.is_editable());
    let rule = default_volume
        .sources
        .as_ref()
        .and_then(|s| s.organization_rule.as_ref())
        .expect("rule");
    assert_eq!(
        (rule.level.as_deref(), rule.enforced),
        (Some("organization"), Some(true))
    );
    let space = default_volume.value_space.as_ref().expect("value space");
    assert_eq!(
        (
            space.minimum.as_ref().and_then(|n| n.as_i64()),
            space.unit.as_deref()
        ),
        (Some(0), Some("dB"))
    );
    assert!(real.items["Video.Selfview.Mirrored"].is_editable());
}

#[tokio::test]
async fn configurations_patch_replaces_and_removes_typed_values() {
    let fake = FakeWebex::start().await;
    fake.patch_configurations("D1")
        .body(json!([
            {"op": "replace", "path": "Video.Selfview.OnCall.Duration/sources/configured/value", "value": 50},
            {"op": "replace", "path": "Video.Selfview.Mirrored/sources/configured/value", "value": "Off"},
            {"op": "remove", "path": "Video.Selfview.Default.PIPPosition/sources/configured/value"}
        ]))
        .returns_fixture("configurations_patched.json")
        .expect(1)
        .mount()
        .await;
    let ops = [
        ConfigPatch::replace("Video.Selfview.OnCall.Duration", json!(50)),
        ConfigPatch::replace("Video.Selfview.Mirrored", json!("Off")),
        ConfigPatch::remove("Video.Selfview.Default.PIPPosition"),
    ];
    let after = fake
        .client()
        .patch_configurations(&DeviceId::from("D1"), &ops)
        .await
        .expect("patched");
    assert_eq!(
        after.items["Audio.Ultrasound.MaxVolume"].value,
        Some(json!(50))
    );
}

#[tokio::test]
async fn xapi_command_posts_arguments_and_accepts_empty_results() {
    let fake = FakeWebex::start().await;
    fake.xapi_command("Presentation.Start")
        .body(json!({"deviceId": "D1", "arguments": {"Layout": "Equal", "ConnectorId": [2, 3], "SendingMode": "LocalRemote"}}))
        .returns_fixture("xapi_command.json")
        .expect(1)
        .mount()
        .await;
    fake.xapi_command("Audio.Microphones.Mute")
        .body(json!({"deviceId": "D1"}))
        .returns_fixture("real_xapi_command_empty.json")
        .expect(1)
        .mount()
        .await;
    let client = fake.client();
    let id = DeviceId::from("D1");
    let args = json!({"Layout": "Equal", "ConnectorId": [2, 3], "SendingMode": "LocalRemote"});
    let started = client
        .xapi_command(&id, "Presentation.Start", Some(args), None)
        .await
        .expect("command");
    assert!(started.result.is_some_and(|r| r["Booking"]["Id"] == "foo"));
    let muted = client
        .xapi_command(&id, "Audio.Microphones.Mute", None, None)
        .await
        .expect("mute");
    assert_eq!(muted.result, Some(json!({})));
}

#[tokio::test]
async fn unknown_xapi_command_is_an_api_error_with_webex_message() {
    let fake = FakeWebex::start().await;
    fake.xapi_command("Audio.Volume.Bogus")
        .returns(400, fixture("real_error_command_not_supported.json"))
        .expect(1)
        .mount()
        .await;
    let err = fake
        .client()
        .xapi_command(&DeviceId::from("D1"), "Audio.Volume.Bogus", None, None)
        .await
        .expect_err("400");
    let api = err.api().expect("api error");
    assert_eq!(api.status, 400);
    assert_eq!(api.message, "[Command 'Audio.Volume.Bogus' not supported]");
    assert_eq!(
        err.tracking_id(),
        Some("ROUTER_6512A3F0-2C1B-4A66-9E21-1F1E0C0D7A11")
    );
    assert!(err.to_string().contains("ROUTER_6512A3F0"), "{err}");
}

#[tokio::test]
async fn xapi_status_sends_each_name_percent_encoded() {
    let fake = FakeWebex::start().await;
    fake.xapi_status("D1")
        .query("name", "Audio.Volume")
        .query("name", "Call[*].Status")
        .returns_fixture("real_xapi_status_calls.json")
        .expect(1)
        .mount()
        .await;
    fake.xapi_status("D1")
        .query("name", "Bogus.Path")
        .returns_fixture("real_xapi_status_unknown.json")
        .mount()
        .await;
    let client = fake.client();
    let id = DeviceId::from("D1");
    let status = client
        .xapi_status(&id, &["Audio.Volume", "Call[*].Status"])
        .await
        .expect("status");
    let flat = flatten_status(&status.result);
    assert!(
        flat.contains(&("Audio.Volume".to_owned(), json!(70))),
        "{flat:?}"
    );
    assert!(
        flat.contains(&("Call[1].Status".to_owned(), json!("Connected"))),
        "{flat:?}"
    );
    assert!(flat.contains(&(
        "Peripherals.ConnectedDevice[1005].Name".to_owned(),
        json!("Room Navigator")
    )));
    let raw_query = fake.server().received_requests().await.expect("recorded")[0]
        .url
        .query()
        .map(str::to_owned);
    assert_eq!(
        raw_query.as_deref(),
        Some("deviceId=D1&name=Audio.Volume&name=Call%5B%2A%5D.Status")
    );

    let unknown = client
        .xapi_status(&id, &["Bogus.Path"])
        .await
        .expect("unknown path is 200");
    assert!(flatten_status(&unknown.result).is_empty());
}

#[tokio::test]
async fn xapi_status_refuses_zero_or_more_than_ten_names_before_sending() {
    let fake = FakeWebex::start().await;
    let client = fake.client();
    let id = DeviceId::from("D1");
    let eleven = ["Audio.Volume"; 11];
    for names in [&eleven[..0], &eleven[..]] {
        let err = client.xapi_status(&id, names).await.expect_err("refused");
        assert!(matches!(err, WebexError::InvalidRequest(_)), "{err}");
    }
    fake.xapi_status("D1")
        .returns_fixture("xapi_status.json")
        .mount()
        .await;
    let status = client
        .xapi_status(&id, &["Audio.Volume"])
        .await
        .expect("status");
    assert_eq!(status.result, json!({"Audio": {"Volume": 75}}));
    assert_eq!(
        fake.server()
            .received_requests()
            .await
            .expect("recorded")
            .len(),
        1
    );
}
