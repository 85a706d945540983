//! The sandbox organisation over HTTP: device listing, filters, pagination, tags, deletion,
//! activation codes, configurations, and the generated organisation at scale.

use crate::sandbox_org_support;

use roombot::sandbox::org::OrgState;
use sandbox_org_support::{bot, demo, error_message, outsider, spawn};
use serde_json::{Value, json};

fn names(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["displayName"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn device_filters_match_as_webex_documents() {
    let org = demo().await;
    let big = org.workspace("Big Conference").await;
    let barcelona = big["locationId"].as_str().unwrap().to_owned();
    let legacy = big["workspaceLocationId"].as_str().unwrap().to_owned();
    let four_b = org.workspace("4B").await["id"].as_str().unwrap().to_owned();
    type Case<'a> = (Vec<(&'a str, &'a str)>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            vec![("displayName", "4b")],
            vec!["4B Room Kit Pro", "4B Navigator", "4B North Room Bar"],
        ),
        (
            vec![("product", "board pro")],
            vec!["Big Conference Board Pro", "Sagrada Board Pro"],
        ),
        (
            vec![("tag", "earlyAdopters,oslo")],
            vec!["Fjord Room Kit Mini", "Oslo Lab Codec Pro"],
        ),
        (
            vec![("tag", "earlyAdopters"), ("tag", "lab")],
            vec!["Oslo Lab Codec Pro"],
        ),
        (
            vec![("connectionStatus", "disconnected")],
            vec!["Reception Room Bar"],
        ),
        (
            vec![("permission", "xapi:readonly")],
            vec![
                "Big Conference Board Pro",
                "Big Conference Navigator",
                "Sequoia Desk Pro",
            ],
        ),
        (
            vec![("errorCode", "temperaturecheck")],
            vec!["Nordlys Board 55S"],
        ),
        (
            vec![("workspaceId", four_b.as_str())],
            vec!["4B Room Kit Pro", "4B Navigator"],
        ),
        (vec![("type", "phone")], vec!["Phone Booth 8865"]),
        (vec![("upgradeChannel", "beta")], vec!["Oslo Lab Codec Pro"]),
        (vec![("serial", "FOC2301DEMO")], vec!["4B Room Kit Pro"]),
        (vec![("mac", "ac:7a:56:11:21:31")], vec!["4B Room Kit Pro"]),
        (
            vec![("software", "RoomOS 11.9.1.13 1e5a6c6d1b4")],
            vec!["4C Desk Pro", "Nordlys Board 55S"],
        ),
        (
            vec![("capability", "xapi"), ("displayName", "phone")],
            vec![],
        ),
        (
            vec![("devicePlatform", "cisco"), ("displayName", "sequoia")],
            vec!["Sequoia Desk Pro"],
        ),
    ];
    for (query, expected) in cases {
        let mut full = query.clone();
        full.push(("max", "100"));
        let (status, body) = org.get("/v1/devices", &full).await;
        assert_eq!(status, 200, "{query:?}");
        assert_eq!(names(&body), expected, "{query:?}");
    }
    for (name, id) in [
        ("locationId", &barcelona),
        ("workspaceLocationId", &legacy),
        ("workspaceLocationId", &barcelona),
    ] {
        let (_, body) = org
            .get("/v1/devices", &[(name, id.as_str()), ("max", "100")])
            .await;
        assert_eq!(names(&body).len(), 9, "{name}");
    }
    let person = org
        .all_devices()
        .await
        .into_iter()
        .find(|d| d["personId"].is_string())
        .unwrap();
    let (_, body) = org
        .get(
            "/v1/devices",
            &[("personId", person["personId"].as_str().unwrap())],
        )
        .await;
    assert_eq!(names(&body), ["Alex Kim Desk Mini"]);
}

