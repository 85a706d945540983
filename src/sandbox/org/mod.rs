//! The organisation's state: devices, configurations, xAPI, workspaces, locations and floors.
//! (being built)

use std::sync::Arc;

/// The in-memory organisation.
#[derive(Debug, Default)]
pub struct OrgState {}

impl OrgState {
    /// The demo organisation (stub until the organisation half lands).
    pub fn demo() -> Self {
        Self::default()
    }

    /// A generated organisation of `devices` devices (stub until the organisation half lands).
    pub fn generated(_devices: usize, _seed: u64) -> Self {
        Self::default()
    }
}

/// The organisation's routes under `/v1/...` (stub until the organisation half lands).
pub fn routes(_state: Arc<OrgState>) -> axum::Router {
    axum::Router::new()
}
