//! The governance commands' values and parsers: `audit` with its filters (`by`, `on`, `since`,
//! `all`, a count, `page`) and `scope` (a space bound to a location and/or a tag, and a least
//! role for commands there). Also when a `since` phrase starts, given the time now (pure).

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

use super::args::Args;
use super::lexer::Token;
use super::{Command, ParseError};

/// Most records one `audit` page shows.
pub const AUDIT_MAX: u32 = 50;
/// Records an `audit` page shows unless a count is given.
pub const AUDIT_DEFAULT: u32 = 10;

/// The filters of `audit`; all optional, combined with AND.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AuditFilter {
    /// `all`: every space's records (admins, in a 1:1 space only).
    pub all: bool,
    /// How many records a page shows (`audit 20`).
    pub count: Option<u32>,
    /// `by <person>`: an email or the start of one.
    pub by: Option<String>,
    /// `on <target>`: a workspace or device name (`room`/`device` words allowed before it).
    pub on: Option<String>,
    pub since: Option<Since>,
    /// Which page, from 1 (`None` is the first).
    pub page: Option<u32>,
    /// `before <n>`: only records numbered below `n`. More pins it to the first page's newest
    /// record, so the records added since (the `audit` itself among them) do not shift the
    /// pages.
    pub before: Option<u64>,
}

/// When an `audit … since <time>` window starts (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Since {
    Today,
    Yesterday,
    /// Monday 00:00 of this week.
    ThisWeek,
    /// `7d`: this many days ago.
    Days(u32),
    /// `12h`: this many hours ago.
    Hours(u32),
    /// `2026-11-30`: that day's start.
    Date(NaiveDate),
}

impl Since {
    /// Parses `today`, `yesterday`, `this week`, `7d`, `12h` or an ISO date.
    pub fn parse(words: &[&str]) -> Option<Self> {
        let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
        let lower: Vec<&str> = lower.iter().map(String::as_str).collect();
        match lower.as_slice() {
            ["today"] => Some(Self::Today),
            ["yesterday"] => Some(Self::Yesterday),
            ["this", "week"] | ["week"] => Some(Self::ThisWeek),
            [one] => Self::amount(one).or_else(|| {
                NaiveDate::parse_from_str(one, "%Y-%m-%d")
                    .ok()
                    .map(Self::Date)
            }),
            _ => None,
        }
    }

    fn amount(text: &str) -> Option<Self> {
        let (number, unit) = text.split_at(text.len().checked_sub(1)?);
        let number: u32 = number.parse().ok().filter(|n| *n <= 100_000)?;
        match unit {
            "d" => Some(Self::Days(number)),
            "h" => Some(Self::Hours(number)),
            _ => None,
        }
    }

    /// The canonical words.
    pub fn text(&self) -> String {
        match self {
            Self::Today => "today".into(),
            Self::Yesterday => "yesterday".into(),
            Self::ThisWeek => "this week".into(),
            Self::Days(n) => format!("{n}d"),
            Self::Hours(n) => format!("{n}h"),
            Self::Date(date) => date.format("%Y-%m-%d").to_string(),
        }
    }

    /// The instant the window starts, given `now`.
    pub fn start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let midnight =
            |date: NaiveDate| Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default());
        let today = now.date_naive();
        match self {
            Self::Today => midnight(today),
            Self::Yesterday => midnight(today - Duration::days(1)),
            Self::ThisWeek => {
                let back = i64::from(today.weekday().num_days_from_monday());
                midnight(today - Duration::days(back))
            }
            Self::Days(n) => now - Duration::days(i64::from(*n)),
            Self::Hours(n) => now - Duration::hours(i64::from(*n)),
            Self::Date(date) => midnight(*date),
        }
    }
}

