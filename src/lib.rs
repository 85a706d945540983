//! roombot: a Webex bot that puts an organisation's Cisco room devices into chat.
//!
//! Module map (see `DESIGN.md` in the shared design notes for the data flow):
//!
//! - [`cli`]: the `roombot` command line.
//! - [`demo`]: the sandbox and the bot wired together (`roombot sandbox`, `exec --sandbox`).
//! - [`app`]: the HTTP application: router, workers, graceful shutdown; wires bot and ops.
//! - [`bot`]: the worker side: fetch the message or card action, who and where (roles, domain
//!   and space grants), reply; the bot's arrival in and departure from spaces; webhook sync and
//!   watchdog; start-up identity.
//! - [`ops`]: the command layer: plan → confirmation → the executor (the only code that runs a
//!   plan's calls) → reply, with one audit event per action.
//! - [`webhook`]: webhook intake: signature check, envelope, dedupe, durable store, queue and
//!   the feeder that replays stored events; beside it the websocket intake (device
//!   registration, the socket, keepalive, reconnection) feeding the same intake.
//! - [`plan`]: the pure plan stage: command + snapshot + actor → a serializable plan or a refusal.
//! - [`request`]: who asked, where, what (`Request`, `Actor`, `Place`, `Input`) and the `Reply`.
//! - [`access`]: roles (admin, operator, viewer) and who gets which.
//! - [`resolve`]: target → devices: name matching, permissions, the listing cache.
//! - [`store`]: the SQLite store (accepted events and their journal, dedupe ledger,
//!   confirmations, posted messages, kept credentials, space defaults and scopes, the audit
//!   trail behind `AuditLog`); schema migrations, retention, health.
//! - [`telemetry`]: tracing subscriber set-up (human or JSON lines).
//! - [`command`]: the chat language: one grammar for parsing and help.
//! - [`cards`]: Adaptive Card templates and their expander.
//! - [`webex`]: the typed Webex REST client; the only place that knows Webex URLs.
//! - [`settings`]: typed settings from `config/` files and `ROOMBOT__*` variables.
//! - [`metrics`]: Prometheus counters and histograms for `/metrics`.
//! - [`sandbox`]: the embedded Webex emulator with a demo organisation.
//!
//! Layers: a module may import (`crate::…`) only modules on lower lines of this table, never
//! one on its own line or above; the `layers` test in `tests/e2e` reads this table and fails on
//! an import that points up it.
//!
//! ```text
//! cli
//! demo
//! app
//! bot ops
//! webhook plan
//! request
//! access telemetry store resolve
//! settings metrics webex command cards
//! ```
//!
//! `sandbox` stands beside the product, behind the `sandbox` feature: it imports nothing of
//! the bot but `webex` (ids and models), and only `demo` and `cli` import it.

pub mod access;
pub mod app;
pub mod bot;
pub mod cards;
pub mod cli;
pub mod command;
#[cfg(feature = "sandbox")]
pub mod demo;
pub mod metrics;
pub mod ops;
pub mod plan;
pub mod request;
pub mod resolve;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod settings;
pub mod store;
pub mod telemetry;
pub mod webex;
pub mod webhook;
