//! Devices: the filtered list (from the cached listing, a Status button per row), tags (the
//! complete new list is sent, DESIGN rule 6) and device deletion (confirmed first).

use crate::cards::{
    Button, CommandResult, Connection, DEVICE_PAGE_SIZE, DeviceList, DeviceOutcome, DeviceRow,
    FollowUp, Outcome,
};
use crate::command::{Command, Connectivity, DeviceFilters, TagAction, Target};
use crate::resolve::{Need, Resolution, Snapshot, select};
use crate::webex::{ConnectionStatus, Device, TagsPatch};

use super::audit::Verdict;
use super::reply::{describe, device_name, skipped_rows};
use super::target::target_text;
use super::{Ctx, Done, Ops};

impl Ops {
    /// `devices [offline|online] [issues] [tag t] [product p] [in place]`.
    pub(crate) async fn devices(&self, ctx: &Ctx<'_>, filters: &DeviceFilters) -> Done {
        let snapshot = match self.directory.snapshot(&ctx.bot.webex).await {
            Ok(snapshot) => snapshot,
            Err(error) => return self.webex_failure("list devices", &error),
        };
        let place_devices = match &filters.place {
            None => None,
            Some(place) => {
                let command = Command::Devices {
                    filters: filters.clone(),
                };
                let bare = Target::Bare(place.clone());
                let target = match self.directory.resolve(&ctx.bot.webex, &bare).await {
                    Ok((Resolution::NotFound { .. }, _)) => Target::Location(place.clone()),
                    _ => bare,
                };
                match self.resolve_target(ctx, &command, &target).await {
                    Ok((devices, _)) => Some(devices),
                    Err(done) => return done,
                }
            }
        };
        let candidates = place_devices.unwrap_or_else(|| snapshot.devices.clone());
        let rows: Vec<DeviceRow> = candidates
            .iter()
            .filter(|d| keep(d, filters))
            .map(|d| row(d, &snapshot))
            .collect();
        let title = match rows.len() {
            0 => "No devices match".to_owned(),
            n => format!("{n} device(s)"),
        };
        // Pages are 1-based in the language and 0-based in the card.
        let page = filters.page.unwrap_or(1).saturating_sub(1) as usize;
        let pages = rows.len().div_ceil(DEVICE_PAGE_SIZE).max(1);
        let more_command = (page + 1 < pages).then(|| {
            let next = DeviceFilters {
                page: Some(page as u32 + 2),
                ..filters.clone()
            };
            Command::Devices { filters: next }.canonical()
        });
        let list = DeviceList {
            title,
            rows,
            page: page.min(pages - 1),
            filters: vec![
                Button::new("Offline", "devices offline"),
                Button::new("Issues", "devices issues"),
                Button::new("All", "devices"),
            ],
            more_command,
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

    /// `tag <target> add|remove <tag>`: one PATCH per device with its complete new tag list.
    pub(crate) async fn tag(&self, ctx: &Ctx<'_>, command: Command) -> Done {
        let Command::Tag {
            action,
            tag,
            target: Some(target),
        } = &command
        else {
            return self.rejected("Tag which devices?", "e.g. `tag 4B add lobby`.");
        };
        let (devices, snapshot) = match self.resolve_target(ctx, &command, target).await {
            Ok(found) => found,
            Err(done) => return done,
        };
        // Tags are device management, but only devices shared with the bot are addressed
        // (DESIGN rule 4); offline devices can be tagged.
        let (devices, skipped) = select(devices, Need::READ_CONFIG);
        if !ctx.confirmed && devices.len() > 1 {
            let names: Vec<String> = devices.iter().map(device_name).collect();
            let verb = if *action == TagAction::Add {
                "Tag"
            } else {
                "Untag"
            };
            let title = format!("{verb} {} devices “{tag}”?", devices.len());
            let summary = format!("`{}` on {}", command.canonical(), names.join(", "));
            return self
                .ask_confirmation(ctx, &command, &title, &summary, names)
                .await;
        }
        let webex = &ctx.bot.webex;
        let results = self
            .for_each_device(&devices, |device| {
                let tags = new_tags(device, *action, tag);
                async move {
                    let unchanged = tags == device.tags.clone().unwrap_or_default();
                    if unchanged {
                        return Ok(tags);
                    }
                    webex
                        .modify_device_tags(&device.id, &TagsPatch::Replace(tags))
                        .await
                        .map(|d| d.tags.unwrap_or_default())
                }
            })
            .await;
        self.directory.invalidate();
        let mut tracking = Vec::new();
        let mut rows: Vec<DeviceOutcome> = devices
            .iter()
            .zip(results)
            .map(|(device, result)| {
                let (outcome, detail) = match result {
                    Ok(tags) => (
                        Outcome::Done,
                        format!(
                            "tags: {}",
                            if tags.is_empty() {
                                "none".to_owned()
                            } else {
                                tags.join(", ")
                            }
                        ),
                    ),
                    Err(error) => {
                        let id = error.tracking_id().unwrap_or_default().to_owned();
                        tracking.push(id.clone());
                        (
                            Outcome::Failed,
                            format!("{} (trackingId {id})", describe(&error)),
                        )
                    }
                };
                DeviceOutcome {
                    device: device_name(device),
                    workspace: snapshot.workspace_name(device),
                    outcome,
                    detail,
                }
            })
            .collect();
        rows.extend(skipped_rows(&skipped, &snapshot));
        let verb = if *action == TagAction::Add {
            "Tagged"
        } else {
            "Untagged"
        };
        let result = CommandResult {
            title: format!("{verb} {} “{tag}”", target_text(target)),
            target: target_text(target),
            rows,
            follow_up: FollowUp::Other,
        };
        let names = devices.iter().map(device_name).collect();
        Done::new(
            self.card(
                self.templates.render_command_result(&result),
                result.title.clone(),
            ),
            Verdict::Done,
        )
        .targets(names)
        .tracking(tracking)
    }

    /// `delete device <name>`: confirmed first, then DELETE.
    pub(crate) async fn delete_device(&self, ctx: &Ctx<'_>, command: Command) -> Done {
        let Command::DeleteDevice { name } = &command else {
            return self.rejected("Delete which device?", "");
        };
        let (device, snapshot) = match self.one_device(ctx, &command, name).await {
            Ok(found) => found,
            Err(done) => return done,
        };
        let label = device_name(&device);
        let exact = Command::DeleteDevice {
            name: label.clone(),
        };
        if !ctx.confirmed {
            let workspace = snapshot.workspace_name(&device);
            let summary = format!(
                "Delete device {label} ({workspace}) from the organisation? It must be activated again to come back."
            );
            return self
                .ask_confirmation(
                    ctx,
                    &exact,
                    &format!("Delete {label}?"),
                    &summary,
                    vec![label],
                )
                .await;
        }
        if let Some(done) = self.begin_action(ctx, &exact.canonical()).await {
            return done.targets(vec![label]);
        }
        if let Err(error) = ctx.bot.webex.delete_device(&device.id).await {
            return self
                .webex_failure(&format!("delete {label}"), &error)
                .targets(vec![label]);
        }
        self.directory.invalidate();
        Done::new(
            crate::bot::reply::Reply::text(format!("Deleted device **{label}**.")),
            Verdict::Done,
        )
        .targets(vec![label])
    }
}

/// Whether `device` passes the list filters (the place filter is applied before).
fn keep(device: &Device, filters: &DeviceFilters) -> bool {
    let online = device.is_online();
    let connectivity = match filters.connectivity {
        Some(Connectivity::Online) => online,
        Some(Connectivity::Offline) => !online,
        None => true,
    };
    let issues = !filters.issues
        || device.error_codes.as_ref().is_some_and(|c| !c.is_empty())
        || device.connection_status == Some(ConnectionStatus::ConnectedWithIssues);
    let tag = filters.tag.as_ref().is_none_or(|t| {
        device
            .tags
            .iter()
            .flatten()
            .any(|d| d.eq_ignore_ascii_case(t))
    });
    let product = filters.product.as_ref().is_none_or(|p| {
        device
            .product
            .as_ref()
            .is_some_and(|d| d.to_lowercase().contains(&p.to_lowercase()))
    });
    connectivity && issues && tag && product
}

fn row(device: &Device, snapshot: &Snapshot) -> DeviceRow {
    let name = device_name(device);
    DeviceRow {
        status_command: Command::Status {
            keys: Vec::new(),
            target: Some(Target::Device(name.clone())),
        }
        .canonical(),
        name,
        workspace: snapshot.workspace_name(device),
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

/// The complete tag list after adding or removing `tag` (no duplicates, order kept).
fn new_tags(device: &Device, action: TagAction, tag: &str) -> Vec<String> {
    let mut tags = device.tags.clone().unwrap_or_default();
    match action {
        TagAction::Add if !tags.iter().any(|t| t.eq_ignore_ascii_case(tag)) => {
            tags.push(tag.to_owned())
        }
        TagAction::Add => {}
        TagAction::Remove => tags.retain(|t| !t.eq_ignore_ascii_case(tag)),
    }
    tags
}