/// What `scope …` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScopeChange {
    /// `scope`: show this space's scope.
    Show,
    /// `scope <location>` / `scope location <name>`.
    Location(String),
    /// `scope tag <tag>`.
    Tag(String),
    /// `scope role <viewer|operator|admin>`: the least role commands that act need here
    /// (reading stays open); `scope role none` drops it.
    MinRole(Option<String>),
    /// `scope none`: the space reaches everything again.
    Clear,
}

/// Words that end a filter's value in `audit`.
const AUDIT_WORDS: &[&str] = &["by", "on", "since", "page"];

/// `audit [all] [<count>] [by <person>] [on <target>] [since <time>] [page <n>]`.
pub(crate) fn parse_audit(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let before = args.take_trailing_number("before");
    let page = args.take_page()?;
    let mut filter = AuditFilter {
        page,
        before,
        all: args.eat("all"),
        ..AuditFilter::default()
    };
    if let Some(count) = args
        .peek()
        .and_then(Token::word)
        .and_then(|w| w.parse::<u32>().ok())
    {
        if !(1..=AUDIT_MAX).contains(&count) {
            return Err(args.invalid("count", format!("show 1 to {AUDIT_MAX} records")));
        }
        args.advance(1);
        filter.count = Some(count);
    }
    while let Some(keyword) = args.eat_any(&["by", "on", "since"]) {
        let tokens = args.take_until(AUDIT_WORDS);
        audit_filter(args, keyword, tokens, &mut filter)?;
    }
    args.finish()?;
    Ok(Command::Audit { filter })
}

/// One `by …`, `on …` or `since …` of `audit`, from the `tokens` up to the next keyword.
fn audit_filter(
    args: &Args<'_>,
    keyword: &str,
    tokens: &[Token],
    filter: &mut AuditFilter,
) -> Result<(), ParseError> {
    match keyword {
        "by" => {
            let person = args.name_of("person", tokens)?;
            filter.by = Some(person.ok_or_else(|| args.missing("a person"))?);
        }
        "on" => {
            // `on room 4B` means what `on 4B` does: the trail matches names.
            let tokens = match tokens.split_first() {
                Some((kind, rest))
                    if !rest.is_empty()
                        && ["room", "workspace", "device"].iter().any(|k| kind.is(k)) =>
                {
                    rest
                }
                _ => tokens,
            };
            let target = args.name_of("target", tokens)?;
            filter.on = Some(target.ok_or_else(|| args.missing("a target"))?);
        }
        _ => {
            let words: Vec<&str> = tokens.iter().map(Token::text).collect();
            let since = Since::parse(&words).ok_or_else(|| {
                args.invalid(
                    "time",
                    "say today, yesterday, this week, 7d, 12h or a date like 2026-11-30",
                )
            })?;
            filter.since = Some(since);
        }
    }
    Ok(())
}

/// `scope`, `scope <location>`, `scope location <name>`, `scope tag <tag>`, `scope role <role>`,
/// `scope none`.
pub(crate) fn parse_scope(args: &mut Args<'_>) -> Result<Command, ParseError> {
    let change = if args.is_done() {
        ScopeChange::Show
    } else if let [token] = args.rest()
        && token.is("none")
    {
        args.advance(1);
        ScopeChange::Clear
    } else if args.eat("tag") {
        let tokens = args.take_rest();
        ScopeChange::Tag(
            args.name_of("tag", tokens)?
                .ok_or_else(|| args.missing("a tag"))?,
        )
    } else if args.eat("role") {
        let role = args.next_token().map(Token::text).map(str::to_lowercase);
        args.finish()?;
        match role.as_deref() {
            Some("none") => ScopeChange::MinRole(None),
            Some(role @ ("viewer" | "operator" | "admin")) => {
                ScopeChange::MinRole(Some(role.to_owned()))
            }
            _ => return Err(args.invalid("role", "name viewer, operator, admin or none")),
        }
    } else {
        args.eat("location");
        let tokens = args.take_rest();
        ScopeChange::Location(
            args.name_of("location", tokens)?
                .ok_or_else(|| args.missing("a location"))?,
        )
    };
    args.finish()?;
    Ok(Command::Scope { change })
}