#[tokio::test]
async fn device_lists_page_with_link_headers_that_keep_the_filters() {
    let org = demo().await;
    let mut url = format!("{}/v1/devices?tag=earlyAdopters&max=3", org.base);
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let response = org.http.get(&url).send().await.unwrap();
        let link = response
            .headers()
            .get("link")
            .map(|l| l.to_str().unwrap().to_owned());
        let body: Value = response.json().await.unwrap();
        seen.extend(names(&body));
        pages += 1;
        let Some(link) = link else { break };
        assert!(
            link.contains("tag=earlyAdopters") && link.ends_with("rel=\"next\""),
            "{link}"
        );
        url = link
            .trim_start_matches('<')
            .split('>')
            .next()
            .unwrap()
            .to_owned();
    }
    assert_eq!(
        seen,
        [
            "4B Room Kit Pro",
            "Sagrada Room Kit EQ",
            "Fjord Room Kit Mini",
            "Oslo Lab Codec Pro"
        ]
    );
    assert_eq!(pages, 2);
    let (_, all) = org.get("/v1/devices", &[]).await;
    assert_eq!(names(&all).len(), 5, "default page size applies");
    let (_, second) = org
        .get("/v1/devices", &[("max", "3"), ("start", "3")])
        .await;
    assert_eq!(names(&second).len(), 3);
    assert_eq!(org.all_devices().await.len(), 18);
}

