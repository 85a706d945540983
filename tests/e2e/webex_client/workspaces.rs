//! Workspaces, workspace locations, locations and floors.

use roombot::webex::{
    FloorFields, FloorId, LocationFields, LocationFilter, LocationId, LocationKind, NewWorkspace,
    WorkspaceFilter, WorkspaceId, WorkspaceLocationFields, WorkspaceLocationFilter, WorkspaceType,
};
use serde_json::json;

use super::fake::{FakeWebex, fixture};

#[tokio::test]
async fn list_workspaces_sends_filters_and_decodes_devices() {
    let fake = FakeWebex::start().await;
    fake.list_workspaces()
        .query("displayName", "4B")
        .query("type", "meetingRoom")
        .query("workspaceLocationId", "WL1")
        .query("includeDevices", "true")
        .query("capacity", "5")
        .query("max", "50")
        .returns_fixture("workspaces_list.json")
        .expect(1)
        .mount()
        .await;
    let filter = WorkspaceFilter {
        display_name: Some("4B".into()),
        workspace_type: Some("meetingRoom".into()),
        workspace_location_id: Some(LocationId::from("WL1")),
        include_devices: Some(true),
        capacity: Some(5),
        max: Some(50),
        ..WorkspaceFilter::default()
    };
    let all = fake
        .client()
        .list_workspaces(&filter)
        .list_all(3)
        .await
        .expect("list");
    let workspace = &all[0];
    assert_eq!(workspace.display_name.as_deref(), Some("SFO-12 Capanina"));
    assert_eq!(workspace.workspace_type, Some(WorkspaceType::NotSet));
    assert_eq!(workspace.devices.as_ref().map(Vec::len), Some(1));
    assert!(workspace.extra.contains_key("health"));
}

#[tokio::test]
async fn workspace_get_merge_put_sends_back_every_field() {
    let fake = FakeWebex::start().await;
    let original = fixture("workspace.json");
    let id = original["id"].as_str().expect("fixture id").to_owned();
    fake.get_workspace(&id)
        .returns_fixture("workspace.json")
        .expect(1)
        .mount()
        .await;
    let mut expected = original.clone();
    expected["capacity"] = json!(12);
    fake.update_workspace(&id)
        .body(expected)
        .returns_fixture("workspace_updated.json")
        .expect(1)
        .mount()
        .await;
    fake.delete_workspace(&id)
        .no_content()
        .expect(1)
        .mount()
        .await;
    let client = fake.client();

    let mut workspace = client
        .get_workspace(&WorkspaceId::from(id.as_str()))
        .await
        .expect("get");
    workspace.capacity = Some(12);
    let updated = client.update_workspace(&workspace).await.expect("put");
    assert_eq!(updated.notes.as_deref(), Some("this is a note"));
    client
        .delete_workspace(&workspace.id)
        .await
        .expect("deleted");
}

#[tokio::test]
async fn create_workspace_sends_only_what_is_set() {
    let fake = FakeWebex::start().await;
    fake.create_workspace()
        .body(json!({"displayName": "4B", "workspaceLocationId": "WL1", "floorId": "F1", "type": "meetingRoom", "capacity": 8}))
        .returns(201, fixture("workspace_created.json"))
        .expect(1)
        .mount()
        .await;
    let new = NewWorkspace {
        display_name: "4B".into(),
        workspace_location_id: Some(LocationId::from("WL1")),
        floor_id: Some(FloorId::from("F1")),
        workspace_type: Some(WorkspaceType::MeetingRoom),
        capacity: Some(8),
        ..NewWorkspace::default()
    };
    let created = fake.client().create_workspace(&new).await.expect("created");
    assert_eq!(created.capacity, Some(5));
}

#[tokio::test]
async fn workspace_locations_crud() {
    let fake = FakeWebex::start().await;
    fake.endpoint("GET", "workspaceLocations")
        .query("cityName", "Barcelona")
        .returns_fixture("workspace_locations_list.json")
        .expect(1)
        .mount()
        .await;
    fake.endpoint("GET", "workspaceLocations/WL1")
        .returns_fixture("workspace_location.json")
        .expect(1)
        .mount()
        .await;
    let body = json!({"displayName": "Cisco Barcelona", "address": "Carrer de Pere IV, Barcelona, Spain", "countryCode": "ES", "latitude": 41.406615, "longitude": 2.200717});
    fake.endpoint("POST", "workspaceLocations")
        .body(body.clone())
        .returns(201, fixture("workspace_location.json"))
        .expect(1)
        .mount()
        .await;
    fake.endpoint("PUT", "workspaceLocations/WL1")
        .body(body)
        .returns_fixture("workspace_location.json")
        .expect(1)
        .mount()
        .await;
    fake.endpoint("DELETE", "workspaceLocations/WL1")
        .no_content()
        .expect(1)
        .mount()
        .await;
    let client = fake.client();
    let id = LocationId::from("WL1");

    let filter = WorkspaceLocationFilter {
        city_name: Some("Barcelona".into()),
        ..WorkspaceLocationFilter::default()
    };
    let listed = client
        .list_workspace_locations(&filter)
        .list_all(2)
        .await
        .expect("list");
    assert_eq!(listed[0].fields.latitude, Some(41.406615));
    let got = client.get_workspace_location(&id).await.expect("get");
    assert_eq!(got.fields.country_code.as_deref(), Some("ES"));
    let fields = WorkspaceLocationFields {
        display_name: Some("Cisco Barcelona".into()),
        address: Some("Carrer de Pere IV, Barcelona, Spain".into()),
        country_code: Some("ES".into()),
        latitude: Some(41.406615),
        longitude: Some(2.200717),
        ..WorkspaceLocationFields::default()
    };
    client
        .create_workspace_location(&fields)
        .await
        .expect("create");
    client
        .update_workspace_location(&id, &fields)
        .await
        .expect("update");
    client.delete_workspace_location(&id).await.expect("delete");
}

