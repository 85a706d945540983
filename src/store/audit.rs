//! The audit trail: one row per command or click, refused ones included, as the plan plus its
//! outcome ([`AuditEntry`]). Behind the [`AuditLog`] interface so another backend (PostgreSQL,
//! for several replicas) can serve the same queries; the SQLite store implements it here.
//! Rows are kept for `store.keep_audit_days` and pruned with the other tables.

use std::future::Future;
use std::pin::Pin;

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::{Store, StoreError};
use crate::webex::{PersonId, RoomId};

/// One audited command or click.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Its number in the trail (0 until stored).
    #[serde(default)]
    pub seq: i64,
    /// When it was handled, Unix milliseconds.
    pub at_ms: i64,
    /// The same instant, RFC 3339 (for people and SIEMs).
    pub time: String,
    pub person_id: PersonId,
    pub email: String,
    /// The person's role then (`viewer`, `operator`, `admin`, `no role`).
    pub role: String,
    /// The space it came from.
    pub room_id: RoomId,
    pub group: bool,
    /// The command as understood (canonical text), or what was typed when it did not parse.
    pub text: String,
    /// Run from a Confirm click.
    pub confirmed: bool,
    /// The plan's action (`xapi`, `config_change`, …; empty without a plan).
    pub action: String,
    /// The least role the plan needed (empty without a plan).
    pub role_needed: String,
    /// How it ended: `done`, `read`, `refused`, `rejected`, `failed`, `limited`, ….
    pub result: String,
    /// One line of detail (the refusal, the error).
    pub detail: String,
    /// The target as written (`room 4B`).
    pub label: String,
    /// Names acted on or asked about.
    pub targets: Vec<String>,
    /// The workspaces of the devices it reached.
    pub workspaces: Vec<String>,
    /// The result of each call on a device.
    pub devices: Vec<DeviceResult>,
    /// trackingIds of failed Webex calls.
    pub tracking_ids: Vec<String>,
    /// Whose credential the calls used (`bot`, `admin`, `local`), each once.
    pub credentials: Vec<String>,
}

/// How one device's call ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceResult {
    pub device: String,
    pub workspace: String,
    /// `done`, `refused`, `failed`, or `skipped: <why>`.
    pub result: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub tracking_id: String,
}

/// Which records to read, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    /// Only this space's records (`None`: every space).
    pub room: Option<RoomId>,
    /// Only people whose email starts with this (case-insensitive), e.g. `vera`.
    pub by: Option<String>,
    /// Only records whose target, a device or a workspace is this name (case-insensitive).
    pub on: Option<String>,
    /// Only records at or after this instant (Unix ms).
    pub since_ms: Option<i64>,
    /// Only records numbered below this (so later records do not shift the pages).
    pub before_seq: Option<i64>,
    /// Records to skip (paging).
    pub offset: usize,
    /// Most records returned.
    pub limit: usize,
}

/// A boxed future, so the interface stays object-safe.
pub type AuditFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Where audit records go and how they are read back: the seam for another backend.
pub trait AuditLog: Send + Sync {
    /// Appends `entry`; returns its number.
    fn append_audit(&self, entry: AuditEntry) -> AuditFuture<'_, i64>;
    /// The records matching `query`, newest first, at most `query.limit` (and whether more
    /// match beyond them).
    fn query_audit(&self, query: AuditQuery) -> AuditFuture<'_, (Vec<AuditEntry>, bool)>;
    /// Deletes records older than `before_ms`; returns how many went.
    fn prune_audit(&self, before_ms: i64) -> AuditFuture<'_, usize>;
}

const INSERT: &str = "INSERT INTO audit (at_ms, person_id, email, room_id, record)
    VALUES (?1, ?2, ?3, ?4, ?5)";

/// The query: every filter is optional (a NULL parameter lets every row through).
const SELECT: &str = "SELECT seq, record FROM audit
    WHERE (?1 IS NULL OR room_id = ?1)
      AND (?2 IS NULL OR lower(email) LIKE ?2 ESCAPE '\\')
      AND (?3 IS NULL OR at_ms >= ?3)
      AND (?4 IS NULL OR EXISTS (
            SELECT 1 FROM json_each(record, '$.targets') WHERE lower(value) = ?4
            UNION ALL SELECT 1 FROM json_each(record, '$.workspaces') WHERE lower(value) = ?4
            UNION ALL SELECT 1 FROM json_each(record, '$.devices') WHERE lower(json_extract(value, '$.device')) = ?4)
          OR lower(json_extract(record, '$.label')) = ?4
          OR lower(json_extract(record, '$.label')) LIKE '% ' || ?8 ESCAPE '\\'
          OR lower(json_extract(record, '$.label')) LIKE '% \"' || ?8 || '\"' ESCAPE '\\')
      AND (?7 IS NULL OR seq < ?7)
    ORDER BY seq DESC LIMIT ?5 OFFSET ?6";

/// Audit rows deleted per write when pruning.
const PRUNE: &str = "DELETE FROM audit WHERE seq IN
    (SELECT seq FROM audit WHERE at_ms < ?1 ORDER BY seq LIMIT 2000)";

