//! xAPI key expressions shared by status queries and configuration keys: parsing
//! (`Audio.Input.Connectors.HDMI[2..3].Mute`, `*`, `[n]`, `[a..b]`, `[a..n]`, `[*]`), matching
//! (case-insensitive) and the status-tree helpers (flatten into leaves, rebuild a canonical tree,
//! set one value). Knows nothing about HTTP.

use serde_json::{Map, Value};

/// One parsed segment of a key expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PatternSegment {
    /// `None` for the `*` wildcard; otherwise the name (compared case-insensitively).
    name: Option<String>,
    index: IndexSelector,
}

/// What a segment's `[...]` allows.
#[derive(Debug, Clone, PartialEq)]
enum IndexSelector {
    /// No brackets: any index (or none).
    Any,
    /// `[*]`.
    All,
    /// `[n]`, `[a..b]`, `[a..n]` (upper bound `None`).
    Range(i64, Option<i64>),
}

/// A parsed key expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Pattern(Vec<PatternSegment>);

/// An array element's `id`: a number or a string.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ElementId {
    Number(i64),
    Text(String),
}

/// One segment of a concrete path: a name and, inside arrays, the element's id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PathSegment {
    pub name: String,
    pub id: Option<ElementId>,
}

impl Pattern {
    /// Parses `expr`; `None` when it is not a valid key expression.
    pub(crate) fn parse(expr: &str) -> Option<Self> {
        let expr = expr.trim();
        if expr.is_empty() {
            return None;
        }
        split_segments(expr)?
            .into_iter()
            .map(parse_segment)
            .collect::<Option<Vec<_>>>()
            .map(Self)
    }

    /// True when the pattern matches all of `path` (`prefix == false`) or a leading part of it
    /// (`prefix == true`, how `xStatus Audio` returns the whole Audio subtree).
    ///
    /// `*` stands for one or more segments, so `*.Volume` finds every `Volume` node and
    /// `Audio.Ultrasound.*` everything below `Audio.Ultrasound`.
    pub(crate) fn matches(&self, path: &[PathSegment], prefix: bool) -> bool {
        match_from(&self.0, path, prefix)
    }
}

fn match_from(pattern: &[PatternSegment], path: &[PathSegment], prefix: bool) -> bool {
    let Some((first, rest)) = pattern.split_first() else {
        return prefix || path.is_empty();
    };
    if path.is_empty() {
        return false;
    }
    match &first.name {
        Some(_) => segment_matches(first, &path[0]) && match_from(rest, &path[1..], prefix),
        // A wildcard swallows one or more segments; its selector applies to the last one.
        None => (1..=path.len()).any(|taken| {
            index_matches(&first.index, path[taken - 1].id.as_ref())
                && match_from(rest, &path[taken..], prefix)
        }),
    }
}

fn segment_matches(pattern: &PatternSegment, segment: &PathSegment) -> bool {
    let name_ok = pattern
        .name
        .as_deref()
        .is_none_or(|name| name.eq_ignore_ascii_case(&segment.name));
    name_ok && index_matches(&pattern.index, segment.id.as_ref())
}

fn index_matches(selector: &IndexSelector, id: Option<&ElementId>) -> bool {
    match (selector, id) {
        (IndexSelector::Any, _) => true,
        (IndexSelector::All, Some(_)) => true,
        (IndexSelector::Range(low, high), Some(ElementId::Number(n))) => {
            n >= low && high.is_none_or(|high| *n <= high)
        }
        _ => false,
    }
}

