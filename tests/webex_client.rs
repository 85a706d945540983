//! Client-level tests of `roombot::webex` against a wiremock fake of the Webex REST API
//! (STYLE.md R17): every mock pins method, path, query, auth and TrackingID headers; bodies come
//! from `tests/fixtures/webex/`; unmatched requests get a 500 that names them.

#[path = "webex_client/fake.rs"]
mod fake;

#[path = "webex_client/messaging.rs"]
mod messaging;

#[path = "webex_client/devices.rs"]
mod devices;

#[path = "webex_client/workspaces.rs"]
mod workspaces;

#[path = "webex_client/pagination.rs"]
mod pagination;

#[path = "webex_client/resilience.rs"]
mod resilience;
