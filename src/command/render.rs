//! Canonical text: the one unambiguous way to write each [`Command`]. Card buttons carry it,
//! so `Command::parse(&command.canonical()) == Ok(command)` must hold for every command the
//! parser can produce. Names are quoted whenever a bare word could be misread.

use serde_json::{Map, Value};

use super::args::looks_integer;
use super::keys::{XAPI_ROOTS, key_segments};
use super::keywords::is_keyword;
use super::lexer::DOUBLE_CLOSE;
use super::{
    Command, Connectivity, DeviceFilters, StandbyMode, StepDirection, TagAction, Target,
    WorkspaceDetails,
};

impl Command {
    /// The canonical text of this command; parsing it gives this command back.
    pub fn canonical(&self) -> String {
        let mut out = Out::default();
        render(self, &mut out);
        out.0.join(" ")
    }
}

/// Words being assembled; each piece is already escaped.
#[derive(Default)]
struct Out(Vec<String>);

impl Out {
    fn word(&mut self, word: impl Into<String>) -> &mut Self {
        self.0.push(word.into());
        self
    }

    fn name(&mut self, name: &str) -> &mut Self {
        self.word(render_name(name))
    }

    fn target(&mut self, target: &Option<Target>) -> &mut Self {
        match target {
            None => self,
            Some(Target::All) => self.word("all"),
            Some(Target::Bare(name)) => self.name(name),
            Some(Target::Room(name)) => self.word("room").name(name),
            Some(Target::Workspace(name)) => self.word("workspace").name(name),
            Some(Target::Device(name)) => self.word("device").name(name),
            Some(Target::Tag(name)) => self.word("tag").name(name),
            Some(Target::Location(name)) => self.word("location").name(name),
        }
    }

    fn page(&mut self, page: Option<u32>) -> &mut Self {
        match page {
            Some(page) => self.word("page").word(page.to_string()),
            None => self,
        }
    }

    fn optional_name(&mut self, name: &Option<String>) -> &mut Self {
        match name {
            Some(name) => self.name(name),
            None => self,
        }
    }

    fn words(&mut self, words: Option<&str>) -> &mut Self {
        match words {
            Some(words) => self.word(words),
            None => self,
        }
    }

    fn terminal_target(&mut self, target: &Option<Target>) -> &mut Self {
        match target {
            Some(_) => self.word("on").target(target),
            None => self,
        }
    }

    fn value(&mut self, value: &Value) -> &mut Self {
        let text = match value {
            Value::String(text) if is_plain(text) && !looks_integer(text) && !is_keyword(text) => {
                text.clone()
            }
            Value::String(text) => quote(text),
            other => other.to_string(),
        };
        self.word(text)
    }
}

fn render(command: &Command, out: &mut Out) {
    match command {
        Command::Help { topic } => out.word("help").words(topic.as_deref()),
        Command::Mute { target } => out.word("mute").target(target),
        Command::Unmute { target } => out.word("unmute").target(target),
        Command::Volume { level, target } => {
            out.word("volume").word(level.to_string()).target(target)
        }
        Command::VolumeStep {
            direction,
            steps,
            target,
        } => render_volume_step(*direction, *steps, target, out),
        Command::Standby { mode, target } => out.word(standby_verb(*mode)).target(target),
        Command::Reboot { target } => out.word("reboot").target(target),
        Command::Dial { number, target } => {
            out.word("dial").word(render_atom(number)).target(target)
        }
        Command::Hangup { target } => out.word("hangup").target(target),
        Command::Alert {
            text,
            duration,
            target,
        } => {
            out.word("alert").word(quote(text));
            if let Some(seconds) = duration {
                out.word("for").word(format!("{seconds}s"));
            }
            out.target(target)
        }
        Command::Selfview { on, target } => out
            .word("selfview")
            .word(if *on { "on" } else { "off" })
            .target(target),
        Command::Status { keys, target, page } => render_status(keys, target, out).page(*page),
        Command::ConfigGet { key, target } => out.word("config").word(key.as_str()).target(target),
        Command::ConfigSet { key, value, target } => out
            .word("config set")
            .word(key.as_str())
            .value(value)
            .target(target),
        Command::ConfigReset { key, target } => {
            out.word("config reset").word(key.as_str()).target(target)
        }
        Command::XCommand {
            path,
            arguments,
            target,
        } => render_xcommand(path, arguments, target, out),
        Command::XStatus { path, target } => out
            .word("xStatus")
            .word(spaced(path))
            .terminal_target(target),
        Command::XConfiguration {
            path,
            value,
            target,
        } => render_xconfiguration(path, value.as_ref(), target, out),
        Command::Devices { filters } => render_filters(filters, out.word("devices")),
        Command::Workspaces { location, page } => {
            out.word("workspaces");
            if let Some(location) = location {
                out.word("in").name(location);
            }
            out.page(*page)
        }
        Command::Workspace { name } => out.word("workspace").name(name),
        Command::WorkspaceEdit { name, changes } => {
            render_details(changes, out.word("workspace").name(name))
        }
        Command::WorkspaceCreate { name, details } => {
            render_details(details, out.word("workspace create").optional_name(name))
        }
        Command::WorkspaceDelete { name } => out.word("workspace delete").name(name),
        Command::LocationCreate { name } => out.word("location create").optional_name(name),
        Command::FloorCreate {
            location,
            number,
            name,
        } => out
            .word("floor create")
            .name(location)
            .word(number.to_string())
            .optional_name(name),
        Command::Tag {
            action,
            tag,
            target,
        } => {
            let action = match action {
                TagAction::Add => "add",
                TagAction::Remove => "remove",
            };
            out.word("tag").target(target).word(action).name(tag)
        }
        Command::Activate { workspace } => out.word("activate").name(workspace),
        Command::DeleteDevice { name } => out.word("delete device").name(name),
        Command::Locations { page } => out.word("locations").page(*page),
        Command::Floors { location } => out.word("floors").name(location),
        Command::UseShow => out.word("use"),
        Command::Use { target } => out.word("use").target(&Some(target.clone())),
        Command::UseClear => out.word("use none"),
        Command::Audit { filter } => {
            for word in super::governance::audit_words(filter, render_name) {
                out.word(word);
            }
            out
        }
        Command::Scope { change } => {
            for word in super::governance::scope_words(change, render_name) {
                out.word(word);
            }
            out
        }
        Command::Plan { command } => out.word("plan").word(command.canonical()),
        // The page is always written, so a page the inner command ends with stays its own.
        Command::Pick { command, page } => out
            .word("pick")
            .word(command.canonical())
            .word("page")
            .word(page.unwrap_or(1).to_string()),
    };
}

