//! The grammar table: one row per command, driving verb dispatch, help, the README reference
//! and error messages (DESIGN rule 2). To add a command (`report …`, `audit …`), add its
//! `Command` variant, a parser, a row here and its canonical rendering; help follows.

use super::args::Args;
use super::lexer::Token;
use super::spec::{Group, Spec};
use super::{Command, ParseError, device, fleet, keys, suggest, terminal};

macro_rules! spec {
    ($name:literal, $title:literal, $group:ident, $verbs:expr, $summary:literal,
     forms: $forms:expr, variants: $variants:expr, examples: $examples:expr,
     api: $api:literal, $parse:path) => {
        Spec {
            name: $name,
            title: $title,
            group: Group::$group,
            verbs: &$verbs,
            summary: $summary,
            forms: &$forms,
            variants: &$variants,
            examples: &$examples,
            api: $api,
            parse: $parse,
        }
    };
}

/// The table. Rows of a group appear in help in this order.
pub(crate) static SPECS: &[Spec] = &[
    spec!("mute", "Microphones", AudioVideo, ["mute", "unmute"],
        "Mute or unmute the microphones",
        forms: ["mute <target>", "unmute <target>"], variants: ["mute mics in <target>"],
        examples: ["mute room 4B", "unmute 4B", "mute mics in 4B"],
        api: "Audio.Microphones.Mute / Unmute", device::parse_microphones),
    spec!("volume", "Volume", AudioVideo, ["volume", "set volume"],
        "Set the loudspeaker volume (0–100)",
        forms: ["volume <0-100> <target>"],
        variants: ["volume <target> <0-100>", "set volume to <n> in <target>"],
        examples: ["volume 60 in 4B", "volume 4B 60", "set volume to 40 in room 4B"],
        api: "Audio.Volume.Set Level", device::parse_volume),
    spec!("volume up", "Volume step", AudioVideo, ["volume up", "volume down"],
        "Turn the volume up or down by 1–10 steps",
        forms: ["volume up <target>", "volume down <target>"],
        variants: ["volume up 3 <target>"],
        examples: ["volume up 4B", "volume down 3 in 4B"],
        api: "Audio.Volume.Increase / Decrease Steps (1–10)", device::parse_volume_step),
    spec!("selfview", "Selfview", AudioVideo, ["selfview"],
        "Show or hide the selfview",
        forms: ["selfview on <target>", "selfview off <target>"], variants: [],
        examples: ["selfview on 4B", "selfview off in room 4B"],
        api: "Video.Selfview.Set Mode", device::parse_selfview),
    spec!("standby", "Standby", PowerCalls, ["standby", "sleep", "wake", "halfwake", "half-wake"],
        "Put devices in standby, half-wake or wake them up",
        forms: ["standby <target>", "wake <target>", "halfwake <target>"],
        variants: ["sleep <target>", "wake up <target>"],
        examples: ["standby 4B", "wake room 4B", "halfwake all"],
        api: "Standby.Activate / Deactivate / Halfwake", device::parse_standby),
    spec!("reboot", "Reboot", PowerCalls, ["reboot", "restart"],
        "Restart devices (asks for confirmation first)",
        forms: ["reboot <target>"], variants: ["restart <target>"],
        examples: ["reboot 4B", "restart device \"Lobby Board\""],
        api: "SystemUnit.Boot Action: Restart", device::parse_reboot),
    spec!("dial", "Call", PowerCalls, ["dial", "call", "hangup", "hang up", "end call"],
        "Place a call or hang up",
        forms: ["dial <number> <target>", "hangup <target>"],
        variants: ["call <number> from <target>", "hang up <target>", "end call <target>"],
        examples: ["dial 5551234 in 4B", "call alice@example.com from 4B", "hangup 4B"],
        api: "Dial Number / Call.Disconnect", device::parse_call),
    spec!("alert", "On-screen message", PowerCalls, ["alert", "say"],
        "Show a message on the screens (text up to 255 characters, 0–3600 s)",
        forms: ["alert \"<text>\" <target>"],
        variants: ["alert \"<text>\" for 30s <target>", "say \"<text>\" <target>"],
        examples: ["alert \"Lunch is ready\" in 4B", "say \"Meeting ends soon\" for 30s 4B"],
        api: "UserInterface.Message.Alert.Display Text, Duration", device::parse_alert),
    spec!("status", "Status", StatusConfig, ["status"],
        "Show a status summary, or up to 10 status keys (a bare target means its status)",
        forms: ["status <target>", "status <Key> [<Key>…] <target>"],
        variants: ["status Audio.* in <target>", "status Audio.Input.Connectors.HDMI[1..3].Mute in <target>",
                   "status tag <tag> page 2", "<target>"],
        examples: ["status 4B", "status Audio.Volume in 4B", "status Audio.Volume Standby.State in room 4B"],
        api: "GET xapi/status", keys::parse_status),
    spec!("config", "Configuration read", StatusConfig, ["config", "configuration"],
        "Read configurations (wildcards and ranges allowed)",
        forms: ["config <Key> <target>"],
        variants: ["config Audio.Ultrasound.* <target>", "config FacilityService.Service[1..3].Name <target>"],
        examples: ["config Audio.DefaultVolume in 4B"],
        api: "GET deviceConfigurations", keys::parse_config),
    spec!("config set", "Configuration write", StatusConfig, ["config set"],
        "Change one configuration (checked against the device's allowed values)",
        forms: ["config set <Key> <value> <target>"], variants: ["config <Key> = <value> <target>"],
        examples: ["config set Audio.DefaultVolume 60 in 4B", "config Video.Selfview.Default.Mode = Off in 4B"],
        api: "PATCH deviceConfigurations (replace)", keys::parse_config_set),
    spec!("config reset", "Configuration reset", StatusConfig, ["config reset"],
        "Put one configuration back to its default",
        forms: ["config reset <Key> <target>"], variants: [],
        examples: ["config reset Audio.DefaultVolume in 4B"],
        api: "PATCH deviceConfigurations (remove)", keys::parse_config_reset),
    spec!("xcommand", "Terminal notation", StatusConfig, ["xcommand", "xstatus", "xconfiguration", "xconfig"],
        "Run xAPI commands, read status and set configurations as in the RoomOS terminal",
        forms: ["xCommand <Path…> [<Arg>: <value>]… [on <target>]", "xStatus <Path…> [on <target>]",
                "xConfiguration <Path…>: <value> [on <target>]"],
        variants: ["xstatus Audio.Volume on <target>", "xconfig <Path…> on <target>", "<Arg>: \"quoted value with spaces\""],
        examples: ["xCommand Presentation Start Layout: Equal ConnectorId: 2 ConnectorId: 3 SendingMode: LocalRemote on 4B",
                   "xStatus Audio Volume on 4B", "xConfiguration Audio DefaultVolume: 60 on 4B"],
        api: "xapi/command, xapi/status, PATCH deviceConfigurations", terminal_dispatch),
    spec!("devices", "Devices", Fleet, ["devices"],
        "List devices, optionally filtered",
        forms: ["devices [filters]"],
        variants: ["devices offline", "devices online", "devices issues", "devices tag <tag>",
                   "devices product <product>", "devices in <location or workspace>", "devices offline page 2"],
        examples: ["devices offline", "devices issues in HQ", "devices product \"Room Kit\" tag pilot"],
        api: "GET devices", fleet::parse_devices),
    spec!("workspaces", "Workspaces", Fleet, ["workspaces"],
        "List workspaces with their location, devices and health",
        forms: ["workspaces [in <location>] [page <n>]"], variants: [],
        examples: ["workspaces", "workspaces in HQ", "workspaces page 2"],
        api: "GET workspaces", fleet::parse_workspaces),
    spec!("workspace", "Workspace", Fleet, ["workspace", "info"],
        "Show a workspace and its devices, or change its capacity, type (notSet, focus, huddle, \
         meetingRoom, open, desk, other) or notes",
        forms: ["workspace <name>", "workspace <name> capacity <n>", "workspace <name> type <type>",
                "workspace <name> notes \"<text>\""],
        variants: ["info <name>", "workspace <name> capacity <n> type <type> notes \"<text>\""],
        examples: ["workspace 4B", "workspace Big Conference capacity 12", "info 4B"],
        api: "GET workspace + its devices; edits: GET + merge + PUT", fleet::parse_workspace),
    spec!("workspace create", "Workspace create", Fleet, ["workspace create"],
        "Create a workspace; with no details, a form card asks for them",
        forms: ["workspace create <name> [type <t>] [capacity <n>] [in <location> [floor <n>]]"],
        variants: ["workspace create", "workspace create <name> notes \"<text>\""],
        examples: ["workspace create \"Big Conference\" type meetingRoom capacity 12 in HQ floor 2"],
        api: "POST workspaces", fleet::parse_workspace_create),
    spec!("workspace delete", "Workspace delete", Fleet, ["workspace delete", "delete workspace"],
        "Delete a workspace and its devices (asks for confirmation first)",
        forms: ["workspace delete <name>"], variants: ["delete workspace <name>"],
        examples: ["workspace delete 4B"],
        api: "DELETE workspace", fleet::parse_workspace_delete),
    spec!("location create", "Location create", Fleet, ["location create", "floor create"],
        "Create a location (a form card asks for the address) or a floor",
        forms: ["location create <name>", "floor create <location> <number> [<name>]"], variants: [],
        examples: ["location create HQ", "floor create HQ 2 Second floor"],
        api: "POST workspaceLocations / floors", fleet::parse_location_create),
    spec!("locations", "Locations", Fleet, ["locations", "floors"],
        "List locations, or the floors of one",
        forms: ["locations [page <n>]", "floors <location>"], variants: [],
        examples: ["locations", "floors HQ"],
        api: "GET workspaceLocations / floors", fleet::parse_locations),
    spec!("tag", "Tags", Fleet, ["tag"],
        "Add or remove a device tag",
        forms: ["tag <target> add <tag>", "tag <target> remove <tag>"], variants: [],
        examples: ["tag 4B add earlyAdopters", "tag device \"Lobby Board\" remove pilot"],
        api: "PATCH device tags", fleet::parse_tag),
    spec!("activate", "Activation", Fleet, ["activate"],
        "Get an activation code for a workspace",
        forms: ["activate <workspace>"], variants: [],
        examples: ["activate 4B"],
        api: "POST devices/activationCode", fleet::parse_activate),
    spec!("delete device", "Delete", Fleet, ["delete device"],
        "Delete a device (asks for confirmation first)",
        forms: ["delete device <name>"], variants: [],
        examples: ["delete device \"Lobby Board\""],
        api: "DELETE device", fleet::parse_delete_device),
    spec!("help", "Help", General, ["help", "commands"],
        "Show what I can do, or how to use one command",
        forms: ["help", "help <command>"], variants: ["?", "commands"],
        examples: ["help", "help volume"],
        api: "—", parse_help),
    spec!("use", "Default target", General, ["use"],
        "Set, show or clear this space's default target",
        forms: ["use <target>", "use", "use none"], variants: [],
        examples: ["use room 4B", "use", "use none"],
        api: "stored per space", fleet::parse_use),
    spec!("audit", "Audit trail", General, ["audit"],
        "Who did what: the latest records of this space (admins; “audit all” in a 1:1 space for every space)",
        forms: ["audit [<count>] [by <person>] [on <target>] [since <time>]", "audit all [filters]"],
        variants: ["audit since today", "audit since this week", "audit since 7d", "audit since 2026-11-30",
                   "audit by vera page 2"],
        examples: ["audit on 4B since yesterday", "audit by vera", "audit all 20 since this week"],
        api: "stored audit trail", super::governance::parse_audit),
    spec!("scope", "Space scope", General, ["scope"],
        "Bind this space to a location and/or a tag (commands here reach only those devices), or set the least role commands that act need here (admins)",
        forms: ["scope <location>", "scope tag <tag>", "scope role <viewer|operator|admin|none>", "scope none", "scope"],
        variants: ["scope location <name>"],
        examples: ["scope Barcelona", "scope tag floor3", "scope role operator", "scope none"],
        api: "stored per space", super::governance::parse_scope),
    spec!("plan", "Plan", General, ["plan"],
        "Show what a command would do (targets, skipped devices, calls), without doing it",
        forms: ["plan <command>"], variants: ["plan mute tag <tag>"],
        examples: ["plan mute all", "plan reboot 4B"],
        api: "—", super::parse_plan),
    spec!("pick", "Pick", General, ["pick"],
        "Page through every target a command's name could mean, then choose one",
        forms: ["pick <command> [page <n>]"], variants: [],
        examples: ["pick status Barcelona", "pick mute Barcelona page 2"],
        api: "—", super::parse_pick),
];

