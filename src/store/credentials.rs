//! Credentials roombot must keep between runs: the admin credential's refresh token, which
//! Webex rotates at every refresh (the old one stops working). Each is kept with a fingerprint
//! of the configured value it came from, so a changed setting wins over the kept token.

use rusqlite::{OptionalExtension, params};
use secrecy::{ExposeSecret, SecretString};

use super::{Store, StoreError, now_secs};

/// A kept secret and the fingerprint of the setting it descends from ("" when it came from
/// `roombot auth login` rather than a setting).
#[derive(Clone)]
pub struct KeptSecret {
    pub secret: SecretString,
    pub setting_fingerprint: String,
}

impl std::fmt::Debug for KeptSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeptSecret")
            .field("secret", &"[REDACTED]")
            .field("setting_fingerprint", &self.setting_fingerprint)
            .finish()
    }
}

impl Store {
    /// The secret kept under `name`, if any.
    pub async fn kept_secret(&self, name: &str) -> Result<Option<KeptSecret>, StoreError> {
        let name = name.to_owned();
        self.read(move |conn| {
            conn.query_row(
                "SELECT secret, setting_fingerprint FROM credentials WHERE name = ?1",
                params![&name],
                |row| {
                    Ok(KeptSecret {
                        secret: SecretString::from(row.get::<_, String>(0)?),
                        setting_fingerprint: row.get(1)?,
                    })
                },
            )
            .optional()
        })
        .await
    }

    /// Keeps `kept` under `name`, replacing what was there.
    pub async fn keep_secret(&self, name: &str, kept: KeptSecret) -> Result<(), StoreError> {
        let name = name.to_owned();
        self.write(move |conn| {
            conn.execute(
                "INSERT OR REPLACE INTO credentials (name, secret, setting_fingerprint, updated_at)
                 VALUES (?1, ?2, ?3, ?4)",
                params![
                    &name,
                    kept.secret.expose_secret(),
                    &kept.setting_fingerprint,
                    now_secs()
                ],
            )
            .map(|_| ())
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_kept_secret_is_replaced_and_read_back() {
        let store = Store::in_memory().unwrap();
        assert!(store.kept_secret("admin").await.unwrap().is_none());
        for token in ["r1", "r2"] {
            let kept = KeptSecret {
                secret: SecretString::from(token),
                setting_fingerprint: "fp".into(),
            };
            store.keep_secret("admin", kept).await.unwrap();
        }
        let kept = store.kept_secret("admin").await.unwrap().unwrap();
        assert_eq!(kept.secret.expose_secret(), "r2");
        assert!(!format!("{kept:?}").contains("r2"));
    }
}