fn standby_verb(mode: StandbyMode) -> &'static str {
    match mode {
        StandbyMode::Activate => "standby",
        StandbyMode::Deactivate => "wake",
        StandbyMode::Halfwake => "halfwake",
    }
}

fn render_volume_step<'o>(
    direction: StepDirection,
    steps: u8,
    target: &Option<Target>,
    out: &'o mut Out,
) -> &'o mut Out {
    out.word(match direction {
        StepDirection::Up => "volume up",
        StepDirection::Down => "volume down",
    });
    if steps != 1 {
        out.word(steps.to_string());
    }
    out.target(target)
}

fn render_status<'o>(keys: &[String], target: &Option<Target>, out: &'o mut Out) -> &'o mut Out {
    out.word("status");
    for key in keys {
        out.word(key.as_str());
    }
    if !keys.is_empty() && target.is_some() {
        out.word("in");
    }
    out.target(target)
}

fn render_xcommand<'o>(
    path: &str,
    arguments: &Map<String, Value>,
    target: &Option<Target>,
    out: &'o mut Out,
) -> &'o mut Out {
    out.word("xCommand").word(spaced(path));
    for (name, value) in arguments {
        let values = match value {
            Value::Array(values) => values.as_slice(),
            single => std::slice::from_ref(single),
        };
        for value in values {
            out.word(format!("{name}:")).value(value);
        }
    }
    out.terminal_target(target)
}

fn render_xconfiguration<'o>(
    path: &str,
    value: Option<&Value>,
    target: &Option<Target>,
    out: &'o mut Out,
) -> &'o mut Out {
    let path = spaced(path);
    match value {
        Some(value) => out
            .word("xConfiguration")
            .word(format!("{path}:"))
            .value(value),
        None => out.word("xConfiguration").word(path),
    };
    out.terminal_target(target)
}

fn render_filters<'o>(filters: &DeviceFilters, out: &'o mut Out) -> &'o mut Out {
    match filters.connectivity {
        Some(Connectivity::Online) => out.word("online"),
        Some(Connectivity::Offline) => out.word("offline"),
        None => out,
    };
    if filters.issues {
        out.word("issues");
    }
    let named = [
        ("tag", &filters.tag),
        ("product", &filters.product),
        ("in", &filters.place),
    ];
    for (keyword, value) in named {
        if let Some(value) = value {
            out.word(keyword).name(value);
        }
    }
    if let Some(page) = filters.page {
        out.word("page").word(page.to_string());
    }
    out
}

fn render_details<'o>(details: &WorkspaceDetails, out: &'o mut Out) -> &'o mut Out {
    if let Some(kind) = details.kind {
        out.word("type").word(kind.as_str());
    }
    if let Some(capacity) = details.capacity {
        out.word("capacity").word(capacity.to_string());
    }
    if let Some(notes) = &details.notes {
        out.word("notes").word(quote(notes));
    }
    if let Some(location) = &details.location {
        out.word("in").name(location);
    }
    if let Some(floor) = details.floor {
        out.word("floor").word(floor.to_string());
    }
    out
}

/// A dotted path in terminal spelling: `Audio.Volume` → `Audio Volume`.
fn spaced(path: &str) -> String {
    key_segments(path).join(" ")
}

/// A name as one word if it cannot be misread, else quoted.
fn render_name(name: &str) -> String {
    let safe = is_plain(name)
        && !name.contains('.')
        && !looks_integer(name)
        && !is_keyword(name)
        && !XAPI_ROOTS
            .iter()
            .any(|root| root.eq_ignore_ascii_case(name));
    if safe { name.to_owned() } else { quote(name) }
}

/// A free value (a number to dial) as one word if it is plain and no keyword, else quoted.
fn render_atom(text: &str) -> String {
    if is_plain(text) && !is_keyword(text) {
        text.to_owned()
    } else {
        quote(text)
    }
}

/// Letters, digits and `-_+@#`, with dots only inside.
fn is_plain(text: &str) -> bool {
    !text.is_empty()
        && !text.ends_with('.')
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "-_+@#.".contains(c))
}

/// `text` in double quotes, escaping backslashes and every closing quote character.
pub(crate) fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        if c == '\\' || DOUBLE_CLOSE.contains(&c) {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    quoted
}