#[tokio::test]
async fn device_get_delete_and_not_found() {
    let org = demo().await;
    let id = org.device_id("4C Desk Pro").await;
    let (status, device) = org.get(&format!("/v1/devices/{id}"), &[]).await;
    assert_eq!(status, 200);
    assert_eq!(device["product"], "Cisco Desk Pro");
    assert_eq!(device["errorCodes"], json!(["softwareoutofdate"]));
    assert_eq!(device["plannedMaintenance"], "off");
    let response = org
        .http
        .delete(org.url(&format!("/v1/devices/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (status, body) = org.get(&format!("/v1/devices/{id}"), &[]).await;
    assert_eq!(status, 404);
    error_message(&body);
}

#[tokio::test]
async fn tags_patch_needs_json_patch_and_follows_add_replace_remove() {
    let org = demo().await;
    let id = org.device_id("4B Room Kit Pro").await;
    let path = format!("/v1/devices/{id}");
    let (status, _) = org
        .send(
            reqwest::Method::PATCH,
            &path,
            &json!([{"op": "replace", "path": "tags", "value": ["x"]}]),
        )
        .await;
    assert_eq!(status, 415, "plain JSON is refused");
    let (status, device) = org
        .json_patch(
            &path,
            &[],
            &json!([{"op": "add", "path": "tags", "value": ["vip"]}]),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(device["tags"], json!(["earlyAdopters", "barcelona", "vip"]));
    let (_, device) = org
        .json_patch(
            &path,
            &[],
            &json!([{"op": "replace", "path": "tags", "value": ["one", "two"]}]),
        )
        .await;
    assert_eq!(device["tags"], json!(["one", "two"]));
    let (_, device) = org
        .json_patch(&path, &[], &json!([{"op": "remove", "path": "tags"}]))
        .await;
    assert_eq!(device["tags"], json!([]));
    let (status, body) = org
        .json_patch(
            &path,
            &[],
            &json!([{"op": "replace", "path": "displayName", "value": ["x"]}]),
        )
        .await;
    assert_eq!(status, 400);
    assert!(error_message(&body).contains("tags"));
}

#[tokio::test]
async fn activation_codes_need_one_existing_target() {
    let org = demo().await;
    let workspace = org.workspace("Quiet Room").await;
    let (status, body) = org
        .send(
            reqwest::Method::POST,
            "/v1/devices/activationCode",
            &json!({"workspaceId": workspace["id"]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["code"].as_str().unwrap().len(), 16);
    assert!(chrono::DateTime::parse_from_rfc3339(body["expiryTime"].as_str().unwrap()).is_ok());
    let (status, _) = org
        .send(
            reqwest::Method::POST,
            "/v1/devices/activationCode",
            &json!({}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = org
        .send(
            reqwest::Method::POST,
            "/v1/devices/activationCode",
            &json!({"workspaceId": "nope"}),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn people_of_other_organisations_see_nothing() {
    let org = spawn(OrgState::demo(), outsider()).await;
    let inside = spawn(OrgState::demo(), bot()).await;
    let id = inside.device_id("4B Room Kit Pro").await;
    assert!(org.all_devices().await.is_empty());
    let (status, _) = org.get(&format!("/v1/devices/{id}"), &[]).await;
    assert_eq!(status, 404);
    let (_, body) = org.get("/v1/workspaces", &[]).await;
    assert_eq!(body["items"], json!([]));
    let (status, _) = org.status(&id, &["Audio.Volume"]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn configurations_filter_by_key_as_documented() {
    let org = demo().await;
    let id = org.device_id("4B Room Kit Pro").await;
    let keys = |body: &Value| {
        body["items"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<Vec<_>>()
    };
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("Audio.DefaultVolume", vec!["Audio.DefaultVolume"]),
        ("audio.defaultvolume", vec!["Audio.DefaultVolume"]),
        ("Audio.Ultrasound.*", vec!["Audio.Ultrasound.MaxVolume"]),
        (
            "FacilityService.Service[1].Name",
            vec!["FacilityService.Service[1].Name"],
        ),
        (
            "FacilityService.Service[*].Name",
            vec![
                "FacilityService.Service[1].Name",
                "FacilityService.Service[2].Name",
                "FacilityService.Service[3].Name",
            ],
        ),
        (
            "FacilityService.Service[1..2].Name",
            vec![
                "FacilityService.Service[1].Name",
                "FacilityService.Service[2].Name",
            ],
        ),
        (
            "FacilityService.Service[2..n].Number",
            vec![
                "FacilityService.Service[2].Number",
                "FacilityService.Service[3].Number",
            ],
        ),
        (
            "Video.Selfview.OnCall.*",
            vec![
                "Video.Selfview.OnCall.Duration",
                "Video.Selfview.OnCall.Mode",
            ],
        ),
        ("No.Such.Key", vec![]),
    ];
    for (key, expected) in cases {
        let (status, body) = org
            .get(
                "/v1/deviceConfigurations",
                &[("deviceId", &id), ("key", key)],
            )
            .await;
        assert_eq!(status, 200, "{key}");
        assert_eq!(body["deviceId"], id.as_str());
        assert_eq!(keys(&body), expected, "{key}");
    }
    let (_, all) = org
        .get("/v1/deviceConfigurations", &[("deviceId", &id)])
        .await;
    let item = &all["items"]["Audio.DefaultVolume"];
    assert_eq!(item["value"], 60);
    assert_eq!(item["source"], "configured");
    assert_eq!(
        item["valueSpace"],
        json!({"type": "integer", "minimum": 0, "maximum": 100})
    );
    assert_eq!(
        item["sources"]["default"]["editability"],
        json!({"isEditable": false, "reason": "FACTORY_DEFAULT"})
    );
    assert_eq!(item["appliedConfigurationValue"], json!({"value": 60}));
    // The spec's `source` is `default` or `configured`; the rule shows inside `sources`.
    assert_eq!(all["items"]["Standby.Delay"]["source"], "default");
    assert_eq!(
        all["items"]["Standby.Delay"]["sources"]["organizationRule"]["enforced"],
        false
    );
    let ssh = &all["items"]["NetworkServices.SSH.Mode"]["sources"]["configured"]["editability"];
    assert_eq!(
        ssh,
        &json!({"isEditable": false, "reason": "NOT_AUTHORIZED"})
    );
    let (status, _) = org
        .get(
            "/v1/deviceConfigurations",
            &[("deviceId", &id), ("key", "Audio[")],
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = org.get("/v1/deviceConfigurations", &[]).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn configuration_patches_validate_against_the_value_space() {
    let org = demo().await;
    let id = org.device_id("Sagrada Room Kit EQ").await;
    let q = [("deviceId", id.as_str())];
    let patch = |key: &str, value: Value| json!([{"op": "replace", "path": format!("{key}/sources/configured/value"), "value": value}]);
    let bad: Vec<(Value, &str)> = vec![
        (patch("Audio.DefaultVolume", json!(101)), "range"),
        (
            patch("Audio.DefaultVolume", json!("50")),
            "string found, integer expected",
        ),
        (
            patch("Video.Selfview.Default.PIPPosition", json!("lowerleft")),
            "LowerLeft",
        ),
        (patch("SystemUnit.Name", json!("x".repeat(51))), "length"),
        (
            patch("NetworkServices.SSH.Mode", json!("On")),
            "NOT_AUTHORIZED",
        ),
        (
            patch("NetworkServices.HTTP.Mode", json!("Off")),
            "CONFIG_MANAGED_BY_RULE",
        ),
        (
            patch("Video.Output.Connector[2].Resolution", json!("Auto")),
            "CONFIG_MANAGED_BY_DIFFERENT_AUTHORITY",
        ),
        (patch("No.Such.Key", json!(1)), "Unknown configuration key"),
        (
            json!([{"op": "add", "path": "Audio.DefaultVolume/sources/configured/value", "value": 5}]),
            "replace and remove",
        ),
        (
            json!([{"op": "replace", "path": "Audio.DefaultVolume", "value": 5}]),
            "/sources/configured/value",
        ),
    ];
    for (body, hint) in bad {
        let (status, answer) = org.json_patch("/v1/deviceConfigurations", &q, &body).await;
        assert_eq!(status, 400, "{body}");
        assert!(error_message(&answer).contains(hint), "{body}: {answer}");
    }
    let response = org
        .http
        .patch(org.url("/v1/deviceConfigurations"))
        .query(&q)
        .json(&patch("Audio.DefaultVolume", json!(5)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 415);
    let ops = json!([
        {"op": "replace", "path": "Audio.DefaultVolume/sources/configured/value", "value": 35},
        {"op": "replace", "path": "Video.Selfview.Default.PIPPosition/sources/configured/value", "value": "LowerLeft"},
        {"op": "remove", "path": "Standby.Delay/sources/configured/value"}
    ]);
    let (status, whole) = org.json_patch("/v1/deviceConfigurations", &q, &ops).await;
    assert_eq!(status, 200);
    assert!(
        whole["items"].as_object().unwrap().len() > 10,
        "the whole configuration comes back"
    );
    assert_eq!(whole["items"]["Audio.DefaultVolume"]["value"], 35);
    assert_eq!(
        whole["items"]["Video.Selfview.Default.PIPPosition"]["source"],
        "configured"
    );
    let (_, reset) = org
        .json_patch(
            "/v1/deviceConfigurations",
            &q,
            &json!([{"op": "remove", "path": "Audio.DefaultVolume/sources/configured/value"}]),
        )
        .await;
    assert_eq!(reset["items"]["Audio.DefaultVolume"]["value"], 50);
    assert_eq!(reset["items"]["Audio.DefaultVolume"]["source"], "default");
}

#[tokio::test]
async fn configuration_patches_work_on_offline_devices() {
    let org = demo().await;
    let id = org.device_id("Reception Room Bar").await;
    let ops = json!([{"op": "replace", "path": "Audio.DefaultVolume/sources/configured/value", "value": 20}]);
    let (status, body) = org
        .json_patch("/v1/deviceConfigurations", &[("deviceId", &id)], &ops)
        .await;
    assert_eq!(status, 200);
    let item = &body["items"]["Audio.DefaultVolume"];
    assert_eq!(item["value"], 20);
    assert_eq!(
        item["appliedConfigurationValue"]["value"], 50,
        "applied when the device reconnects"
    );
    assert_eq!(
        org.state.device_configuration(&id, "audio.defaultvolume"),
        Some(json!(20))
    );
}

#[tokio::test]
async fn ten_thousand_devices_generate_and_list() {
    let state = OrgState::generated(10_000, 42);
    assert_eq!(state.device_count(), 10_000);
    let org = spawn(state, bot()).await;
    let (status, body) = org
        .get("/v1/devices", &[("max", "1000"), ("start", "9500")])
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["items"].as_array().unwrap().len(), 500);
    let (_, filtered) = org
        .get(
            "/v1/devices",
            &[("permission", "xapi:readonly"), ("max", "10000")],
        )
        .await;
    let count = filtered["items"].as_array().unwrap().len();
    assert!((500..=2000).contains(&count), "{count} read-only devices");
    let first = body["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, _) = org.status(&first, &["Audio.Volume"]).await;
    assert!([200, 403, 502].contains(&status));
}