/// Splits on dots that are not inside brackets (`HDMI[2..3].Mute` → `HDMI[2..3]`, `Mute`).
fn split_segments(expr: &str) -> Option<Vec<&str>> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in expr.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.checked_sub(1)?,
            '.' if depth == 0 => {
                parts.push(&expr[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    (depth == 0).then_some(())?;
    parts.push(&expr[start..]);
    Some(parts)
}

fn parse_segment(text: &str) -> Option<PatternSegment> {
    let (name, index) = match text.find('[') {
        Some(open) => {
            let inner = text[open..].strip_prefix('[')?.strip_suffix(']')?;
            (&text[..open], parse_selector(inner)?)
        }
        None => (text, IndexSelector::Any),
    };
    let name = match name {
        "*" => None,
        n if !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
        {
            Some(n.to_owned())
        }
        _ => return None,
    };
    Some(PatternSegment { name, index })
}

fn parse_selector(inner: &str) -> Option<IndexSelector> {
    let inner = inner.trim();
    if inner == "*" {
        return Some(IndexSelector::All);
    }
    match inner.split_once("..") {
        Some((low, high)) => {
            let low = low.trim().parse().ok()?;
            let high = match high.trim() {
                "n" | "N" => None,
                h => Some(h.parse().ok()?),
            };
            Some(IndexSelector::Range(low, high))
        }
        None => {
            let n = inner.parse().ok()?;
            Some(IndexSelector::Range(n, Some(n)))
        }
    }
}

/// Parses a concrete key such as `FacilityService.Service[1].Name` into path segments.
pub(crate) fn parse_path(key: &str) -> Option<Vec<PathSegment>> {
    split_segments(key)?
        .into_iter()
        .map(|part| match part.find('[') {
            Some(open) => {
                let inner = part[open..].strip_prefix('[')?.strip_suffix(']')?;
                let id = match inner.parse::<i64>() {
                    Ok(n) => ElementId::Number(n),
                    Err(_) => ElementId::Text(inner.to_owned()),
                };
                Some(PathSegment {
                    name: part[..open].to_owned(),
                    id: Some(id),
                })
            }
            None => Some(PathSegment {
                name: part.to_owned(),
                id: None,
            }),
        })
        .collect()
}

/// Every leaf of a status tree with its path, in tree order. Arrays are lists of objects whose
/// `id` becomes the index of the segment that holds them.
pub(crate) fn leaves(tree: &Value) -> Vec<(Vec<PathSegment>, &Value)> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    if let Value::Object(map) = tree {
        collect(map, &mut path, &mut out);
    }
    out
}

fn collect<'a>(
    map: &'a Map<String, Value>,
    path: &mut Vec<PathSegment>,
    out: &mut Vec<(Vec<PathSegment>, &'a Value)>,
) {
    for (key, value) in map {
        if key == "id" && !path.is_empty() && path.last().is_some_and(|s| s.id.is_some()) {
            continue;
        }
        match value {
            Value::Object(child) => {
                path.push(PathSegment {
                    name: key.clone(),
                    id: None,
                });
                collect(child, path, out);
                path.pop();
            }
            Value::Array(items) => {
                for item in items {
                    let Value::Object(element) = item else {
                        continue;
                    };
                    let id = element.get("id").and_then(element_id);
                    path.push(PathSegment {
                        name: key.clone(),
                        id,
                    });
                    collect(element, path, out);
                    path.pop();
                }
            }
            leaf => {
                path.push(PathSegment {
                    name: key.clone(),
                    id: None,
                });
                out.push((path.clone(), leaf));
                path.pop();
            }
        }
    }
}

fn element_id(value: &Value) -> Option<ElementId> {
    match value {
        Value::Number(n) => n.as_i64().map(ElementId::Number),
        Value::String(s) => Some(ElementId::Text(s.clone())),
        _ => None,
    }
}

impl ElementId {
    fn to_value(&self) -> Value {
        match self {
            Self::Number(n) => Value::from(*n),
            Self::Text(s) => Value::from(s.clone()),
        }
    }

    fn matches(&self, value: Option<&Value>) -> bool {
        value.and_then(element_id).as_ref() == Some(self)
    }
}

/// Sets `value` at `path` inside `tree`, creating objects and array elements on the way.
pub(crate) fn insert(tree: &mut Value, path: &[PathSegment], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = tree;
    for segment in parents {
        node = child(node, segment);
    }
    match &last.id {
        None => {
            if !node.is_object() {
                *node = Value::Object(Map::new());
            }
            if let Value::Object(map) = node {
                map.insert(last.name.clone(), value);
            }
        }
        Some(_) => *child(node, last) = value,
    }
}

/// The child of `node` named by `segment`, created when missing.
fn child<'a>(node: &'a mut Value, segment: &PathSegment) -> &'a mut Value {
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    let Value::Object(map) = node else {
        unreachable!("node was just made an object")
    };
    let entry = map.entry(segment.name.clone());
    match &segment.id {
        None => entry.or_insert_with(|| Value::Object(Map::new())),
        Some(id) => {
            let slot = entry.or_insert_with(|| Value::Array(Vec::new()));
            if !slot.is_array() {
                *slot = Value::Array(Vec::new());
            }
            let Value::Array(items) = slot else {
                unreachable!("slot was just made an array")
            };
            let position = match items.iter().position(|item| id.matches(item.get("id"))) {
                Some(position) => position,
                None => {
                    let mut element = Map::new();
                    element.insert("id".into(), id.to_value());
                    items.push(Value::Object(element));
                    items.len() - 1
                }
            };
            &mut items[position]
        }
    }
}

/// Reads the value at a concrete `key` (e.g. `Audio.Volume`, `Call[3].Status`), ignoring case.
pub(crate) fn get<'a>(tree: &'a Value, key: &str) -> Option<&'a Value> {
    let path = parse_path(key)?;
    let mut node = tree;
    for segment in &path {
        let (_, next) = node
            .as_object()?
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(&segment.name))?;
        node = match &segment.id {
            None => next,
            Some(id) => next
                .as_array()?
                .iter()
                .find(|item| id.matches(item.get("id")))?,
        };
    }
    Some(node)
}