#[tokio::test]
async fn locations_crud_with_string_coordinates() {
    let fake = FakeWebex::start().await;
    fake.endpoint("GET", "locations")
        .query("name", "Denver")
        .returns_fixture("locations_list.json")
        .expect(1)
        .mount()
        .await;
    fake.endpoint("GET", "locations/L1")
        .returns_fixture("location.json")
        .expect(1)
        .mount()
        .await;
    fake.endpoint("POST", "locations")
        .body(json!({"name": "Denver", "timeZone": "America/Chicago"}))
        .returns(201, fixture("location_created.json"))
        .expect(1)
        .mount()
        .await;
    fake.endpoint("PUT", "locations/L1")
        .body(json!({"name": "Denver", "timeZone": "America/Chicago"}))
        .no_content()
        .expect(1)
        .mount()
        .await;
    fake.endpoint("DELETE", "locations/L1")
        .no_content()
        .expect(1)
        .mount()
        .await;
    let client = fake.client();
    let id = LocationId::from("L1");

    let filter = LocationFilter {
        name: Some("Denver".into()),
        ..LocationFilter::default()
    };
    let listed = client
        .list_locations(&filter)
        .list_all(2)
        .await
        .expect("list");
    assert_eq!(listed[0].fields.latitude, Some(json!("12.935784")));
    assert_eq!(
        client
            .get_location(&id)
            .await
            .expect("get")
            .fields
            .time_zone
            .as_deref(),
        Some("America/Chicago")
    );
    let fields = LocationFields {
        name: Some("Denver".into()),
        time_zone: Some("America/Chicago".into()),
        ..LocationFields::default()
    };
    let created = client.create_location(&fields).await.expect("create");
    assert!(created.fields.name.is_none(), "create answers only the id");
    client.update_location(&id, &fields).await.expect("update");
    client.delete_location(&id).await.expect("delete");
}

#[tokio::test]
async fn floors_of_both_location_kinds() {
    let fake = FakeWebex::start().await;
    for (kind, list, one) in [
        (
            LocationKind::Workspace,
            "workspace_location_floors.json",
            "workspace_location_floor.json",
        ),
        (
            LocationKind::Org,
            "location_floors.json",
            "location_floor.json",
        ),
    ] {
        let root = FakeWebex::location_root(kind);
        let body = json!({"floorNumber": -1, "displayName": "The basement"});
        fake.endpoint("GET", &format!("{root}/L1/floors"))
            .returns_fixture(list)
            .expect(1)
            .mount()
            .await;
        fake.endpoint("GET", &format!("{root}/L1/floors/F1"))
            .returns_fixture(one)
            .expect(1)
            .mount()
            .await;
        fake.endpoint("POST", &format!("{root}/L1/floors"))
            .body(body.clone())
            .returns(201, fixture(one))
            .expect(1)
            .mount()
            .await;
        fake.endpoint("PUT", &format!("{root}/L1/floors/F1"))
            .body(body)
            .returns_fixture(one)
            .expect(1)
            .mount()
            .await;
        fake.endpoint("DELETE", &format!("{root}/L1/floors/F1"))
            .no_content()
            .expect(1)
            .mount()
            .await;
    }
    let client = fake.client();
    let (location, floor) = (LocationId::from("L1"), FloorId::from("F1"));
    let fields = FloorFields {
        floor_number: -1,
        display_name: Some("The basement".into()),
    };
    for kind in [LocationKind::Workspace, LocationKind::Org] {
        let floors = client
            .list_floors(kind, &location)
            .list_all(2)
            .await
            .expect("list");
        assert_eq!(floors[0].floor_number, Some(-1), "{kind:?}");
        let one = client
            .get_floor(kind, &location, &floor)
            .await
            .expect("get");
        assert_eq!(one.display_name.as_deref(), Some("The basement"));
        client
            .create_floor(kind, &location, &fields)
            .await
            .expect("create");
        client
            .update_floor(kind, &location, &floor, &fields)
            .await
            .expect("update");
        client
            .delete_floor(kind, &location, &floor)
            .await
            .expect("delete");
    }
}
