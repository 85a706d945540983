//! `roombot check`: validates the token (it is a bot's, `GET people/me`) and the bot's device
//! access (how many devices it may command, read or not touch), and prints what to fix.

use std::fmt;

use crate::webex::{DeviceFilter, PersonType, WebexClient, WorkspaceFilter};

/// Most pages read per listing during the check.
const PAGE_CAP: usize = 200;

/// The outcome of the check: report lines and whether everything needed works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// One line per finding, `ok:`, `warning:` or `error:` first.
    pub lines: Vec<String>,
    /// False when the bot cannot work (bad token, listing failed, no device access).
    pub ok: bool,
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// Runs the check against Webex.
pub async fn check(webex: &WebexClient) -> CheckReport {
    let mut report = CheckReport {
        lines: Vec::new(),
        ok: true,
    };
    let error = |report: &mut CheckReport, line: String| {
        report.lines.push(format!("error: {line}"));
        report.ok = false;
    };
    match webex.me().await {
        Ok(me) => {
            let name = me.display_name.clone().unwrap_or_default();
            if me.person_type != Some(PersonType::Bot) {
                report.lines.push(format!(
                    "warning: the token belongs to {name}, which is not a bot"
                ));
            } else {
                report.lines.push(format!("ok: token of bot {name}"));
            }
        }
        Err(e) => {
            error(&mut report, format!("the token is not accepted: {e}"));
            return report;
        }
    }
    match webex
        .list_devices(&DeviceFilter::default())
        .list_all(PAGE_CAP)
        .await
    {
        Ok(devices) => {
            let full = devices.iter().filter(|d| d.can_command()).count();
            let read = devices
                .iter()
                .filter(|d| d.can_read_status() && !d.can_command())
                .count();
            let none = devices.len() - full - read;
            report.lines.push(format!(
                "ok: {} device(s) visible: {full} with commands, {read} read-only, {none} without xAPI access",
                devices.len()
            ));
            if full + read == 0 {
                error(&mut report, "no device grants the bot xAPI access; an admin grants it per workspace in Control Hub".into());
            }
        }
        Err(e) => error(&mut report, format!("cannot list devices: {e}")),
    }
    match webex
        .list_workspaces(&WorkspaceFilter::default())
        .list_all(PAGE_CAP)
        .await
    {
        Ok(workspaces) => report
            .lines
            .push(format!("ok: {} workspace(s) visible", workspaces.len())),
        Err(e) => error(&mut report, format!("cannot list workspaces: {e}")),
    }
    report
}