/// Sets the value at a concrete `key`, reusing the canonical case of existing nodes.
pub(crate) fn set(tree: &mut Value, key: &str, value: Value) {
    let Some(mut path) = parse_path(key) else {
        return;
    };
    canonicalise(tree, &mut path);
    insert(tree, &path, value);
}

/// Rewrites the names in `path` to the case already used in `tree`.
fn canonicalise(tree: &Value, path: &mut [PathSegment]) {
    let mut node = Some(tree);
    for segment in path.iter_mut() {
        let found = node.and_then(Value::as_object).and_then(|map| {
            map.iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&segment.name))
        });
        node = match found {
            Some((name, next)) => {
                segment.name = name.clone();
                match &segment.id {
                    None => Some(next),
                    Some(id) => next
                        .as_array()
                        .and_then(|items| items.iter().find(|item| id.matches(item.get("id")))),
                }
            }
            None => None,
        };
    }
}

/// Removes the array element `name[id]` under the object at `parent_key` (or the root).
pub(crate) fn remove_element(tree: &mut Value, array_key: &str, id: i64) {
    if let Some(Value::Array(items)) =
        tree.pointer_mut(&format!("/{}", array_key.replace('.', "/")))
    {
        items.retain(|item| item.get("id").and_then(Value::as_i64) != Some(id));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn path(key: &str) -> Vec<PathSegment> {
        parse_path(key).unwrap()
    }

    #[test]
    fn patterns_match_as_documented() {
        let cases = [
            ("Audio.Volume", "Audio.Volume", true),
            ("audio.volume", "Audio.Volume", true),
            ("Audio.*", "Audio.Microphones.Mute", true),
            ("*.Volume", "Audio.Volume", true),
            ("*.Mute", "Audio.Input.Connectors.HDMI[2].Mute", true),
            (
                "Audio.Input.Connectors.HDMI[1].Mute",
                "Audio.Input.Connectors.HDMI[2].Mute",
                false,
            ),
            (
                "Audio.Input.Connectors.HDMI[2..3].Mute",
                "Audio.Input.Connectors.HDMI[3].Mute",
                true,
            ),
            (
                "Audio.Input.Connectors.HDMI[2..3].Mute",
                "Audio.Input.Connectors.HDMI[1].Mute",
                false,
            ),
            (
                "FacilityService.Service[2..n].Name",
                "FacilityService.Service[5].Name",
                true,
            ),
            (
                "FacilityService.Service[*].Name",
                "FacilityService.Service[1].Name",
                true,
            ),
            (
                "Audio.Input.Connectors.HDMI[*].*",
                "Audio.Input.Connectors.HDMI[1].Mute",
                true,
            ),
            ("Audio.Volume", "Audio.VolumeMute", false),
        ];
        for (pattern, key, expected) in cases {
            let p = Pattern::parse(pattern).unwrap();
            assert_eq!(p.matches(&path(key), false), expected, "{pattern} vs {key}");
        }
    }

    #[test]
    fn prefix_matching_selects_subtrees() {
        let p = Pattern::parse("Audio").unwrap();
        assert!(p.matches(&path("Audio.Volume"), true));
        assert!(!p.matches(&path("Audio.Volume"), false));
    }

    #[test]
    fn invalid_patterns_are_rejected() {
        for bad in [
            "",
            "Audio..Volume",
            "Audio.Volume[",
            "A[x..y]",
            "Audio.Vol ume",
            "A]",
        ] {
            assert!(Pattern::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn leaves_and_insert_round_trip() {
        let tree = json!({"Audio": {"Volume": 5}, "Call": [{"id": 3, "Status": "Connected"}]});
        let mut rebuilt = json!({});
        for (p, v) in leaves(&tree) {
            insert(&mut rebuilt, &p, v.clone());
        }
        assert_eq!(rebuilt, tree);
        assert_eq!(leaves(&tree)[1].0, parse_path("Call[3].Status").unwrap());
    }

    #[test]
    fn set_and_get_ignore_case_and_keep_canonical_names() {
        let mut tree = json!({"Audio": {"Volume": 5}});
        set(&mut tree, "audio.volume", json!(7));
        set(&mut tree, "Call[2].Status", json!("Connected"));
        assert_eq!(
            tree,
            json!({"Audio": {"Volume": 7}, "Call": [{"id": 2, "Status": "Connected"}]})
        );
        assert_eq!(get(&tree, "CALL[2].status"), Some(&json!("Connected")));
        remove_element(&mut tree, "Call", 2);
        assert_eq!(tree["Call"], json!([]));
    }
}
