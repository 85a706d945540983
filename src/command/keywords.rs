//! The words with a meaning somewhere in the grammar: a name equal to one is quoted in canonical
//! text, so it cannot be misread as the keyword.

use super::table;

/// Words with a meaning somewhere in the grammar; names equal to one are quoted.
const KEYWORDS: &[&str] = &[
    "in",
    "on",
    "at",
    "for",
    "from",
    "room",
    "workspace",
    "device",
    "tag",
    "location",
    "all",
    "devices",
    "rooms",
    "workspaces",
    "mics",
    "mic",
    "microphones",
    "microphone",
    "to",
    "by",
    "up",
    "down",
    "none",
    "off",
    "set",
    "reset",
    "create",
    "delete",
    "add",
    "remove",
    "capacity",
    "type",
    "notes",
    "floor",
    "offline",
    "online",
    "issues",
    "product",
    "page",
    "since",
    "role",
];

/// Whether `word` is a keyword or a verb word (ignoring ASCII case).
pub(crate) fn is_keyword(word: &str) -> bool {
    KEYWORDS
        .iter()
        .copied()
        .chain(table::all_verbs().flat_map(|verb| verb.split(' ')))
        .any(|keyword| keyword.eq_ignore_ascii_case(word))
}
