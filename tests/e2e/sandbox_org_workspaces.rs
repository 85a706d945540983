//! Workspaces, workspace locations, `/locations` and floors over HTTP, and the chat page's
//! read accessors.

use crate::sandbox_org_support;

use reqwest::Method;
use sandbox_org_support::{demo, error_message};
use serde_json::{Value, json};

#[tokio::test]
async fn workspace_lists_filter_and_include_devices() {
    let org = demo().await;
    let count = |body: &Value| body["items"].as_array().unwrap().len();
    let (_, body) = org
        .get("/v1/workspaces", &[("displayName", "4b"), ("max", "50")])
        .await;
    let names: Vec<&str> = body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["4B", "4B North"]);
    let (_, body) = org
        .get("/v1/workspaces", &[("type", "meetingRoom"), ("max", "50")])
        .await;
    assert_eq!(count(&body), 5);
    let (_, body) = org
        .get("/v1/workspaces", &[("capacity", "-1"), ("max", "50")])
        .await;
    assert_eq!(count(&body), 3, "workspaces without capacity");
    let (_, body) = org
        .get("/v1/workspaces", &[("calendar", "microsoft")])
        .await;
    assert_eq!(body["items"][0]["displayName"], "4B");
    let big = org.workspace("Big Conference").await;
    let (_, body) = org
        .get(
            "/v1/workspaces",
            &[("floorId", big["floorId"].as_str().unwrap()), ("max", "50")],
        )
        .await;
    assert_eq!(count(&body), 3);
    let (_, body) = org
        .get(
            "/v1/workspaces",
            &[
                ("locationId", big["locationId"].as_str().unwrap()),
                ("max", "50"),
            ],
        )
        .await;
    assert_eq!(count(&body), 7);
    let response = org
        .http
        .get(org.url("/v1/workspaces"))
        .send()
        .await
        .unwrap();
    assert!(
        response.headers().get("link").is_some(),
        "15 workspaces need more than one page of 5"
    );
    let (status, one) = org
        .get(
            &format!("/v1/workspaces/{}", big["id"].as_str().unwrap()),
            &[("includeDevices", "true")],
        )
        .await;
    assert_eq!(status, 200);
    let devices: Vec<&str> = one["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["displayName"].as_str().unwrap())
        .collect();
    assert_eq!(
        devices,
        ["Big Conference Board Pro", "Big Conference Navigator"]
    );
    assert!(
        org.workspace("Reception BCN")
            .await
            .get("capacity")
            .is_none(),
        "unset fields are absent"
    );
}

#[tokio::test]
async fn workspaces_are_created_with_documented_defaults_and_checked() {
    let org = demo().await;
    let four_b = org.workspace("4B").await;
    let body = json!({"displayName": "5A", "workspaceLocationId": four_b["workspaceLocationId"], "floorId": four_b["floorId"], "type": "huddle", "capacity": 5});
    let (status, created) = org.send(Method::POST, "/v1/workspaces", &body).await;
    assert_eq!(status, 201);
    assert_eq!(created["calling"], json!({"type": "freeCalling"}));
    assert_eq!(created["calendar"], json!({"type": "none"}));
    assert_eq!(created["supportedDevices"], "collaborationDevices");
    assert_eq!(created["locationId"], four_b["locationId"]);
    let bad = [
        (json!({"type": "huddle"}), "displayName"),
        (json!({"displayName": "x", "type": "ballroom"}), "type"),
        (json!({"displayName": "x", "capacity": -2}), "capacity"),
        (
            json!({"displayName": "x", "floorId": four_b["floorId"]}),
            "locationId",
        ),
        (
            json!({"displayName": "x", "calling": {"type": "pigeon"}}),
            "calling",
        ),
    ];
    for (body, hint) in bad {
        let (status, answer) = org.send(Method::POST, "/v1/workspaces", &body).await;
        assert_eq!(status, 400, "{body}");
        assert!(error_message(&answer).contains(hint), "{body}: {answer}");
    }
}

