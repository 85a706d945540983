//! The README's command reference is generated from the grammar table and must not drift.
//! Regenerate it with `UPDATE_README=1 cargo test --test e2e command_readme`.

use std::path::Path;

use roombot::command::reference_markdown;

const BEGIN: &str = "<!-- commands:begin -->";
const END: &str = "<!-- commands:end -->";

#[test]
fn readme_command_reference_matches_the_grammar_table() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("README.md is readable");
    let (head, rest) = readme
        .split_once(BEGIN)
        .expect("README.md has the commands:begin marker");
    let (section, tail) = rest
        .split_once(END)
        .expect("README.md has the commands:end marker");
    let expected = format!("\n{}", reference_markdown());
    if section == expected {
        return;
    }
    if std::env::var("UPDATE_README").is_ok_and(|value| value == "1") {
        let updated = format!("{head}{BEGIN}{expected}{END}{tail}");
        std::fs::write(&path, updated).expect("README.md is writable");
        return;
    }
    panic!(
        "README.md's command reference differs from the grammar table.\n\
         Run `UPDATE_README=1 cargo test --test e2e command_readme`, or put this between the markers:\n{expected}"
    );
}

#[test]
fn the_reference_lists_every_help_entry() {
    let reference = reference_markdown();
    for group in roombot::command::help_overview() {
        assert!(
            reference.contains(&format!("### {}", group.title)),
            "group {}",
            group.title
        );
        for command in group.commands {
            assert!(
                reference.contains(&format!("| {} |", command.title)),
                "command {}",
                command.title
            );
        }
    }
}