fn terminal_dispatch(args: &mut Args<'_>) -> Result<Command, ParseError> {
    match args.verb {
        "xcommand" => terminal::parse_xcommand(args),
        "xstatus" => terminal::parse_xstatus(args),
        _ => terminal::parse_xconfiguration(args),
    }
}

/// The row with this name, verb or title (ignoring ASCII case).
pub(crate) fn spec_named(name: &str) -> Option<&'static Spec> {
    let name = name.trim();
    SPECS
        .iter()
        .find(|spec| spec.name.eq_ignore_ascii_case(name))
        .or_else(|| {
            SPECS.iter().find(|spec| {
                spec.verbs
                    .iter()
                    .any(|verb| verb.eq_ignore_ascii_case(name))
                    || spec.title.eq_ignore_ascii_case(name)
            })
        })
}

/// The row whose verb starts `tokens` (longest verb wins), the verb and its word count.
pub(crate) fn match_verb(tokens: &[Token]) -> Option<(&'static Spec, &'static str, usize)> {
    SPECS
        .iter()
        .flat_map(|spec| spec.verbs.iter().map(move |verb| (spec, *verb)))
        .filter_map(|(spec, verb)| {
            let words = verb.split(' ').count();
            let matches = tokens.len() >= words
                && verb
                    .split(' ')
                    .zip(tokens)
                    .all(|(part, token)| token.is(part));
            matches.then_some((spec, verb, words))
        })
        .max_by_key(|(_, _, words)| *words)
}

/// Every verb, in table order.
pub(crate) fn all_verbs() -> impl Iterator<Item = &'static str> {
    SPECS.iter().flat_map(|spec| spec.verbs.iter().copied())
}

/// `help`, `help <command>` (also `commands`, `?`).
/// Its row validates the topic against the table, so it lives with the table.
fn parse_help(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let words: Vec<&str> = args.take_rest().iter().map(|t| t.text()).collect();
    if words.is_empty() {
        return Ok(Command::Help { topic: None });
    }
    let topic = words.join(" ");
    match spec_named(&topic) {
        Some(spec) => Ok(Command::Help {
            topic: Some(spec.name.to_owned()),
        }),
        None => Err(ParseError::UnknownHelpTopic {
            suggestions: suggest(&topic),
            topic,
        }),
    }
}
