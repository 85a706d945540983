//! Secrets out of the audit trail and the log: a command's text is kept for 400 days and shown
//! in chat and to a SIEM, so the value of any argument or configuration whose name says it is a
//! secret (`NewPassphrase: …`, `config set SIP.Authentication.Password …`) is kept as `***`.

/// What marks a name as a secret's, as its last word or path segment ends (ignoring case).
const SECRET_ENDINGS: [&str; 6] = ["password", "passphrase", "secret", "token", "key", "pin"];

/// `text` with the values of secret-named arguments and configurations replaced by `***`.
pub(crate) fn redact_secrets(text: &str) -> String {
    let words = words(text);
    let mut hide = vec![false; words.len()];
    for (at, word) in words.iter().enumerate() {
        // `Name: value` (xCommand and xConfiguration arguments).
        if let Some(name) = word.strip_suffix(':')
            && is_secret(name)
            && let Some(next) = hide.get_mut(at + 1)
        {
            *next = true;
        }
    }
    // `config set <Key.Path> <value> …`
    if let [first, second, key, ..] = words.as_slice()
        && first.eq_ignore_ascii_case("config")
        && second.eq_ignore_ascii_case("set")
        && is_secret(key)
        && let Some(value) = hide.get_mut(3)
    {
        *value = true;
    }
    if !hide.contains(&true) {
        return text.to_owned();
    }
    let kept: Vec<&str> = words
        .iter()
        .zip(&hide)
        .map(|(word, hidden)| if *hidden { "***" } else { word })
        .collect();
    kept.join(" ")
}

fn is_secret(name: &str) -> bool {
    let last = name
        .trim_matches('"')
        .rsplit(['.', ' ', '/'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    SECRET_ENDINGS.iter().any(|ending| last.ends_with(ending))
}

/// `text` split at spaces outside double quotes (a quoted value is one word, quotes kept).
fn words(text: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let (mut start, mut quoted) = (None, false);
    for (at, c) in text.char_indices() {
        match c {
            '"' => {
                quoted = !quoted;
                start.get_or_insert(at);
            }
            c if c.is_whitespace() && !quoted => {
                if let Some(from) = start.take() {
                    words.push(&text[from..at]);
                }
            }
            _ => {
                start.get_or_insert(at);
            }
        }
    }
    if let Some(from) = start {
        words.push(&text[from..]);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_values_are_hidden_and_the_rest_kept() {
        assert_eq!(
            redact_secrets(
                r#"xCommand UserManagement User Passphrase Set NewPassphrase: "s3cret word" Username: admin on 4B"#
            ),
            "xCommand UserManagement User Passphrase Set NewPassphrase: *** Username: admin on 4B"
        );
        assert_eq!(
            redact_secrets("config set SIP.Authentication.Password hunter2 in 4B"),
            "config set SIP.Authentication.Password *** in 4B"
        );
        assert_eq!(
            redact_secrets("xConfiguration NetworkServices SNMP CommunityName: x Pin: 1234"),
            "xConfiguration NetworkServices SNMP CommunityName: x Pin: ***"
        );
        let plain = r#"alert "Lunch is ready" in 4B"#;
        assert_eq!(redact_secrets(plain), plain);
        assert_eq!(redact_secrets("mute room 4B"), "mute room 4B");
        // A quote left open does not lose the rest.
        assert_eq!(
            redact_secrets(r#"xCommand X Password: "open to the end"#),
            "xCommand X Password: ***"
        );
    }
}
