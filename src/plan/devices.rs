//! Plans for commands aimed at devices: xAPI commands (every device command of the language and
//! raw `xCommand`), status reads, configuration reads and changes, and tags. Each selects the
//! target's devices by what the command needs of them (DESIGN rule 4) and calls every included
//! one; reboots and anything reaching more than one device are confirmed first.

use serde_json::{Value, json};

use crate::command::{Command, StandbyMode, StepDirection, TagAction, Target};
use crate::resolve::{Need, Org, SkipReason, skip_reason};
use crate::webex::Device;

use super::find::{device_ref, devices_of};
use super::paging::STATUS_DETAIL;
use super::{
    Action, Call, ConfigChange, Confirm, Op, Paging, Plan, Refusal, Snapshot, Subject, Targeted,
};

/// What `status <target>` alone reads (one request: at most ten names).
pub const STATUS_SUMMARY: &[&str] = &[
    "Standby.State",
    "Audio.Volume",
    "Audio.Microphones.Mute",
    "Call[*].Status",
    "RoomAnalytics.PeopleCount.Current",
    "SystemUnit.Uptime",
    "SystemUnit.Software.Version",
];

/// The xAPI command path and arguments a device command stands for (`None` for commands that
/// are not xAPI commands).
pub fn xapi_call(command: &Command) -> Option<(String, Option<Value>)> {
    let call = |path: &str, arguments: Option<Value>| Some((path.to_owned(), arguments));
    match command {
        Command::Mute { .. } => call("Audio.Microphones.Mute", None),
        Command::Unmute { .. } => call("Audio.Microphones.Unmute", None),
        Command::Volume { level, .. } => call("Audio.Volume.Set", Some(json!({ "Level": level }))),
        Command::VolumeStep {
            direction, steps, ..
        } => match direction {
            StepDirection::Up => call("Audio.Volume.Increase", Some(json!({ "Steps": steps }))),
            StepDirection::Down => call("Audio.Volume.Decrease", Some(json!({ "Steps": steps }))),
        },
        Command::Standby { mode, .. } => match mode {
            StandbyMode::Activate => call("Standby.Activate", None),
            StandbyMode::Deactivate => call("Standby.Deactivate", None),
            StandbyMode::Halfwake => call("Standby.Halfwake", None),
        },
        Command::Reboot { .. } => call("SystemUnit.Boot", Some(json!({ "Action": "Restart" }))),
        Command::Dial { number, .. } => call("Dial", Some(json!({ "Number": number }))),
        Command::Hangup { .. } => call("Call.Disconnect", None),
        Command::Alert { text, duration, .. } => {
            let mut arguments = json!({ "Text": text });
            if let Some(seconds) = duration {
                arguments["Duration"] = json!(seconds);
            }
            call("UserInterface.Message.Alert.Display", Some(arguments))
        }
        Command::Selfview { on, .. } => call(
            "Video.Selfview.Set",
            Some(json!({ "Mode": if *on { "On" } else { "Off" } })),
        ),
        Command::XCommand {
            path, arguments, ..
        } => call(
            path,
            (!arguments.is_empty()).then(|| Value::Object(arguments.clone())),
        ),
        _ => None,
    }
}

/// A device command: its xAPI call on every device that takes commands and is online.
pub(super) fn xapi(command: &Command, snapshot: &Snapshot) -> Result<Plan, Refusal> {
    let Some((path, arguments)) = xapi_call(command) else {
        return Err(Refusal::invalid(
            "That command is not available here.",
            "Type “help”.",
        ));
    };
    let target = target_of(command, "Add a workspace, e.g. “in 4B”.")?;
    let action = Action::Xapi {
        path: path.clone(),
        arguments: arguments.clone(),
    };
    let (mut plan, _) = selected(command, action, &target, snapshot, Need::COMMAND)?;
    plan.call_each_included(|_| Op::XapiCommand {
        path: path.clone(),
        arguments: arguments.clone(),
    });
    if path.eq_ignore_ascii_case("SystemUnit.Boot") && !plan.calls.is_empty() {
        plan.confirm = Some(Confirm::Disruptive);
    }
    plan.confirm_if_bulk();
    Ok(plan)
}

/// `status [keys] <target>` and `xStatus`: one read of the names (or the summary) per device.
pub(super) fn status(command: &Command, snapshot: &Snapshot) -> Result<Plan, Refusal> {
    let keys = match command {
        Command::Status { keys, .. } => keys.clone(),
        Command::XStatus { path, .. } => vec![path.clone()],
        _ => Vec::new(),
    };
    let target = target_of(command, "Add a workspace, e.g. “status 4B”.")?;
    let names: Vec<String> = match keys.is_empty() {
        true => STATUS_SUMMARY.iter().map(|k| (*k).to_owned()).collect(),
        false => keys.clone(),
    };
    let page = match command {
        Command::Status { page, .. } => *page,
        _ => None,
    };
    let action = Action::Status {
        keys: keys.clone(),
        detail: None,
    };
    let (mut plan, _) = selected(command, action, &target, snapshot, Need::STATUS)?;
    let readable = plan.included().count();
    if readable <= STATUS_DETAIL && page.is_none() {
        plan.call_each_included(|_| Op::XapiStatus {
            names: names.clone(),
        });
        return Ok(plan);
    }
    let detail = Paging::of(page, STATUS_DETAIL, readable, |page| {
        Command::Status {
            keys: keys.clone(),
            target: Some(target.clone()),
            page: Some(page),
        }
        .canonical()
    });
    read_page(&mut plan, &detail, &names);
    plan.action = Action::Status {
        keys,
        detail: Some(detail),
    };
    Ok(plan)
}

