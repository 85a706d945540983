//! `audit` in chat: reading a page of the trail (this space's records, or every space's with
//! `audit all`) and showing it as a list card, newest first, with More for the next page.

use crate::cards::words::plural;
use crate::cards::{Button, Line, ListCard, ListRow, Tone};
use crate::command::{AuditFilter, Command, Since};
use crate::plan::AuditRead;
use crate::request::Request;
use crate::store::{AuditEntry, AuditQuery};

use super::audit::Verdict;
use super::execute::{Answer, CallResult, Failure, Outcome};
use super::{Done, Ops};

impl Ops {
    /// Reads the page of the trail `query` asks for.
    pub(super) async fn read_audit(&self, request: &Request, query: &AuditRead) -> CallResult {
        let since_ms = query.since.as_deref().and_then(|words| {
            let words: Vec<&str> = words.split_whitespace().collect();
            Since::parse(&words).map(|s| s.start(chrono::Utc::now()).timestamp_millis())
        });
        let count = query.count.max(1) as usize;
        let asked = AuditQuery {
            room: (!query.all).then(|| request.place.room_id.clone()),
            by: query.by.clone(),
            on: query.on.clone(),
            since_ms,
            before_seq: query.before.and_then(|b| i64::try_from(b).ok()),
            offset: (query.page.max(1) as usize - 1) * count,
            limit: count,
        };
        match self.audit_log.query_audit(asked).await {
            Ok((entries, more)) => CallResult::Done(Answer::Audit { entries, more }),
            Err(error) => {
                tracing::error!(%error, "cannot read the audit trail");
                CallResult::Failed(Failure {
                    message: "I could not read the audit trail.".into(),
                    tracking_id: String::new(),
                })
            }
        }
    }

    /// A page of the trail as a list card.
    pub(crate) fn render_audit(&self, outcome: &Outcome, query: &AuditRead) -> Done {
        let (entries, more) = match outcome.first() {
            Some(CallResult::Done(Answer::Audit { entries, more })) => (entries, *more),
            Some(CallResult::Failed(failure)) => {
                return self.rejected(&failure.message, "Please try again in a moment.");
            }
            other => return self.unexpected("read the audit trail", other),
        };
        let whose = match query.all {
            true => "every space",
            false => "this space",
        };
        let first = (query.page.max(1) - 1) as usize * query.count as usize;
        let summary = match entries.len() {
            0 => format!("Nothing recorded in {whose} that matches."),
            n => format!(
                "Newest first, records {}–{} of {whose}.",
                first + 1,
                first + n
            ),
        };
        // The pages after this one hold still: pinned below this page's newest record.
        let pinned = query.before.or_else(|| {
            let newest = entries.iter().map(|e| e.seq).max()?;
            u64::try_from(newest + 1).ok()
        });
        let buttons = match more {
            true => vec![Button::new("More", next_page(query, pinned).canonical())],
            false => Vec::new(),
        };
        let list = ListCard {
            title: format!("Audit: {}", plural(entries.len(), "record", "records")),
            summary,
            rows: entries.iter().map(row).collect(),
            note: String::new(),
            buttons,
        };
        let mut fallback = vec![format!("**{}** ({})", list.title, list.summary)];
        fallback.extend(entries.iter().map(|e| format!("- {}", line(e))));
        Done::new(
            self.card(self.templates.render_list(&list), fallback.join("\n")),
            Verdict::Read,
        )
    }
}

/// The command showing the page after `query`'s, of the records below `before`.
fn next_page(query: &AuditRead, before: Option<u64>) -> Command {
    let since = query.since.as_deref().and_then(|words| {
        let words: Vec<&str> = words.split_whitespace().collect();
        Since::parse(&words)
    });
    Command::Audit {
        filter: AuditFilter {
            all: query.all,
            count: Some(query.count),
            by: query.by.clone(),
            on: query.on.clone(),
            since,
            page: Some(query.page.max(1) + 1),
            before,
        },
    }
}

/// One record as a list row: when, who and what; how it ended, on which devices.
fn row(entry: &AuditEntry) -> ListRow {
    let tone = match entry.result.as_str() {
        "done" | "read" => Tone::Good,
        "failed" => Tone::Attention,
        "refused" | "rejected" | "limited" => Tone::Warning,
        _ => Tone::Default,
    };
    let mut lines = vec![Line::new(outcome_words(entry), tone)];
    let devices: Vec<String> = entry
        .devices
        .iter()
        .take(5)
        .map(|d| format!("{}: {}", d.device, d.result))
        .collect();
    if !devices.is_empty() {
        lines.push(Line::new(devices.join(" · "), Tone::Default));
    }
    if !entry.tracking_ids.is_empty() {
        let ids = entry.tracking_ids.join(", ");
        lines.push(Line::new(format!("trackingId {ids}"), Tone::Default));
    }
    ListRow {
        header: String::new(),
        name: format!(
            "{} · {} · {}",
            short_time(&entry.time),
            entry.email,
            entry.text
        ),
        lines,
        button: None,
    }
}

/// `refused (viewer): needs the operator role`.
fn outcome_words(entry: &AuditEntry) -> String {
    let mut text = format!("{} ({})", entry.result, entry.role);
    if !entry.detail.is_empty() {
        text.push_str(": ");
        text.push_str(&entry.detail);
    }
    text
}

/// `2026-12-01 10:02 UTC` from RFC 3339.
fn short_time(time: &str) -> String {
    match (time.get(..10), time.get(11..16)) {
        (Some(day), Some(clock)) => format!("{day} {clock} UTC"),
        _ => time.to_owned(),
    }
}

/// One record in the markdown fallback.
fn line(entry: &AuditEntry) -> String {
    format!(
        "{} · {} · `{}` · {}",
        short_time(&entry.time),
        crate::cards::markdown::escape(&entry.email),
        entry.text.replace('`', "'"),
        crate::cards::markdown::escape(&outcome_words(entry))
    )
}

/// `done (operator)` and friends, for tests.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_page_keeps_every_filter() {
        let query = AuditRead {
            all: false,
            by: Some("vera".into()),
            on: Some("4B".into()),
            since: Some("this week".into()),
            count: 10,
            page: 1,
            before: None,
        };
        assert_eq!(
            next_page(&query, Some(42)).canonical(),
            "audit 10 by vera on 4B since this week page 2 before 42"
        );
        assert_eq!(
            short_time("2026-12-01T10:02:03.000Z"),
            "2026-12-01 10:02 UTC"
        );
    }
}
