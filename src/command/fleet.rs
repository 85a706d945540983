//! Parsers for fleet management: device lists, workspaces, locations and floors, tags,
//! activation codes, deletion and the space's default target (`use`).

use super::args::{Args, integer};
use super::lexer::Token;
use super::{
    Command, Connectivity, DeviceFilters, ParseError, TagAction, WorkspaceDetails, WorkspaceType,
};

const FILTER_WORDS: &[&str] = &[
    "offline", "online", "issues", "tag", "product", "in", "page",
];
const EDIT_WORDS: &[&str] = &["capacity", "type", "notes"];
const CREATE_WORDS: &[&str] = &["capacity", "type", "notes", "in", "floor"];

/// `devices [offline|online] [issues] [tag <t>] [product <p>] [in <place>] [page <n>]`.
pub(crate) fn parse_devices(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let mut filters = DeviceFilters::default();
    while let Some(token) = args.next_token() {
        let word = token.word().unwrap_or_default().to_ascii_lowercase();
        match word.as_str() {
            "online" | "offline" => {
                let wanted = match word.as_str() {
                    "online" => Connectivity::Online,
                    _ => Connectivity::Offline,
                };
                if filters.connectivity.is_some_and(|given| given != wanted) {
                    return Err(args.invalid("filter", "choose either online or offline"));
                }
                filters.connectivity = Some(wanted);
            }
            "issues" => filters.issues = true,
            "tag" => set_once(args, &mut filters.tag, "tag")?,
            "product" => set_once(args, &mut filters.product, "product")?,
            "in" => set_once(args, &mut filters.place, "location or workspace")?,
            "page" => {
                let page = match args.next_token().map(|t| t.text().parse::<u32>()) {
                    Some(Ok(page)) if page >= 1 => page,
                    _ => return Err(args.invalid("page", "page must be a whole number from 1")),
                };
                // Page 1 is the list itself, so it is not part of the command.
                filters.page = (page > 1).then_some(page);
            }
            _ => {
                return Err(args.invalid(
                    "filter",
                    format!(
                        "“{}” is not a devices filter: use offline, online, issues, \
                         tag <tag>, product <product>, in <location or workspace> or page <n>",
                        token.text()
                    ),
                ));
            }
        }
    }
    Ok(Command::Devices { filters })
}

fn set_once(
    args: &mut Args<'_>,
    slot: &mut Option<String>,
    argument: &'static str,
) -> Result<(), ParseError> {
    if slot.is_some() {
        return Err(args.invalid(argument, format!("give only one {argument}")));
    }
    *slot = Some(args.name_until(argument, FILTER_WORDS)?);
    Ok(())
}

/// `workspaces [in] [<location>] [page <n>]`.
pub(crate) fn parse_workspaces(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let page = args.take_page()?;
    args.eat("in");
    let tokens = args.take_rest();
    let location = args.name_of("location", tokens)?;
    Ok(Command::Workspaces { location, page })
}

/// `workspace <name>` and `info <name>`, or with changes: `workspace <name> capacity <n>`….
pub(crate) fn parse_workspace(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let name = args.name_until("a workspace name", EDIT_WORDS)?;
    let changes = parse_details(args, false)?;
    Ok(match changes.is_empty() {
        true => Command::Workspace { name },
        false => Command::WorkspaceEdit { name, changes },
    })
}

/// `workspace create [<name>] [type <t>] [capacity <n>] [notes <text>] [in <location> [floor <n>]]`.
pub(crate) fn parse_workspace_create(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let tokens = args.take_until(CREATE_WORDS);
    let name = args.name_of("name", tokens)?;
    let details = parse_details(args, true)?;
    if details.floor.is_some() && details.location.is_none() {
        return Err(args.invalid(
            "floor",
            "a floor needs its location: “in <location> floor <n>”",
        ));
    }
    Ok(Command::WorkspaceCreate { name, details })
}

/// The `capacity`/`type`/`notes` (and for create, `in`/`floor`) clauses, each at most once.
fn parse_details(args: &mut Args<'_>, create: bool) -> Result<WorkspaceDetails, ParseError> {
    let stops = if create { CREATE_WORDS } else { EDIT_WORDS };
    let mut details = WorkspaceDetails::default();
    while let Some(keyword) = args.eat_any(stops) {
        let duplicate = match keyword {
            "capacity" => details.capacity.replace(capacity(args)?).is_some(),
            "type" => details.kind.replace(workspace_type(args)?).is_some(),
            "notes" => details.notes.replace(notes(args, stops)?).is_some(),
            "in" => {
                let location = args.name_until("a location name", stops)?;
                details.location.replace(location).is_some()
            }
            _ => details.floor.replace(floor_number(args)?).is_some(),
        };
        if duplicate {
            return Err(args.invalid(keyword, format!("“{keyword}” is given twice")));
        }
    }
    args.finish()?;
    Ok(details)
}