#[tokio::test]
async fn workspace_put_clears_capacity_type_and_notes_but_keeps_the_rest() {
    let org = demo().await;
    let before = org.workspace("4B").await;
    let path = format!("/v1/workspaces/{}", before["id"].as_str().unwrap());
    let (status, after) = org
        .send(Method::PUT, &path, &json!({"displayName": "4B"}))
        .await;
    assert_eq!(status, 200);
    for cleared in ["capacity", "type", "notes"] {
        assert!(
            after.get(cleared).is_none(),
            "{cleared} is cleared: {after}"
        );
    }
    for kept in [
        "locationId",
        "workspaceLocationId",
        "floorId",
        "calling",
        "calendar",
        "supportedDevices",
    ] {
        assert_eq!(after[kept], before[kept], "{kept} is kept");
    }
    let (_, after) = org
        .send(
            Method::PUT,
            &path,
            &json!({"displayName": "4B", "capacity": 9, "type": "meetingRoom", "notes": "n"}),
        )
        .await;
    assert_eq!(
        (
            after["capacity"].clone(),
            after["type"].clone(),
            after["notes"].clone()
        ),
        (json!(9), json!("meetingRoom"), json!("n"))
    );
    let (status, _) = org
        .send(
            Method::PUT,
            "/v1/workspaces/nope",
            &json!({"displayName": "x"}),
        )
        .await;
    assert_eq!(status, 404);
    // As on POST: "A locationId must be provided when the floorId is set."
    let (status, answer) = org
        .send(
            Method::PUT,
            &path,
            &json!({"displayName": "4B", "floorId": before["floorId"]}),
        )
        .await;
    assert_eq!(status, 400, "{answer}");
    assert!(error_message(&answer).contains("locationId"), "{answer}");
    let (status, _) = org
        .send(
            Method::PUT,
            &path,
            &json!({"displayName": "4B", "locationId": before["locationId"], "floorId": before["floorId"]}),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn deleting_a_workspace_deletes_its_devices() {
    let org = demo().await;
    let workspace = org.workspace("4B").await;
    let id = workspace["id"].as_str().unwrap();
    let device = org.device_id("4B Room Kit Pro").await;
    let response = org
        .http
        .delete(org.url(&format!("/v1/workspaces/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (status, _) = org.get(&format!("/v1/devices/{device}"), &[]).await;
    assert_eq!(status, 404);
    let (_, body) = org.get("/v1/devices", &[("workspaceId", id)]).await;
    assert_eq!(body["items"], json!([]));
    assert!(
        org.state
            .workspace_snapshots()
            .iter()
            .all(|w| w.display_name != "4B")
    );
}

#[tokio::test]
async fn locations_serve_both_apis() {
    let org = demo().await;
    let (_, body) = org.get("/v1/locations", &[("name", "bar")]).await;
    let barcelona = body["items"][0].clone();
    assert_eq!(barcelona["name"], "Barcelona");
    assert_eq!(barcelona["address"]["city"], "Barcelona");
    assert!(barcelona["latitude"].is_string());
    let (_, legacy) = org
        .get("/v1/workspaceLocations", &[("displayName", "Barcelona")])
        .await;
    let legacy = legacy["items"][0].clone();
    assert_eq!(legacy["locationId"], barcelona["id"]);
    assert_eq!(legacy["countryCode"], "ES");
    assert!(legacy["latitude"].is_number());
    let id = barcelona["id"].as_str().unwrap();
    let (status, one) = org.get(&format!("/v1/locations/{id}"), &[]).await;
    assert_eq!((status, one["name"].clone()), (200, json!("Barcelona")));

    let create = json!({"name": "Lisbon", "timeZone": "Europe/Lisbon", "preferredLanguage": "pt_PT", "announcementLanguage": "pt_pt",
        "address": {"address1": "Av. da Liberdade 1", "city": "Lisbon", "state": "Lisboa", "postalCode": "1250-001", "country": "PT"},
        "latitude": "38.72", "longitude": "-9.14", "notes": "new"});
    let (status, created) = org.send(Method::POST, "/v1/locations", &create).await;
    assert_eq!(status, 201);
    let lisbon = created["id"].as_str().unwrap().to_owned();
    let (status, _) = org
        .send(Method::POST, "/v1/locations", &json!({"name": "x"}))
        .await;
    assert_eq!(status, 400);
    let response = org
        .http
        .put(org.url(&format!("/v1/locations/{lisbon}")))
        .json(&json!({"name": "Lisboa"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (_, updated) = org.get(&format!("/v1/locations/{lisbon}"), &[]).await;
    assert_eq!(
        (updated["name"].clone(), updated["notes"].clone()),
        (json!("Lisboa"), json!("new"))
    );
    let response = org
        .http
        .delete(org.url(&format!("/v1/locations/{lisbon}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let (status, _) = org.get(&format!("/v1/locations/{lisbon}"), &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn workspace_location_put_resets_omitted_optional_fields() {
    let org = demo().await;
    let body = json!({"displayName": "Cisco Barcelona", "address": "Carrer de Pere IV, Barcelona, Spain", "countryCode": "ES",
        "cityName": "Barcelona", "latitude": 41.406615, "longitude": 2.200717, "notes": "A note"});
    let (status, created) = org
        .send(Method::POST, "/v1/workspaceLocations", &body)
        .await;
    assert_eq!(status, 201);
    assert_eq!(created["cityName"], "Barcelona");
    let path = format!("/v1/workspaceLocations/{}", created["id"].as_str().unwrap());
    let put = json!({"displayName": "Cisco Barcelona", "address": "Carrer de Pere IV", "countryCode": "ES", "latitude": 41.4, "longitude": 2.2});
    let (status, updated) = org.send(Method::PUT, &path, &put).await;
    assert_eq!(status, 200);
    assert!(
        updated.get("cityName").is_none() && updated.get("notes").is_none(),
        "{updated}"
    );
    let (status, _) = org
        .send(Method::PUT, &path, &json!({"displayName": "x"}))
        .await;
    assert_eq!(status, 400, "required fields are checked");
    let response = org.http.delete(org.url(&path)).send().await.unwrap();
    assert_eq!(response.status(), 204);
}

#[tokio::test]
async fn floors_work_under_both_location_apis() {
    let org = demo().await;
    let four_b = org.workspace("4B").await;
    let legacy = four_b["workspaceLocationId"].as_str().unwrap();
    let modern = four_b["locationId"].as_str().unwrap();
    let (_, floors) = org
        .get(&format!("/v1/workspaceLocations/{legacy}/floors"), &[])
        .await;
    assert_eq!(floors["items"].as_array().unwrap().len(), 2);
    assert_eq!(floors["items"][0]["locationId"], legacy);
    let (_, floors) = org
        .get(&format!("/v1/locations/{modern}/floors"), &[])
        .await;
    assert_eq!(floors["items"][0]["locationId"], modern);

    let (status, floor) = org
        .send(
            Method::POST,
            &format!("/v1/locations/{modern}/floors"),
            &json!({"floorNumber": -1, "displayName": "The basement"}),
        )
        .await;
    assert_eq!(status, 201);
    let floor_path = format!(
        "/v1/locations/{modern}/floors/{}",
        floor["id"].as_str().unwrap()
    );
    let (status, updated) = org
        .send(Method::PUT, &floor_path, &json!({"floorNumber": -2}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(updated["floorNumber"], -2);
    assert!(
        updated.get("displayName").is_none(),
        "PUT resets the omitted name"
    );
    let (status, _) = org
        .send(
            Method::POST,
            &format!("/v1/locations/{modern}/floors"),
            &json!({"displayName": "x"}),
        )
        .await;
    assert_eq!(status, 400, "floorNumber is required");

    let floor_id = four_b["floorId"].as_str().unwrap();
    let response = org
        .http
        .delete(org.url(&format!(
            "/v1/workspaceLocations/{legacy}/floors/{floor_id}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(
        org.workspace("4B").await.get("floorId").is_none(),
        "the workspace loses its deleted floor"
    );
    let (status, _) = org
        .get(&format!("/v1/locations/{modern}/floors/{floor_id}"), &[])
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn snapshots_show_workspaces_devices_and_live_values() {
    let org = demo().await;
    let snapshots = org.state.workspace_snapshots();
    assert_eq!(snapshots.len(), 15);
    let four_b = snapshots.iter().find(|w| w.display_name == "4B").unwrap();
    assert_eq!(four_b.location.as_deref(), Some("Barcelona"));
    let kit = &four_b.devices[0];
    assert_eq!(
        (
            kit.volume,
            kit.microphones_mute.as_deref(),
            kit.standby.as_deref()
        ),
        (Some(70), Some("Off"), Some("Off"))
    );
    assert_eq!(kit.connection_status, "connected");
    assert!(
        four_b.devices[1].permissions.is_empty(),
        "the navigator has no xAPI access"
    );
    let big = snapshots
        .iter()
        .find(|w| w.display_name == "Big Conference")
        .unwrap();
    assert_eq!(big.devices[0].calls[0].status, "Connected");
    let tree = org.state.device_status(&kit.id).unwrap();
    assert_eq!(tree["Audio"]["Volume"], 70);
    assert!(org.state.device_status("nope").is_none());
}
