//! "Did you mean": the commands closest to an unknown word, by edit distance.

use super::table;

/// Most suggestions one reply offers.
const MAX_SUGGESTIONS: usize = 3;

/// The verbs closest to `word` (Damerau–Levenshtein over the whole verb and its first
/// word; a prefix of 3+ letters also counts), best first, at most three.
pub fn suggest(word: &str) -> Vec<String> {
    let word = word.to_lowercase();
    let limit = (word.chars().count() / 3).clamp(1, 2);
    let mut scored: Vec<(usize, usize, &'static str)> = table::all_verbs()
        .enumerate()
        .filter_map(|(order, verb)| {
            let first = verb.split(' ').next().unwrap_or(verb);
            let distance = strsim::damerau_levenshtein(&word, verb)
                .min(strsim::damerau_levenshtein(&word, first));
            let prefix = word.chars().count() >= 3 && verb.starts_with(word.as_str());
            let score = if prefix { distance.min(1) } else { distance };
            (score <= limit).then_some((score, order, verb))
        })
        .collect();
    scored.sort();
    let mut verbs: Vec<String> = Vec::new();
    for (_, _, verb) in scored {
        if verbs.len() < MAX_SUGGESTIONS && !verbs.iter().any(|v| v == verb) {
            verbs.push(verb.to_owned());
        }
    }
    verbs
}

#[cfg(test)]
mod tests {
    use super::suggest;

    #[test]
    fn typos_suggest_the_intended_command() {
        assert_eq!(suggest("mte").first().map(String::as_str), Some("mute"));
        assert_eq!(suggest("volme").first().map(String::as_str), Some("volume"));
        assert_eq!(
            suggest("statsu").first().map(String::as_str),
            Some("status")
        );
        assert_eq!(suggest("REBOT").first().map(String::as_str), Some("reboot"));
        assert!(suggest("delete").contains(&"delete device".to_owned()));
    }

    #[test]
    fn unrelated_words_suggest_nothing() {
        assert!(suggest("banana").is_empty());
    }
}
