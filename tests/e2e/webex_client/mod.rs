//! Client-level tests of `roombot::webex` against a wiremock fake of the Webex REST API
//! (STYLE.md R17): every mock pins method, path, query, auth and TrackingID headers; bodies come
//! from `tests/fixtures/webex/`; unmatched requests get a 500 that names them.

mod fake;

mod messaging;

mod devices;

mod workspaces;

mod pagination;

mod resilience;

mod delivery;
