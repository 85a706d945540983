//! Device operations: one file per capability. Turns a parsed [`Command`] into Webex calls and a
//! [`Reply`]. (Being built: the device-operations issue.)

use crate::bot::Bot;
use crate::bot::context::Request;
use crate::bot::reply::Reply;
use crate::command::Command;

/// Runs commands against Webex.
#[derive(Debug, Default)]
pub struct Ops {}

impl Ops {
    /// Runs `command` for `request`; `confirmed` is true once the person clicked Confirm.
    pub async fn run(
        &self,
        _bot: &Bot,
        _request: &Request,
        command: Command,
        _confirmed: bool,
    ) -> Reply {
        Reply::text(format!(
            "`{}` is understood but not available yet.",
            command.canonical()
        ))
    }

    /// Applies the configuration form's changed keys to `target`.
    pub async fn apply_config_form(
        &self,
        _bot: &Bot,
        _request: &Request,
        target: &str,
        changes: &[(String, String)],
    ) -> Reply {
        Reply::text(format!(
            "{} change(s) for {target} are not available yet.",
            changes.len()
        ))
    }
}