fn capacity(args: &mut Args<'_>) -> Result<u32, ParseError> {
    let token = args
        .next_token()
        .ok_or_else(|| args.missing("a capacity"))?;
    integer(token)
        .flatten()
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| args.invalid("capacity", "capacity must be a whole number, 0 or more"))
}

fn workspace_type(args: &mut Args<'_>) -> Result<WorkspaceType, ParseError> {
    let token = args
        .next_token()
        .ok_or_else(|| args.missing("a workspace type"))?;
    WorkspaceType::from_name(token.text()).ok_or_else(|| {
        let names = WorkspaceType::ALL.map(WorkspaceType::as_str).join(", ");
        args.invalid("type", format!("type must be one of {names}"))
    })
}

fn notes(args: &mut Args<'_>, stops: &[&str]) -> Result<String, ParseError> {
    if let Some(Token::Quoted(text)) = args.peek() {
        args.next_token();
        return Ok(text.clone());
    }
    args.name_until("the notes text", stops)
}

fn floor_number(args: &mut Args<'_>) -> Result<i32, ParseError> {
    let token = args
        .next_token()
        .ok_or_else(|| args.missing("a floor number"))?;
    integer(token)
        .flatten()
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| args.invalid("floor", "a floor number is a whole number, like 3 or -1"))
}

/// `workspace delete <name>`, `delete workspace <name>`.
pub(crate) fn parse_workspace_delete(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let name = args.name_until("a workspace name", &[])?;
    Ok(Command::WorkspaceDelete { name })
}

/// `location create [<name>]`, `floor create <location> <number> [<name>]`.
pub(crate) fn parse_location_create(args: &mut Args<'_>) -> Result<Command, ParseError> {
    if args.verb == "location create" {
        let tokens = args.take_rest();
        let name = args.name_of("name", tokens)?;
        return Ok(Command::LocationCreate { name });
    }
    let rest = args.rest();
    let len = match rest.first() {
        Some(Token::Quoted(_)) => 1,
        _ => rest.iter().take_while(|t| integer(t).is_none()).count(),
    };
    let location = args
        .name_of("location", &rest[..len])?
        .ok_or_else(|| args.missing("a location name"))?;
    args.advance(len);
    let number = floor_number(args)?;
    let tokens = args.take_rest();
    let name = args.name_of("floor name", tokens)?;
    Ok(Command::FloorCreate {
        location,
        number,
        name,
    })
}

/// `tag <target> add|remove <tag>`.
pub(crate) fn parse_tag(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let target_tokens = args.take_until(&["add", "remove"]);
    let action = match args.eat_any(&["add", "remove"]) {
        Some("add") => TagAction::Add,
        Some(_) => TagAction::Remove,
        None => return Err(args.missing("“add <tag>” or “remove <tag>”")),
    };
    let target = args.target_of(target_tokens)?;
    let tag = args.name_until("a tag", &[])?;
    Ok(Command::Tag {
        action,
        tag,
        target,
    })
}

/// `activate [workspace] <name>`.
pub(crate) fn parse_activate(args: &mut Args<'_>) -> Result<Command, ParseError> {
    args.eat("workspace");
    let workspace = args.name_until("a workspace name", &[])?;
    Ok(Command::Activate { workspace })
}

/// `delete device <name>`.
pub(crate) fn parse_delete_device(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let name = args.name_until("a device name", &[])?;
    Ok(Command::DeleteDevice { name })
}

/// `locations [page <n>]`, `floors [in] <location>`.
pub(crate) fn parse_locations(args: &mut Args<'_>) -> Result<Command, ParseError> {
    if args.verb == "locations" {
        let page = args.take_page()?;
        args.finish()?;
        return Ok(Command::Locations { page });
    }
    args.eat("in");
    let location = args.name_until("a location name", &[])?;
    Ok(Command::Floors { location })
}

/// `use`, `use <target>`, `use none`.
pub(crate) fn parse_use(args: &mut Args<'_>) -> Result<Command, ParseError> {
    if let [token] = args.rest()
        && token.is("none")
    {
        args.next_token();
        return Ok(Command::UseClear);
    }
    Ok(match args.target()? {
        Some(target) => Command::Use { target },
        None => Command::UseShow,
    })
}
