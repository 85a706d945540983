//! Several things match a name: one candidate per match, each with the target that reaches it
//! alone. A name shared by several candidates cannot tell them apart, so those are addressed by
//! their Webex id (which every name lookup also accepts): a picker never offers a button that
//! asks the same question again.

use crate::command::Target;

/// One of several matches for a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The target that reaches this match alone: its name, or its id when the name is shared.
    pub target: Target,
    /// Its name, as shown.
    pub name: String,
    /// Its Webex id (a workspace's, a device's or a location's).
    pub id: String,
}

/// The candidates for `(name, id)` matches, each aimed by `make`.
pub(super) fn candidates(
    matches: impl IntoIterator<Item = (String, String)>,
    make: fn(String) -> Target,
) -> Vec<Candidate> {
    let matches: Vec<(String, String)> = matches.into_iter().collect();
    let shared = |name: &str| {
        matches
            .iter()
            .filter(|(other, _)| other.eq_ignore_ascii_case(name))
            .count()
            > 1
    };
    matches
        .iter()
        .map(|(name, id)| Candidate {
            target: make(if shared(name) {
                id.clone()
            } else {
                name.clone()
            }),
            name: name.clone(),
            id: id.clone(),
        })
        .collect()
}

/// The candidates for `(name, id)` matches of a command that names its item (`workspace <name>`):
/// each target's name is what to put in the command.
pub fn candidates_of(matches: impl IntoIterator<Item = (String, String)>) -> Vec<Candidate> {
    candidates(matches, Target::Bare)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_name_is_addressed_by_id() {
        let found = candidates(
            [
                ("Lobby".to_owned(), "W1".to_owned()),
                ("lobby".to_owned(), "W2".to_owned()),
                ("Lobby SJ".to_owned(), "W3".to_owned()),
            ],
            Target::Room,
        );
        let targets: Vec<Target> = found.into_iter().map(|c| c.target).collect();
        assert_eq!(
            targets,
            [
                Target::Room("W1".into()),
                Target::Room("W2".into()),
                Target::Room("Lobby SJ".into())
            ]
        );
    }
}
