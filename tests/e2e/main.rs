//! roombot's integration tests, one binary (one link on CI's two cores): a module per area.
//! End-to-end tests run the real `Application` against the embedded sandbox over real TCP with
//! signed webhooks; client tests use a wiremock fake (STYLE.md R16, R17).

mod cards_support;
mod ops_support;
mod sandbox_messaging_support;
mod sandbox_org_support;
mod served_support;
mod support;

mod admin_access;
mod admin_token;
mod bad_input;
mod cards_browser;
mod cards_differential;
mod cards_render;
mod cards_schema;
mod chat_page;
mod command_help;
mod command_phrases;
mod command_props;
mod command_readme;
mod confirmations;
mod crash;
mod exec_cli;
mod faults;
mod fleet_scale;
mod forms;
mod intake;
mod layers;
mod ops_commands;
mod ops_configs;
mod ops_forms;
mod ops_lists;
mod ops_manage;
mod pagination_quirks;
mod panics;
mod plans;
mod reply_cards;
mod sandbox_access;
mod sandbox_access_oauth;
mod sandbox_access_walk;
mod sandbox_messaging;
mod sandbox_messaging_faults;
mod sandbox_messaging_webhooks;
mod sandbox_org_devices;
mod sandbox_org_schema;
mod sandbox_org_workspaces;
mod sandbox_org_xapi;
mod sandbox_try;
mod server;
mod settings;
mod slow_clients;
mod soak;
mod startup;
mod store;
mod webex_client;
