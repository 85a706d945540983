//! Device list (paged, filter buttons, a Status button per device, More) and workspace cards.

use serde::{Deserialize, Serialize};

use super::lists::{Fitting, Line, LineView, line_views};
use super::{
    Button, ButtonView, Fact, FactView, NAME_CHARS, TEXT_CHARS, button_views, buttons_markdown,
    fact_views,
};
use crate::cards::markdown::{code, literal};
use crate::cards::{Card, RenderError, Templates};

/// Most devices listed in a workspace card.
const MAX_WORKSPACE_DEVICES: usize = 30;

/// A device's connection, as Webex reports it (`connectionStatus`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Connection {
    /// `connected`.
    Connected,
    /// `connected_with_issues`.
    ConnectedWithIssues,
    /// `disconnected` (and `offline_expired`).
    Disconnected,
    /// Anything else Webex says, shown as is.
    Other(String),
}

impl Connection {
    fn icon(&self) -> &'static str {
        match self {
            Self::Connected => "🟢",
            Self::ConnectedWithIssues => "🟠",
            Self::Disconnected => "🔴",
            Self::Other(_) => "⚪",
        }
    }

    fn label(&self) -> String {
        match self {
            Self::Connected => "online".into(),
            Self::ConnectedWithIssues => "online with issues".into(),
            Self::Disconnected => "offline".into(),
            Self::Other(s) => literal(s, NAME_CHARS),
        }
    }
}

/// One device in a device list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRow {
    /// A group heading above the row (its location, when it starts a group; "" otherwise).
    pub header: String,
    /// Device display name.
    pub name: String,
    /// Its workspace (empty if none).
    pub workspace: String,
    /// Product, e.g. "Cisco Room Kit".
    pub product: String,
    /// Connection status.
    pub connection: Connection,
    /// More about it: its issues in words, since when it is offline, its software.
    pub lines: Vec<Line>,
    /// Command text of its Status button (`status device "Board 4B"`).
    pub status_command: String,
}

/// One page of a device list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceList {
    /// Headline, e.g. "4 devices · issues".
    pub title: String,
    /// Which rows of how many ("Showing 1–15 of 120").
    pub summary: String,
    /// The number of the page's first row, from 1.
    pub first: usize,
    /// The page's devices, in display order.
    pub rows: Vec<DeviceRow>,
    /// Filter buttons (`devices offline`, `devices issues`…); at most 5 are shown.
    pub filters: Vec<Button>,
    /// Command text for the next page, when one follows.
    pub more_command: Option<String>,
}

/// A device in a workspace card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceDevice {
    /// Device display name.
    pub name: String,
    /// Product.
    pub product: String,
    /// Connection status.
    pub connection: Connection,
}

