//! `roombot check`: validates both identities and what each reaches. The bot's token (it is a
//! bot's, `GET people/me`) and its device grants (how many devices it may command, read or not
//! touch); the admin credential, when configured (a refresh now, with the token lifetimes and
//! scopes Webex states, who it acts as, and the workspaces and devices it lists). Prints what to
//! fix; fails when a configured credential does not work or the bot reaches no device.

use std::fmt;
use std::time::Duration;

use crate::webex::{DeviceFilter, PersonType, WebexClient, WorkspaceFilter};

/// Most pages read per listing during the check.
const PAGE_CAP: usize = 200;

/// The outcome of the check: report lines and whether everything needed works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// One line per finding, `ok:`, `warning:` or `error:` first.
    pub lines: Vec<String>,
    /// False when the bot cannot work (bad token, listing failed, no device access) or the
    /// configured admin credential fails.
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

impl CheckReport {
    fn ok(&mut self, line: String) {
        self.lines.push(format!("ok: {line}"));
    }

    fn warning(&mut self, line: String) {
        self.lines.push(format!("warning: {line}"));
    }

    fn error(&mut self, line: String) {
        self.lines.push(format!("error: {line}"));
        self.ok = false;
    }
}

/// Runs the check against Webex with the bot's client and, if configured, the admin's.
pub async fn check(bot: &WebexClient, admin: Option<&WebexClient>) -> CheckReport {
    let mut report = CheckReport {
        lines: Vec::new(),
        ok: true,
    };
    if check_bot(bot, &mut report).await {
        check_grants(bot, &mut report).await;
    }
    match admin {
        Some(admin) => check_admin(admin, &mut report).await,
        None => report.warning(
            "no admin credential (webex.admin): configurations, workspaces, locations, tags, activation codes and device deletes are refused; see README: Admin access".into(),
        ),
    }
    report
}

/// The bot's token: accepted, and a bot's. False when Webex refused it.
async fn check_bot(bot: &WebexClient, report: &mut CheckReport) -> bool {
    match bot.me().await {
        Ok(me) => {
            let name = me.display_name.clone().unwrap_or_default();
            match me.person_type {
                Some(PersonType::Bot) => report.ok(format!("token of bot {name}")),
                _ => report.warning(format!("the token belongs to {name}, which is not a bot")),
            }
            true
        }
        Err(e) => {
            report.error(format!("the token is not accepted: {e}"));
            false
        }
    }
}

/// The devices granted to the bot, by what they allow.
async fn check_grants(bot: &WebexClient, report: &mut CheckReport) {
    let listing = bot.list_devices(&DeviceFilter::default());
    match listing.list_all(PAGE_CAP).await {
        Ok(devices) => {
            let full = devices.iter().filter(|d| d.can_command()).count();
            let read = devices
                .iter()
                .filter(|d| d.can_read_status() && !d.can_command())
                .count();
            let none = devices.len() - full - read;
            report.ok(format!(
                "{} device(s) granted to the bot: {full} with commands, {read} read-only, {none} without xAPI access",
                devices.len()
            ));
            if full + read == 0 {
                report.error("no device grants the bot xAPI access; an admin grants it per workspace in Control Hub".into());
            }
        }
        Err(e) => report.error(format!("the bot cannot list devices: {e}")),
    }
}

/// The admin credential: a refresh now, who it acts as, and what it lists.
async fn check_admin(admin: &WebexClient, report: &mut CheckReport) {
    if let Some(refresher) = admin.refresher() {
        match refresher.refresh().await {
            Ok(info) => report.ok(format!(
                "admin credential refreshed: access token valid for {}{}{}",
                span(info.expires_in),
                info.refresh_expires_in
                    .map(|d| format!(", refresh token for {}", span(d)))
                    .unwrap_or_default(),
                info.scopes
                    .map(|s| format!("; scopes: {s}"))
                    .unwrap_or_default(),
            )),
            Err(e) => {
                report.error(format!("the admin credential does not work: {e}; an admin must run `roombot auth login`"));
                return;
            }
        }
    }
    match admin.me().await {
        Ok(me) => report.ok(format!(
            "admin credential acts as {} ({})",
            me.display_name.unwrap_or_default(),
            me.emails
                .and_then(|e| e.into_iter().next())
                .unwrap_or_default()
        )),
        Err(e) => report.error(format!("the admin credential is not accepted: {e}")),
    }
    let workspaces = admin.list_workspaces(&WorkspaceFilter::default());
    let devices = admin.list_devices(&DeviceFilter::default());
    match tokio::try_join!(workspaces.list_all(PAGE_CAP), devices.list_all(PAGE_CAP)) {
        Ok((workspaces, devices)) => report.ok(format!(
            "the admin credential lists {} workspace(s) and {} device(s)",
            workspaces.len(),
            devices.len()
        )),
        Err(e) => report.error(format!(
            "the admin credential cannot list workspaces and devices (does it have spark-admin:workspaces_read and spark-admin:devices_read?): {e}"
        )),
    }
}

/// A duration in the largest whole unit: `14 days`, `3 h`, `50 min`.
fn span(duration: Duration) -> String {
    let secs = duration.as_secs();
    match secs {
        s if s >= 2 * 86_400 => format!("{} days", s / 86_400),
        s if s >= 2 * 3_600 => format!("{} h", s / 3_600),
        s => format!("{} min", s / 60),
    }
}
