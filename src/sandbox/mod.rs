//! The embedded Webex emulator: serves the part of `https://webexapis.com/v1` that roombot uses,
//! with in-memory state and a demo organisation. Follows the Webex docs and WEBEX-FACTS, not what
//! is convenient for the bot.
//!
//! Start it with [`Sandbox::start`] on `127.0.0.1:0`; the returned [`SandboxHandle`] gives the
//! base URL, the demo identities and their tokens (see [`demo_people`]), the rooms, the request
//! log, webhook deliveries, waiters, and person-side actions (`post_as`, `click`).
//!
//! Requests pass, outermost first: [`request_log`] → [`faults`] → [`auth`] → [`access`] →
//! routes (the consent page and the token endpoint skip auth and access).
//!
//! What it enforces when started with [`Access::Enforced`] ([`SandboxOptions::enforced`]):
//! the table in [`access::rules`] (who may call each endpoint: bots, people, organisation
//! admins, OAuth integrations with the scopes they were granted, service apps; 403 otherwise),
//! per-workspace grants (bots and people see and command only granted workspaces' devices, and
//! a device's `permissions` is the caller's grant), `NOT_AUTHORIZED` configurations for callers
//! who may not change them, and OAuth tokens that expire and can be revoked (401). The default,
//! [`Access::Permissive`], lets any token of the organisation call anything and shows the
//! permissions stored on devices (what roombot's bot-token-only tests rely on).
//!
//! - [`server`]: options, router composition, the listening task.
//! - [`handle`]: the running sandbox as tests and `roombot sandbox` see it (credentials and
//!   grants included).
//! - [`state`], [`model`]: shared state and the messaging resources' JSON shapes.
//! - [`auth`]: bearer token → [`caller::Caller`]; 401 otherwise (also expired or revoked).
//! - [`access`]: who may call what, and the scopes; [`oauth`]: consent page, token endpoint,
//!   service-app tokens, and the store of issued tokens.
//! - [`people`], [`rooms`], [`messages`], [`message_list`], [`message_rules`], [`attachment_actions`],
//!   [`webhooks`]: the messaging API; [`mentions`] derives `text`/`html`/`mentionedPeople`.
//! - [`delivery`]: signed webhook deliveries and the 100-failures rule.
//! - [`mercury`]: the websocket side (U2C catalog, device registrations, the socket, acks,
//!   redelivery, socket faults).
//! - [`request_log`], [`faults`]: what was called and with which token; latency and failures,
//!   deterministic by seed.
//! - [`demo_people`]: the bot, the demo people, their tokens and rooms.
//! - [`error`]: the Webex error envelope (`{message, errors, trackingId}`) every route answers with.
//! - [`ids`]: Webex-style ids (base64 of `ciscospark://us/<KIND>/<uuid>`).
//! - [`caller`]: the identity behind a bearer token (kind, admin or not, scopes), put in request
//!   extensions by the auth layer.
//! - [`paging`]: `max`/`start` pagination with `Link` headers.
//! - [`org`]: devices, configurations, xAPI, workspaces, locations (the organisation's state).

pub mod access;
pub mod attachment_actions;
pub mod auth;
pub mod caller;
pub mod console;
pub mod delivery;
pub mod demo_people;
pub mod error;
pub mod faults;
pub mod handle;
pub mod http;
pub mod ids;
pub mod memberships;
pub mod mentions;
pub mod mercury;
pub mod message_list;
pub mod message_rules;
pub mod messages;
pub mod model;
pub mod oauth;
pub mod org;
pub mod paging;
pub mod people;
pub mod request_log;
pub mod rooms;
pub mod server;
pub mod state;
pub mod webhooks;

pub use access::Access;
pub use caller::TokenKind;
pub use demo_people::{DemoPerson, Role};
pub use faults::{Family, Fault, FaultOptions, FaultRates};
pub use handle::{SandboxError, SandboxHandle};
pub use mercury::SocketFaults;
pub use model::{AttachmentAction, Delivery, Message, Webhook};
pub use oauth::{Integration, OAuthOptions, ServiceApp, TokenPair};
pub use org::Grant;
pub use request_log::{LoggedRequest, TokenInfo};
pub use server::{OrgChoice, Sandbox, SandboxOptions};