impl AuditLog for Store {
    fn append_audit(&self, entry: AuditEntry) -> AuditFuture<'_, i64> {
        Box::pin(async move {
            let record = serde_json::to_string(&entry).unwrap_or_default();
            self.write(move |conn| {
                conn.prepare_cached(INSERT)?.execute(params![
                    entry.at_ms,
                    entry.person_id.as_str(),
                    entry.email,
                    entry.room_id.as_str(),
                    record
                ])?;
                Ok(conn.last_insert_rowid())
            })
            .await
        })
    }

    fn query_audit(&self, query: AuditQuery) -> AuditFuture<'_, (Vec<AuditEntry>, bool)> {
        Box::pin(async move { self.read(move |conn| select(conn, &query)).await })
    }

    fn prune_audit(&self, before_ms: i64) -> AuditFuture<'_, usize> {
        Box::pin(async move {
            let mut total = 0;
            loop {
                let deleted = self
                    .write(move |conn| conn.prepare_cached(PRUNE)?.execute(params![before_ms]))
                    .await?;
                total += deleted;
                if deleted < 2000 {
                    return Ok(total);
                }
            }
        })
    }
}

/// Runs `query` (one row more than asked, to know whether more match).
fn select(conn: &Connection, query: &AuditQuery) -> rusqlite::Result<(Vec<AuditEntry>, bool)> {
    let by = query
        .by
        .as_ref()
        .map(|b| format!("{}%", like_escape(&b.trim().to_lowercase())));
    let on = query.on.as_ref().map(|o| o.trim().to_lowercase());
    let mut statement = conn.prepare_cached(SELECT)?;
    let rows = statement.query_map(
        params![
            query.room.as_ref().map(RoomId::as_str),
            by,
            query.since_ms,
            on,
            query.limit as i64 + 1,
            query.offset as i64,
            query.before_seq,
            on.as_deref().map(like_escape)
        ],
        |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)),
    )?;
    let mut entries = Vec::new();
    for row in rows {
        let (seq, record) = row?;
        match serde_json::from_str::<AuditEntry>(&record) {
            Ok(entry) => entries.push(AuditEntry { seq, ..entry }),
            Err(error) => tracing::warn!(seq, %error, "an audit record does not decode; skipped"),
        }
    }
    let more = entries.len() > query.limit;
    entries.truncate(query.limit);
    Ok((entries, more))
}

/// `text` with LIKE's wildcards escaped.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(email: &str, room: &str, at_ms: i64, workspace: &str) -> AuditEntry {
        AuditEntry {
            seq: 0,
            at_ms,
            time: String::new(),
            person_id: PersonId::new("P"),
            email: email.into(),
            role: "operator".into(),
            room_id: RoomId::new(room),
            group: false,
            text: format!("mute {workspace}"),
            confirmed: false,
            action: "xapi".into(),
            role_needed: "operator".into(),
            result: "done".into(),
            detail: String::new(),
            label: workspace.into(),
            targets: vec![format!("{workspace} Room Kit")],
            workspaces: vec![workspace.into()],
            devices: vec![],
            tracking_ids: vec![],
            credentials: vec!["bot".into()],
        }
    }

    #[tokio::test]
    async fn queries_filter_by_space_person_target_and_time_newest_first() {
        let store = Store::in_memory().unwrap();
        for e in [
            entry("vera@example.com", "R1", 1_000, "4B"),
            entry("oscar@example.com", "R1", 2_000, "14B"),
            entry("oscar@example.com", "R2", 3_000, "4B"),
            entry("v_ra@example.com", "R2", 4_000, "Lobby"),
        ] {
            store.append_audit(e).await.unwrap();
        }
        let texts = |q: AuditQuery| {
            let store = store.clone();
            async move {
                let (rows, more) = store.query_audit(q).await.unwrap();
                (
                    rows.iter()
                        .map(|r| format!("{} {}", r.email, r.text))
                        .collect::<Vec<_>>(),
                    more,
                )
            }
        };
        let all = AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        };
        let (rows, more) = texts(all.clone()).await;
        assert_eq!(rows.len(), 4);
        assert!(!more);
        assert!(rows[0].ends_with("Lobby"), "{rows:?}");
        let on_4b = AuditQuery {
            on: Some("4b".into()),
            ..all.clone()
        };
        assert_eq!(
            texts(on_4b.clone()).await.0,
            ["oscar@example.com mute 4B", "vera@example.com mute 4B"]
        );
        let by_v = AuditQuery {
            by: Some("V_".into()),
            ..all.clone()
        };
        // `_` is literal, not LIKE's any-character.
        assert_eq!(texts(by_v).await.0, ["v_ra@example.com mute Lobby"]);
        let here_since = AuditQuery {
            room: Some(RoomId::new("R1")),
            since_ms: Some(1_500),
            ..all.clone()
        };
        assert_eq!(texts(here_since).await.0, ["oscar@example.com mute 14B"]);
        let paged = AuditQuery { limit: 1, ..on_4b };
        assert!(texts(paged.clone()).await.1);
        let second = AuditQuery { offset: 1, ..paged };
        assert_eq!(
            texts(second).await,
            (vec!["vera@example.com mute 4B".to_owned()], false)
        );
        assert_eq!(store.prune_audit(2_500).await.unwrap(), 2);
        assert_eq!(texts(all).await.0.len(), 2);
    }
}
