//! `GET /_sandbox/org`: the organisation as the chat page's side panel shows it, read through
//! the [`OrgPanel`] seam so the console does not depend on how the organisation is stored.
//!
//! The answer is `{"workspaces": [...]}`; each workspace is
//! `{id, displayName, location, devices: [...]}` and each device
//! `{id, displayName, product, connectionStatus, permissions, tags, microphonesMute, volume,
//! standby, selfview, peopleCount, calls: [{id, status, remoteNumber}], onScreen}` (live values
//! may be `null` when the device does not report them).

use std::sync::Arc;

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::sandbox::org::OrgState;

/// What the side panel needs from the organisation.
pub trait OrgPanel: Send + Sync + 'static {
    /// Every workspace with its devices and their live values, in organisation order, as the
    /// JSON array described in this module's documentation.
    fn panel_workspaces(&self) -> Value;
}

impl OrgPanel for OrgState {
    // `WorkspaceSnapshot` serialises to exactly the shape documented above.
    fn panel_workspaces(&self) -> Value {
        serde_json::to_value(self.workspace_snapshots()).unwrap_or_else(|_| json!([]))
    }
}

/// The route `GET /_sandbox/org` over `panel`.
pub fn routes(panel: Arc<dyn OrgPanel>) -> Router {
    Router::new()
        .route("/_sandbox/org", get(org))
        .with_state(panel)
}

async fn org(State(panel): State<Arc<dyn OrgPanel>>) -> Json<Value> {
    Json(json!({ "workspaces": panel.panel_workspaces() }))
}

#[cfg(test)]
mod tests {
    use axum::body::{Body, to_bytes};
    use axum::http::Request;
    use tower::ServiceExt;

    use super::*;

    struct OneRoom;

    impl OrgPanel for OneRoom {
        fn panel_workspaces(&self) -> Value {
            json!([{"id": "w1", "displayName": "4B", "devices": [
                {"id": "d1", "displayName": "4B Room Kit Pro", "microphonesMute": "On"}]}])
        }
    }

    #[tokio::test]
    async fn the_route_wraps_the_panel_in_a_workspaces_object() {
        let response = routes(Arc::new(OneRoom))
            .oneshot(
                Request::get("/_sandbox/org")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await
            .expect("answer");
        assert_eq!(response.status(), 200);
        let body = to_bytes(response.into_body(), 1 << 20).await.expect("body");
        let value: Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(
            value["workspaces"][0]["devices"][0]["microphonesMute"],
            "On"
        );
    }
}
