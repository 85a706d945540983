//! The replies about devices: the filtered list (a Status button per row, paged), tags (each
//! device's complete new list) and a device deleted.

use crate::cards::markdown::escape;
use crate::cards::{
    Button, CommandResult, Connection, DEVICE_PAGE_SIZE, DeviceList, DeviceRow, FollowUp,
    Outcome as RowOutcome,
};
use crate::command::{Command, Target};
use crate::plan::{Plan, Snapshot};
use crate::request::Reply;
use crate::webex::{ConnectionStatus, Device};

use super::audit::Verdict;
use super::execute::{Answer, Outcome};
use super::reply::device_rows;
use super::{Done, Ops};

impl Ops {
    /// `devices …`: page `page` (from 1) of the plan's devices; More runs `next`.
    pub(crate) fn render_devices(
        &self,
        plan: &Plan,
        snapshot: &Snapshot,
        page: u32,
        next: &str,
    ) -> Done {
        let rows: Vec<DeviceRow> = plan
            .devices
            .iter()
            .filter_map(|d| snapshot.org.device(&d.device.id))
            .map(|d| row(d, snapshot))
            .collect();
        let title = match rows.len() {
            0 => "No devices match".to_owned(),
            n => format!("{n} device(s)"),
        };
        // Pages are 1-based in the language and 0-based in the card.
        let page = page.saturating_sub(1) as usize;
        let pages = rows.len().div_ceil(DEVICE_PAGE_SIZE).max(1);
        let list = DeviceList {
            title,
            rows,
            page: page.min(pages - 1),
            filters: vec![
                Button::new("Offline", "devices offline"),
                Button::new("Issues", "devices issues"),
                Button::new("All", "devices"),
            ],
            more_command: (page + 1 < pages).then(|| next.to_owned()),
        };
        let fallback = list
            .rows
            .iter()
            .map(|r| format!("- {} ({})", r.name, r.workspace))
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
    pub(crate) fn render_tag(&self, plan: &Plan, outcome: &Outcome, add: bool, tag: &str) -> Done {
        let rows = device_rows(plan, outcome, |answer| match answer {
            Answer::Tags(tags) if tags.is_empty() => (RowOutcome::Done, "tags: none".to_owned()),
            Answer::Tags(tags) => (RowOutcome::Done, format!("tags: {}", tags.join(", "))),
            _ => (RowOutcome::Done, String::new()),
        });
        let verb = if add { "Tagged" } else { "Untagged" };
        let result = CommandResult {
            title: format!("{verb} {} “{tag}”", plan.label),
            target: plan.label.clone(),
            rows,
            follow_up: FollowUp::Other,
        };
        let names = plan.included().map(|d| d.name.clone()).collect();
        Done::new(
            self.card(
                self.templates.render_command_result(&result),
                result.title.clone(),
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

fn row(device: &Device, snapshot: &Snapshot) -> DeviceRow {
    let name = device
        .display_name
        .clone()
        .unwrap_or_else(|| device.id.as_str().to_owned());
    DeviceRow {
        status_command: Command::Status {
            keys: Vec::new(),
            target: Some(Target::Device(name.clone())),
        }
        .canonical(),
        name,
        workspace: snapshot.org.workspace_name(device),
        product: device.product.clone().unwrap_or_default(),
        connection: connection(device),
    }
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