/// A workspace's details and devices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceInfo {
    /// Workspace display name.
    pub name: String,
    /// Details: type, capacity, location, floor, calendar, notes…
    pub facts: Vec<Fact>,
    /// Its devices.
    pub devices: Vec<WorkspaceDevice>,
    /// Buttons (Status, Devices…); at most 5.
    pub buttons: Vec<Button>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct DeviceListView {
    title: String,
    summary: String,
    first: usize,
    filters: Vec<ButtonView>,
    rows: Vec<DeviceRowView>,
    buttons: Vec<ButtonView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct DeviceRowView {
    header: String,
    name: String,
    icon: String,
    state: String,
    product: String,
    workspace: String,
    lines: Vec<LineView>,
    status_cmd: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(super) struct WorkspaceView {
    title: String,
    facts: Vec<FactView>,
    devices_title: String,
    devices: Vec<WorkspaceDeviceView>,
    buttons: Vec<ButtonView>,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WorkspaceDeviceView {
    icon: String,
    name: String,
    product: String,
    state: String,
}

impl Templates {
    /// Renders one page of a device list, with a More button when rows follow.
    pub fn render_device_list(&self, list: &DeviceList) -> Result<Card, RenderError> {
        let more: Vec<Button> = match &list.more_command {
            Some(command) => vec![Button::new("More", command.clone())],
            None => vec![],
        };
        let mut view = DeviceListView {
            title: literal(&list.title, TEXT_CHARS),
            summary: literal(&list.summary, TEXT_CHARS),
            first: list.first,
            filters: button_views(&list.filters),
            rows: list.rows.iter().map(device_row_view).collect(),
            buttons: button_views(&more),
        };
        let mut fitting = Fitting::new(&view.summary);
        self.shrink_to_fit("device_list", &mut view, |v| {
            fitting.step(&mut v.rows, |r| &mut r.lines, |r| &r.name, &mut v.summary)
        })?;
        let buttons = [more.as_slice(), &list.filters].concat();
        let fallback = device_list_markdown(&view, list.first, &buttons);
        self.card("device_list", &view, fallback)
    }

    /// Renders a workspace's details and its devices.
    pub fn render_workspace(&self, info: &WorkspaceInfo) -> Result<Card, RenderError> {
        let devices: Vec<WorkspaceDeviceView> = info
            .devices
            .iter()
            .take(MAX_WORKSPACE_DEVICES)
            .map(|d| WorkspaceDeviceView {
                icon: d.connection.icon().into(),
                name: literal(&d.name, NAME_CHARS),
                product: literal(&d.product, NAME_CHARS),
                state: d.connection.label(),
            })
            .collect();
        let devices_title = match info.devices.len() {
            0 => "No devices".to_owned(),
            1 => "1 device".to_owned(),
            n => format!("{n} devices"),
        };
        let view = WorkspaceView {
            title: literal(&info.name, NAME_CHARS),
            facts: fact_views(&info.facts),
            devices_title,
            devices,
            buttons: button_views(&info.buttons),
        };
        let mut md = vec![format!("**{}**", view.title)];
        md.extend(
            view.facts
                .iter()
                .map(|f| format!("- {}: {}", f.title, f.value)),
        );
        md.extend([String::new(), format!("**{}**", view.devices_title)]);
        md.extend(
            view.devices
                .iter()
                .map(|d| format!("- {} **{}** · {} · {}", d.icon, d.name, d.product, d.state)),
        );
        if !info.buttons.is_empty() {
            md.extend(["".into(), buttons_markdown(&info.buttons)]);
        }
        self.card("workspace", &view, md.join("\n"))
    }
}

fn device_list_markdown(view: &DeviceListView, first: usize, buttons: &[Button]) -> String {
    let mut md = vec![
        format!("**{}**", view.title),
        view.summary.clone(),
        String::new(),
    ];
    for (i, r) in view.rows.iter().enumerate() {
        if !r.header.is_empty() {
            md.push(format!("**{}**", r.header));
        }
        let mut line = format!(
            "{}. {} **{}** · {} · {} · {} · {}",
            first + i,
            r.icon,
            r.name,
            r.state,
            r.product,
            r.workspace,
            code(&r.status_cmd)
        );
        for extra in &r.lines {
            line.push_str(&format!("\n    - {}", extra.text));
        }
        md.push(line);
    }
    if !buttons.is_empty() {
        md.extend(["".into(), buttons_markdown(buttons)]);
    }
    md.join("\n")
}

fn device_row_view(row: &DeviceRow) -> DeviceRowView {
    DeviceRowView {
        header: literal(&row.header, NAME_CHARS),
        name: literal(&row.name, TEXT_CHARS),
        icon: row.connection.icon().into(),
        state: row.connection.label(),
        product: literal(&row.product, NAME_CHARS),
        workspace: if row.workspace.is_empty() {
            "no workspace".into()
        } else {
            literal(&row.workspace, NAME_CHARS)
        },
        lines: line_views(&row.lines),
        status_cmd: row.status_command.clone(),
    }
}
