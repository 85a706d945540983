//! `roombot audit`: the store's audit trail for a SIEM or a terminal. The same records `audit`
//! shows in chat, oldest first: one JSON document per line with `--json`, else one line each.

use std::io::Write;
use std::process::ExitCode;

use crate::command::Since;
use crate::settings::Settings;
use crate::store::{AuditEntry, AuditLog, AuditQuery, Store};
use crate::webex::RoomId;

/// Records read per query page.
const PAGE: usize = 1000;

/// The filters of `roombot audit`.
#[derive(Debug, clap::Args)]
pub struct AuditArgs {
    /// Only records since: today, yesterday, "this week", 7d, 12h or a date (2026-11-30).
    #[arg(long)]
    since: Option<String>,
    /// Only records of people whose email starts with this.
    #[arg(long)]
    by: Option<String>,
    /// Only records on this workspace or device.
    #[arg(long)]
    on: Option<String>,
    /// Only records of this space (room id).
    #[arg(long)]
    room: Option<String>,
    /// At most this many records (the newest).
    #[arg(long, default_value_t = 10_000)]
    limit: usize,
    /// One JSON document per line.
    #[arg(long)]
    json: bool,
}

/// Prints the records `args` asks for from the store in `settings`.
pub async fn audit(settings: &Settings, args: AuditArgs) -> ExitCode {
    let since_ms = match args.since.as_deref().map(since_ms) {
        None => None,
        Some(Some(ms)) => Some(ms),
        Some(None) => {
            eprintln!(
                "--since: say today, yesterday, \"this week\", 7d, 12h or a date like 2026-11-30"
            );
            return ExitCode::from(2);
        }
    };
    let store = match Store::open(&settings.store.path) {
        Ok(store) => store,
        Err(error) => {
            eprintln!(
                "cannot open the store {}: {error}",
                settings.store.path.display()
            );
            return ExitCode::FAILURE;
        }
    };
    let query = AuditQuery {
        room: args.room.map(RoomId::new),
        by: args.by,
        on: args.on,
        since_ms,
        before_seq: None,
        offset: 0,
        limit: PAGE,
    };
    match read_all(&store, query, args.limit).await {
        Ok(mut entries) => {
            entries.reverse();
            print(&entries, args.json)
        }
        Err(error) => {
            eprintln!("cannot read the audit trail: {error}");
            ExitCode::FAILURE
        }
    }
}

/// When `--since` `text` starts, Unix ms (`None`: it does not read).
fn since_ms(text: &str) -> Option<i64> {
    let words: Vec<&str> = text.split_whitespace().collect();
    Since::parse(&words).map(|since| since.start(chrono::Utc::now()).timestamp_millis())
}

/// Every matching record up to `limit`, newest first.
async fn read_all(
    store: &Store,
    mut query: AuditQuery,
    limit: usize,
) -> Result<Vec<AuditEntry>, crate::store::StoreError> {
    let mut all = Vec::new();
    loop {
        query.limit = PAGE.min(limit - all.len());
        let (page, more) = store.query_audit(query.clone()).await?;
        // Later pages hold still while the bot keeps writing: below the first page's newest.
        if query.before_seq.is_none() {
            query.before_seq = page.iter().map(|e| e.seq + 1).max();
        }
        query.offset += page.len();
        all.extend(page);
        if !more || all.len() >= limit {
            return Ok(all);
        }
    }
}

fn print(entries: &[AuditEntry], json: bool) -> ExitCode {
    let mut out = std::io::stdout().lock();
    for entry in entries {
        let line = match json {
            true => serde_json::to_string(entry).unwrap_or_default(),
            false => format!(
                "{} {} ({}) {:?} {} {}",
                entry.time, entry.email, entry.role, entry.text, entry.result, entry.detail
            ),
        };
        // A closed stdout (`| head`) ends the listing quietly.
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}
