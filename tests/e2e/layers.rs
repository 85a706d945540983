//! The module graph stays layered: every `crate::…` reference in `src/` points down the layer
//! table written in `src/lib.rs` (the table is the documentation and the rule at once), and the
//! sandbox stays beside the product. A new upward import fails here with the file and line.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// One `crate::<module>` reference: the module it is in, the one it names, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Import {
    from: String,
    to: String,
    at: String,
}

/// The layer table of `src/lib.rs`: the module names of each line, top line first.
fn layer_table(lib_rs: &str) -> Vec<Vec<String>> {
    let after = lib_rs
        .split("//! Layers:")
        .nth(1)
        .expect("src/lib.rs documents the layers");
    let block = after
        .split("//! ```text")
        .nth(1)
        .and_then(|rest| rest.split("//! ```").next())
        .expect("the layer table is a text block");
    block
        .lines()
        .map(|line| line.trim_start_matches("//!").trim())
        .filter(|line| !line.is_empty())
        .map(|line| line.split_whitespace().map(str::to_owned).collect())
        .collect()
}

/// Every `crate::<module>` reference in the production code (comments and inline tests left
/// out) of each top-level module.
fn imports(src: &Path) -> Vec<Import> {
    let mut found = Vec::new();
    for file in rust_files(src) {
        let relative = file.strip_prefix(src).expect("below src");
        let module = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .map(|name| name.trim_end_matches(".rs").to_owned())
            .expect("a module name");
        if module == "lib" || module == "main" {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("readable source");
        for (number, line) in text.lines().enumerate() {
            // Inline tests sit at the bottom and may reach anywhere: they ship nothing.
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            if line.trim_start().starts_with("//") {
                continue;
            }
            for to in referenced_modules(line) {
                if to != module {
                    found.push(Import {
                        from: module.clone(),
                        to,
                        at: format!("{}:{}", relative.display(), number + 1),
                    });
                }
            }
        }
    }
    found
}

/// The modules a line names as `crate::x` or inside `crate::{x, y::z}`.
fn referenced_modules(line: &str) -> Vec<String> {
    let mut names = Vec::new();
    for rest in line.split("crate::").skip(1) {
        if let Some(group) = rest.strip_prefix('{') {
            names.extend(
                top_level_items(group)
                    .iter()
                    .filter_map(|item| first_word(item.trim())),
            );
        } else if let Some(name) = first_word(rest) {
            names.push(name);
        }
    }
    names
}

/// The items of a `{…}` group up to its closing brace, split at its own commas only.
fn top_level_items(group: &str) -> Vec<&str> {
    let (mut depth, mut start, mut items) = (0usize, 0usize, Vec::new());
    for (at, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => {
                items.push(&group[start..at]);
                return items;
            }
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(&group[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    items.push(&group[start..]);
    items
}

fn first_word(text: &str) -> Option<String> {
    let word: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()).then_some(word)
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable dir") {
        let path = entry.expect("a dir entry").path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Each import that breaks the layers, as a line saying why.
fn violations(table: &[Vec<String>], imports: &[Import]) -> Vec<String> {
    let rank: BTreeMap<&str, usize> = table
        .iter()
        .enumerate()
        .flat_map(|(line, names)| names.iter().map(move |n| (n.as_str(), line)))
        .collect();
    let mut problems = BTreeSet::new();
    for import in imports {
        let (from, to) = (import.from.as_str(), import.to.as_str());
        let problem = match (from, to) {
            ("sandbox", "webex") => None,
            ("sandbox", _) => Some("the sandbox may import only webex"),
            ("demo" | "cli", "sandbox") => None,
            (_, "sandbox") => Some("only demo and cli may import the sandbox"),
            _ => match (rank.get(from), rank.get(to)) {
                (Some(a), Some(b)) if b > a => None,
                (Some(_), Some(_)) => Some("imports a module on its own layer or above"),
                (None, _) => Some("is not in the layer table of src/lib.rs"),
                (_, None) => Some("imports a module missing from the layer table"),
            },
        };
        if let Some(problem) = problem {
            problems.insert(format!(
                "{} → {} ({}): {from} {problem}",
                from, to, import.at
            ));
        }
    }
    problems.into_iter().collect()
}

#[test]
fn every_import_points_down_the_layer_table_of_lib_rs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lib_rs = std::fs::read_to_string(root.join("src/lib.rs")).expect("src/lib.rs");
    let table = layer_table(&lib_rs);
    assert!(table.len() >= 5, "{table:?}");
    let found = imports(&root.join("src"));
    assert!(
        found.len() > 100,
        "the scan finds the imports: {}",
        found.len()
    );
    let problems = violations(&table, &found);
    assert!(
        problems.is_empty(),
        "upward imports:\n{}",
        problems.join("\n")
    );
}

#[test]
fn an_upward_or_sideways_import_is_reported() {
    let table: Vec<Vec<String>> = [vec!["app"], vec!["bot", "ops"], vec!["webex"]]
        .iter()
        .map(|line| line.iter().map(|n| (*n).to_owned()).collect())
        .collect();
    let import = |from: &str, to: &str| Import {
        from: from.into(),
        to: to.into(),
        at: "x.rs:1".into(),
    };
    assert!(violations(&table, &[import("app", "ops"), import("ops", "webex")]).is_empty());
    assert_eq!(violations(&table, &[import("webex", "app")]).len(), 1);
    assert_eq!(
        violations(&table, &[import("ops", "bot")]).len(),
        1,
        "same layer"
    );
    assert_eq!(violations(&table, &[import("sandbox", "ops")]).len(), 1);
    assert_eq!(violations(&table, &[import("ops", "sandbox")]).len(), 1);
    assert_eq!(
        violations(&table, &[import("fresh", "webex")]).len(),
        1,
        "unlisted"
    );
    assert_eq!(
        referenced_modules("use crate::{cards::Card, plan, webex::{Device, Id}};"),
        ["cards", "plan", "webex"]
    );
}