/// Status calls for many devices: the first page reads every readable device (the summary
/// needs them all); a later page reads only its own.
fn read_page(plan: &mut Plan, detail: &Paging, names: &[String]) {
    let included: Vec<usize> = (0..plan.devices.len())
        .filter(|&at| plan.devices[at].skip.is_none())
        .collect();
    let range = match detail.page {
        1 => 0..included.len(),
        _ => detail.range(),
    };
    plan.calls = included[range]
        .iter()
        .map(|&at| Call {
            subject: Subject::Device(at),
            op: Op::XapiStatus {
                names: names.to_vec(),
            },
        })
        .collect();
}

/// `config <Key> <target>` and `xConfiguration <Path>`: one read per device (offline included).
pub(super) fn config_read(command: &Command, snapshot: &Snapshot) -> Result<Plan, Refusal> {
    let key = match command {
        Command::ConfigGet { key, .. } | Command::XConfiguration { path: key, .. } => key.clone(),
        _ => String::new(),
    };
    let target = target_of(command, "Add a workspace, e.g. “in 4B”.")?;
    let action = Action::ConfigRead { key: key.clone() };
    let (mut plan, _) = selected(command, action, &target, snapshot, Need::READ_CONFIG)?;
    plan.call_each_included(|_| Op::ConfigRead { key: key.clone() });
    Ok(plan)
}

/// `config set`, `config reset` and `xConfiguration … : value`.
pub(super) fn config_change(command: &Command, snapshot: &Snapshot) -> Result<Plan, Refusal> {
    let change = match command {
        Command::ConfigSet { key, value, .. }
        | Command::XConfiguration {
            path: key,
            value: Some(value),
            ..
        } => ConfigChange {
            key: key.clone(),
            value: Some(value.clone()),
        },
        Command::ConfigReset { key, .. } => ConfigChange {
            key: key.clone(),
            value: None,
        },
        _ => return Err(Refusal::invalid("That is not a configuration change.", "")),
    };
    let target = target_of(command, "Add a workspace, e.g. “in 4B”.")?;
    config_changes(command, &target, vec![change], snapshot)
}

/// Configuration `changes` on every device of `target` that takes them (offline ones too:
/// they apply on reconnect); confirmed first when more than one device.
pub(super) fn config_changes(
    command: &Command,
    target: &Target,
    changes: Vec<ConfigChange>,
    snapshot: &Snapshot,
) -> Result<Plan, Refusal> {
    let action = Action::ConfigChange {
        changes: changes.clone(),
    };
    let (mut plan, _) = selected(command, action, target, snapshot, Need::CONFIGURE)?;
    for change in &changes {
        plan.call_each_included(|_| match &change.value {
            Some(value) => Op::ConfigSet {
                key: change.key.clone(),
                value: value.clone(),
            },
            None => Op::ConfigReset {
                key: change.key.clone(),
            },
        });
    }
    plan.confirm_if_bulk();
    Ok(plan)
}

/// `tag <target> add|remove <tag>`: the complete new list to each device whose tags change.
/// Tags are device management, but only devices shared with the bot are addressed (DESIGN
/// rule 4); offline devices can be tagged.
pub(super) fn tag(command: &Command, snapshot: &Snapshot) -> Result<Plan, Refusal> {
    let Command::Tag { action, tag, .. } = command else {
        return Err(Refusal::invalid(
            "Tag which devices?",
            "e.g. “tag 4B add lobby”.",
        ));
    };
    let target = target_of(command, "e.g. “tag 4B add lobby”.")?;
    let add = *action == TagAction::Add;
    let plan_action = Action::Tag {
        add,
        tag: tag.clone(),
    };
    let (mut plan, devices) = selected(command, plan_action, &target, snapshot, Need::READ_CONFIG)?;
    let new_lists: Vec<Vec<String>> = devices.iter().map(|d| new_tags(d, *action, tag)).collect();
    for (targeted, (device, tags)) in plan.devices.iter_mut().zip(devices.iter().zip(&new_lists)) {
        if targeted.skip.is_none() && *tags == device.tags.clone().unwrap_or_default() {
            targeted.skip = Some(SkipReason::Unchanged);
        }
    }
    plan.call_each_included(|at| Op::SetTags {
        tags: new_lists[at].clone(),
    });
    plan.confirm_if_bulk();
    Ok(plan)
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

/// The command's target (filled from the space's default before planning).
fn target_of(command: &Command, hint: &str) -> Result<Target, Refusal> {
    command
        .target()
        .ok_or_else(|| Refusal::invalid("That command needs a target.", hint))
}

/// A plan of `action` over `target`'s devices, each included when it allows `need`; with the
/// devices themselves, in the plan's order.
fn selected(
    command: &Command,
    action: Action,
    target: &Target,
    snapshot: &Snapshot,
    need: Need,
) -> Result<(Plan, Vec<Device>), Refusal> {
    let devices = devices_of(command, target, snapshot)?;
    let mut plan = Plan::new(command, action, target.text());
    // A touch controller named on its own is addressed; in a room, tag, location or `all`,
    // its room's main device is. A personal device is addressed only when named.
    let folds = !matches!(target, Target::Device(_));
    let many = matches!(target, Target::All | Target::Tag(_) | Target::Location(_));
    plan.devices = devices
        .iter()
        .map(|device| Targeted {
            device: device_ref(device, &snapshot.org),
            skip: if many && Org::is_personal(device) {
                Some(SkipReason::Personal)
            } else if folds && snapshot.org.is_peripheral(device) {
                Some(SkipReason::Peripheral)
            } else {
                skip_reason(device, need)
            },
        })
        .collect();
    Ok((plan, devices))
}
