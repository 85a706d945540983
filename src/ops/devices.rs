//! The replies about devices: the filtered list (a Status button per row, paged), tags (each
//! device's complete new list) and a device deleted.

use std::collections::HashMap;

use crate::cards::markdown::escape;
use crate::cards::words::plural;
use crate::cards::{
    Button, CommandResult, Connection, DeviceList, DeviceRow, FollowUp, Line,
    Outcome as RowOutcome, Tone, follow_up_buttons,
};
use crate::command::{Command, DeviceFilters, Target};
use crate::plan::{Paging, Plan, Snapshot, location_names};
use crate::request::Reply;
use crate::resolve::Org;
use crate::webex::{ConnectionStatus, Device, WorkspaceId};

use super::audit::Verdict;
use super::error_codes::meaning;
use super::execute::{Answer, Outcome};
use super::results::{call_rows, counts, skip_notes, target_words};
use super::workspaces::page_line;
use super::xapi::with_by;
use super::{Done, Ops};

impl Ops {
    /// `devices …`: the plan's page of devices, grouped under their locations, each with its
    /// issues in words, since when it is offline and its software; More shows the next page.
    pub(crate) fn render_devices(&self, plan: &Plan, snapshot: &Snapshot, paging: &Paging) -> Done {
        let list = DeviceList {
            title: list_title(&plan.text, paging),
            summary: page_line(paging),
            first: paging.range().start + 1,
            rows: grouped_rows(plan, snapshot),
            filters: vec![
                Button::new("Offline", "devices offline"),
                Button::new("Issues", "devices issues"),
                Button::new("All", "devices"),
            ],
            more_command: paging.more.clone(),
        };
        let fallback = list
            .rows
            .iter()
            .map(|r| format!("- {} ({})", escape(&r.name), escape(&r.workspace)))
            .collect::<Vec<_>>()
            .join("\n");
        let names = list.rows.iter().map(|r| r.name.clone()).collect();
        Done::new(
            self.card(self.templates.render_device_list(&list), fallback),
            Verdict::Read,
        )
        .targets(names)
    }

    /// `tag <target> add|remove <tag>`: each device's tags now.
    pub(crate) fn render_tag(
        &self,
        plan: &Plan,
        outcome: &Outcome,
        add: bool,
        tag: &str,
        by: &str,
    ) -> Done {
        let rows = call_rows(plan, outcome, |answer| match answer {
            Answer::Tags(tags) if tags.is_empty() => (RowOutcome::Done, "tags: none".to_owned()),
            Answer::Tags(tags) => (RowOutcome::Done, format!("tags: {}", tags.join(", "))),
            _ => (RowOutcome::Done, String::new()),
        });
        let verb = if add { "Tagged" } else { "Untagged" };
        let result = CommandResult {
            title: with_by(format!("{verb} {} “{tag}”", target_words(&plan.label)), by),
            summary: counts(&rows, plan),
            rows,
            notes: skip_notes(plan),
            buttons: follow_up_buttons(FollowUp::Other, &plan.label),
        };
        let names = plan.included().map(|d| d.name.clone()).collect();
        Done::new(
            self.card(
                self.templates.render_command_result(&result),
                escape(&result.title),
            ),
            Verdict::Done,
        )
        .targets(names)
        .tracking(outcome.tracking_ids())
    }

    /// `delete device <name>` after its confirmation.
    pub(crate) fn render_device_delete(&self, plan: &Plan, outcome: &Outcome) -> Done {
        let label = plan.label.clone();
        let Some(result) = outcome.first() else {
            return self
                .rejected(
                    &format!("Nothing was done: {label} is no longer in the organisation."),
                    "It was deleted since you were asked to confirm.",
                )
                .targets(vec![label]);
        };
        if let Some(done) = self.call_failed(&format!("delete {label}"), result) {
            return done.targets(vec![label]);
        }
        let text = format!("Deleted device **{}**.", escape(&label));
        Done::new(Reply::text(text), Verdict::Done).targets(vec![label])
    }
}

/// The page's rows, each location's heading above its first device (with locations known).
fn grouped_rows(plan: &Plan, snapshot: &Snapshot) -> Vec<DeviceRow> {
    let places = location_names(snapshot);
    let mut last_place: Option<&str> = None;
    let mut rows = Vec::new();
    for device in plan
        .devices
        .iter()
        .filter_map(|d| snapshot.org.device(&d.device.id))
    {
        let place = place_of(device, &places);
        let header = match (places.is_empty(), last_place == Some(place)) {
            (false, false) => place.to_owned(),
            _ => String::new(),
        };
        last_place = Some(place);
        rows.push(row(device, snapshot, header));
    }
    rows
}

