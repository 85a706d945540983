//! Counting in words: thousands separated (`1,574`), nouns agreeing with their number
//! (`1 device`, `3 devices`), the page line of a list, and a list of names folded after a few
//! (`A, B, C and 77 more`).

/// `n` with thousands separated by commas: `1574` → `1,574`.
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (at, digit) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// `n` and the noun agreeing with it: `plural(1, "device", "devices")` → `1 device`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    match n {
        1 => format!("1 {one}"),
        n => format!("{} {many}", count(n)),
    }
}

/// Which rows of a list a page shows: `Showing 16–30 of 1,000` (rows from 1); "" when it
/// shows them all.
pub fn showing(first: usize, last: usize, total: usize) -> String {
    match total {
        _ if first <= 1 && last >= total => String::new(),
        _ => format!(
            "Showing {}–{} of {}",
            count(first),
            count(last),
            count(total)
        ),
    }
}

/// Up to `shown` of `names`, then how many more: `A, B, C and 77 more`.
pub fn names_folded(names: &[String], shown: usize) -> String {
    let head = names[..names.len().min(shown)].join(", ");
    match names.len().saturating_sub(shown) {
        0 => head,
        rest => format!("{head} and {} more", count(rest)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1574), "1,574");
        assert_eq!(count(1_000_000), "1,000,000");
        assert_eq!(plural(1, "device", "devices"), "1 device");
        assert_eq!(plural(1574, "device", "devices"), "1,574 devices");
        assert_eq!(plural(0, "device", "devices"), "0 devices");
        assert_eq!(showing(16, 30, 1000), "Showing 16–30 of 1,000");
        assert_eq!(showing(1, 4, 4), "");
        let names: Vec<String> = ["A", "B", "C", "D"].map(String::from).to_vec();
        assert_eq!(names_folded(&names, 3), "A, B, C and 1 more");
        assert_eq!(names_folded(&names[..2], 3), "A, B");
    }
}
