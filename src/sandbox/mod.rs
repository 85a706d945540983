//! The embedded Webex emulator: serves the part of `https://webexapis.com/v1` that roombot uses,
//! with in-memory state and a demo organisation. Follows the Webex docs and WEBEX-FACTS, not what
//! is convenient for the bot.
//!
//! - [`error`]: the Webex error envelope (`{message, errors, trackingId}`) every route answers with.
//! - [`ids`]: Webex-style ids (base64 of `ciscospark://us/<KIND>/<uuid>`).
//! - [`caller`]: the identity behind a bearer token, put in request extensions by the auth layer.
//! - [`paging`]: `max`/`start` pagination with `Link` headers.
//! - [`org`]: devices, configurations, xAPI, workspaces, locations (the organisation's state).

pub mod caller;
pub mod error;
pub mod ids;
pub mod org;
pub mod paging;
