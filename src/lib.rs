//! roombot: a Webex bot that puts an organisation's Cisco room devices into chat.
//!
//! Module map (see `DESIGN.md` in the shared design notes for the data flow):
//!
//! - [`access`]: roles (admin, operator, viewer) and who gets which.
//! - [`settings`]: typed settings from `config/` files and `ROOMBOT__*` variables.
//! - [`telemetry`]: tracing subscriber set-up (human or JSON lines).
//! - [`cli`]: the `roombot` command line.
//! - [`app`]: the HTTP application: router, workers, graceful shutdown.
//! - [`metrics`]: Prometheus counters and histograms for `/metrics`.
//! - [`store`]: the SQLite store (accepted events and their journal, dedupe ledger,
//!   confirmations, posted messages); schema migrations, retention, health.
//! - [`readiness`]: `GET /readyz`, a list of named checks (the store).
//! - [`webex`]: the typed Webex REST client; the only place that knows Webex URLs.
//! - [`command`]: the chat language: one grammar for parsing and help.
//! - [`resolve`]: target → devices: name matching, permissions, the listing cache.
//! - [`ops`]: device operations: commands → Webex calls → replies, with audit events.
//! - [`cards`]: Adaptive Card templates and their expander.
//! - [`webhook`]: webhook intake: signature check, envelope, dedupe, durable store, queue and
//!   the feeder that replays stored events.
//! - [`bot`]: the worker side: fetch the message or card action, who and where, reply; webhook
//!   sync and watchdog; start-up identity.
//! - [`demo`]: the sandbox and the bot wired together (`roombot sandbox`, `exec --sandbox`).
//! - [`sandbox`]: the embedded Webex emulator with a demo organisation.

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
pub mod readiness;
pub mod resolve;
#[cfg(feature = "sandbox")]
pub mod sandbox;
pub mod settings;
pub mod store;
pub mod telemetry;
pub mod webex;
pub mod webhook;
