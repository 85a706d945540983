//! Matching names as people type them: exact, then a unique prefix, then a unique substring
//! (never a guess between several), and the closest names when nothing matches.

/// Most "did you mean" names.
const CLOSEST: usize = 3;

/// How alike (Jaro-Winkler) a name must be to count as close: `Sagrda` is to `Sagrada`,
/// `hello` is not to `Redwood`.
const ALIKE: f64 = 0.75;

/// The outcome of matching a name against a list.
#[derive(Debug, Clone, PartialEq)]
pub enum NameMatch<T> {
    /// Exactly one item matched.
    One(T),
    /// Several matched at the same level (exact, prefix or substring): ask which.
    Many(Vec<T>),
    /// Nothing matched; the closest names, best first.
    None { closest: Vec<String> },
}

/// Matches `query` against `(name, item)` pairs: exact, then unique prefix, then unique
/// substring, all ignoring case. Several matches at the first level that has any is `Many`.
pub fn match_name<T: Clone>(items: &[(String, T)], query: &str) -> NameMatch<T> {
    let query = query.trim().to_lowercase();
    let levels: [&dyn Fn(&str) -> bool; 3] = [
        &|name| name == query,
        &|name| name.starts_with(&query),
        &|name| name.contains(&query),
    ];
    for level in levels {
        let hits: Vec<T> = items
            .iter()
            .filter(|(name, _)| level(&name.to_lowercase()))
            .map(|(_, item)| item.clone())
            .collect();
        match hits.len() {
            0 => continue,
            1 => return NameMatch::One(hits.into_iter().next().expect("one hit")),
            _ => return NameMatch::Many(hits),
        }
    }
    NameMatch::None {
        closest: closest_names(items.iter().map(|(name, _)| name.as_str()), &query),
    }
}

/// [`match_name`], where an item's id (exactly as Webex spells it) names it too: how a picker's
/// button reaches one of several items that share a name.
pub fn match_name_or_id<T: Clone>(
    items: &[(String, T)],
    id_of: impl Fn(&T) -> &str,
    query: &str,
) -> NameMatch<T> {
    let wanted = query.trim();
    match items.iter().find(|(_, item)| id_of(item) == wanted) {
        Some((_, item)) => NameMatch::One(item.clone()),
        None => match_name(items, query),
    }
}

/// The names most like `query`, best first, ignoring case: by Jaro-Winkler over the whole
/// name, or by the words they share (equal, or one edit apart for words of 3+ letters), so
/// `rom 4B` finds `4B` and `Osloo Lab` finds `Oslo Lab`.
pub fn closest_names<'a>(names: impl Iterator<Item = &'a str>, query: &str) -> Vec<String> {
    let query = query.to_lowercase();
    let words: Vec<&str> = query.split_whitespace().collect();
    let mut scored: Vec<(f64, &str)> = names
        .filter_map(|name| {
            let lower = name.to_lowercase();
            // One edit away counts too, so short names (`4X` → `4B`) are found.
            let typo =
                query.chars().count() >= 2 && strsim::damerau_levenshtein(&lower, &query) <= 1;
            let alike = strsim::jaro_winkler(&lower, &query).max(if typo { ALIKE } else { 0.0 });
            let shared = shared_words(&lower, &words);
            (alike >= ALIKE || shared >= 0.5).then_some((alike.max(shared), name))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored
        .into_iter()
        .take(CLOSEST)
        .map(|(_, name)| name.to_owned())
        .collect()
}

/// How much of `query`'s words and `name`'s words the other has (0 to 1, half each way).
fn shared_words(name: &str, query: &[&str]) -> f64 {
    let words: Vec<&str> = name.split_whitespace().collect();
    let close = |a: &str, b: &str| {
        a == b || (a.len() >= 3 && b.len() >= 3 && strsim::damerau_levenshtein(a, b) <= 1)
    };
    let found = query
        .iter()
        .filter(|q| words.iter().any(|w| close(q, w)))
        .count();
    if found == 0 || words.is_empty() {
        return 0.0;
    }
    let known = words
        .iter()
        .filter(|w| query.iter().any(|q| close(q, w)))
        .count();
    0.5 * found as f64 / query.len() as f64 + 0.5 * known as f64 / words.len() as f64
}
