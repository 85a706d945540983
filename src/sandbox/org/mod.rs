//! The organisation's state: devices, configurations, xAPI, workspaces, locations and floors.
//! (being built)

/// The in-memory organisation.
#[derive(Debug, Default)]
pub struct OrgState {}