/// `18 devices`, or with the filters typed: `4 devices · issues`.
fn list_title(text: &str, paging: &Paging) -> String {
    // The filters as the command spells them, without the page (a name may hold "page").
    let unpaged = match Command::parse(text) {
        Ok(Command::Devices { filters }) => Command::Devices {
            filters: DeviceFilters {
                page: None,
                ..filters
            },
        }
        .canonical(),
        _ => String::new(),
    };
    let filters = unpaged.strip_prefix("devices").unwrap_or_default().trim();
    match (paging.total, filters) {
        (0, _) => "No devices match".to_owned(),
        (n, "") => plural(n, "device", "devices"),
        (n, filters) => format!("{} · {filters}", plural(n, "device", "devices")),
    }
}

fn row(device: &Device, snapshot: &Snapshot, header: String) -> DeviceRow {
    let name = device
        .display_name
        .clone()
        .unwrap_or_else(|| device.id.as_str().to_owned());
    let workspace = match Org::is_personal(device) {
        true => "personal device".to_owned(),
        false => snapshot.org.workspace_name(device),
    };
    DeviceRow {
        header,
        status_command: Command::Status {
            keys: Vec::new(),
            target: Some(Target::Device(snapshot.org.device_address(device))),
            page: None,
        }
        .canonical(),
        name,
        workspace,
        product: device.product.clone().unwrap_or_default(),
        connection: connection(device),
        lines: device_lines(device),
    }
}

/// What more a device list says of a device: since when it is offline, each error code in
/// plain words, and its software when it has issues.
fn device_lines(device: &Device) -> Vec<Line> {
    let mut lines = Vec::new();
    if !device.is_online() {
        let since = device.last_seen.as_deref().and_then(when);
        let text = match since {
            Some(at) => format!("offline since {at}"),
            None => "offline; Webex does not say since when".to_owned(),
        };
        lines.push(Line::new(text, Tone::Warning));
    }
    let codes = device.error_codes.clone().unwrap_or_default();
    lines.extend(
        codes
            .iter()
            .map(|code| Line::new(format!("⚠ {}", meaning(code)), Tone::Attention)),
    );
    if let Some(software) = device.software.as_ref().filter(|_| !lines.is_empty()) {
        lines.push(Line::new(format!("software {software}"), Tone::Default));
    }
    lines
}

/// A Webex timestamp as people read it: `28 Oct 2026, 17:42 UTC`.
fn when(timestamp: &str) -> Option<String> {
    let at = chrono::DateTime::parse_from_rfc3339(timestamp).ok()?;
    Some(at.to_utc().format("%-d %b %Y, %H:%M UTC").to_string())
}

/// The location heading `device` is listed under.
fn place_of<'a>(device: &Device, places: &HashMap<&WorkspaceId, &'a str>) -> &'a str {
    device
        .workspace_id
        .as_ref()
        .and_then(|w| places.get(w).copied())
        .unwrap_or("No location")
}

/// The card's connection state for `device`.
pub(crate) fn connection(device: &Device) -> Connection {
    match &device.connection_status {
        Some(ConnectionStatus::Connected) => Connection::Connected,
        Some(ConnectionStatus::ConnectedWithIssues) => Connection::ConnectedWithIssues,
        Some(ConnectionStatus::Disconnected | ConnectionStatus::OfflineExpired) => {
            Connection::Disconnected
        }
        Some(other) => Connection::Other(
            serde_json::to_value(other)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_else(|| "unknown".into()),
        ),
        None => Connection::Other("unknown".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_title_names_the_filters_typed_even_a_name_holding_page() {
        let paging = Paging {
            page: 2,
            per_page: 15,
            total: 18,
            more: None,
        };
        let title = |text: &str| list_title(text, &paging);
        assert_eq!(title("devices page 2"), "18 devices");
        assert_eq!(title("devices issues page 2"), "18 devices · issues");
        assert_eq!(
            title(r#"devices offline in "Front page lab" page 2"#),
            r#"18 devices · offline in "Front page lab""#
        );
    }
}