/// The canonical words of `audit` with `filter` (names rendered by `name`).
pub(crate) fn audit_words(filter: &AuditFilter, name: impl Fn(&str) -> String) -> Vec<String> {
    let mut out = vec!["audit".to_owned()];
    if filter.all {
        out.push("all".into());
    }
    if let Some(count) = filter.count {
        out.push(count.to_string());
    }
    if let Some(by) = &filter.by {
        out.extend(["by".to_owned(), name(by)]);
    }
    if let Some(on) = &filter.on {
        out.extend(["on".to_owned(), name(on)]);
    }
    if let Some(since) = &filter.since {
        out.extend(["since".to_owned(), since.text()]);
    }
    if let Some(page) = filter.page {
        out.extend(["page".to_owned(), page.to_string()]);
    }
    if let Some(before) = filter.before {
        out.extend(["before".to_owned(), before.to_string()]);
    }
    out
}

/// The canonical words of `scope …` (names rendered by `name`).
pub(crate) fn scope_words(change: &ScopeChange, name: impl Fn(&str) -> String) -> Vec<String> {
    let mut out = vec!["scope".to_owned()];
    match change {
        ScopeChange::Show => {}
        ScopeChange::Clear => out.push("none".into()),
        ScopeChange::Location(place) => out.extend(["location".to_owned(), name(place)]),
        ScopeChange::Tag(tag) => out.extend(["tag".to_owned(), name(tag)]),
        ScopeChange::MinRole(role) => out.extend([
            "role".to_owned(),
            role.clone().unwrap_or_else(|| "none".into()),
        ]),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn since_phrases_start_where_people_mean() {
        // A Wednesday.
        let now = at("2026-12-02T15:30:00Z");
        let start = |words: &[&str]| Since::parse(words).map(|s| s.start(now).to_rfc3339());
        assert_eq!(start(&["yesterday"]).unwrap(), "2026-12-01T00:00:00+00:00");
        assert_eq!(start(&["Today"]).unwrap(), "2026-12-02T00:00:00+00:00");
        assert_eq!(
            start(&["this", "week"]).unwrap(),
            "2026-11-30T00:00:00+00:00"
        );
        assert_eq!(start(&["7d"]).unwrap(), "2026-11-25T15:30:00+00:00");
        assert_eq!(start(&["12h"]).unwrap(), "2026-12-02T03:30:00+00:00");
        assert_eq!(start(&["2026-11-30"]).unwrap(), "2026-11-30T00:00:00+00:00");
        for bad in [
            &["last", "tuesday"][..],
            &["d"],
            &["7x"],
            &["2026-13-01"],
            &[],
        ] {
            assert_eq!(Since::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn audit_and_scope_parse_and_round_trip() {
        let parsed = Command::parse("audit 20 by vera on room 4B since this week page 2").unwrap();
        let Command::Audit { filter } = &parsed else {
            panic!("{parsed:?}");
        };
        assert_eq!(filter.by.as_deref(), Some("vera"));
        assert_eq!(filter.on.as_deref(), Some("4B"));
        assert_eq!(filter.since, Some(Since::ThisWeek));
        assert_eq!((filter.count, filter.page), (Some(20), Some(2)));
        for text in [
            "audit",
            "audit all",
            "audit by vera@example.com since 2026-11-30",
            "audit on \"Big Conference\" since yesterday",
            "scope",
            "scope none",
            "scope Barcelona",
            "scope tag floor3",
            "scope role viewer",
            "scope role none",
        ] {
            let command = Command::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(
                Command::parse(&command.canonical()),
                Ok(command.clone()),
                "{text}"
            );
        }
        assert!(Command::parse("audit since last tuesday").is_err());
        assert!(Command::parse("audit 500").is_err());
        assert!(Command::parse("scope role owner").is_err());
        assert!(Command::parse("audit by").is_err());
    }
}
