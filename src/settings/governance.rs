//! The governance part of `[access]`: grants by email domain and by space membership, who to
//! ask for a role, what to do in spaces people of other organisations add the bot to, and the
//! rate limits. Validated here so `settings.rs` only wires them in.

use std::time::Duration;

use super::SettingsError;
use super::raw::RawAccess;

/// A role as settings name it (the `access` module maps it to its own `Role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum GrantRole {
    Viewer,
    Operator,
    Admin,
}

impl GrantRole {
    /// Parses `viewer`, `operator` or `admin` (any case).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.trim().to_lowercase().as_str() {
            "viewer" => Some(Self::Viewer),
            "operator" => Some(Self::Operator),
            "admin" => Some(Self::Admin),
            _ => None,
        }
    }
}

/// One grant: everyone matching `key` (a lower-cased `@domain`, or a space's room id) gets
/// `role`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub key: String,
    pub role: GrantRole,
}

/// What to do when someone outside the bot's organisation adds it to a space.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForeignSpaces {
    /// Leave the space with a note.
    Leave,
    /// Stay (commands there still follow roles).
    Stay,
}

/// The validated governance settings of `[access]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Governance {
    /// `access.domains`: `@example.com=operator, …`.
    pub domains: Vec<Grant>,
    /// `access.spaces`: `<room id>=operator, …` (members of the space get the role).
    pub spaces: Vec<Grant>,
    /// How long a space's member list is trusted before it is read again.
    pub space_grant_ttl: Duration,
    /// Who to ask for a role (shown in refusals); empty: the configured admins.
    pub contact: String,
    pub foreign_spaces: ForeignSpaces,
    /// Commands per minute per person; 0: no limit.
    pub rate_per_person: u32,
    /// Commands per minute per space; 0: no limit.
    pub rate_per_space: u32,
}

impl Governance {
    /// Validates the governance keys of `raw`.
    pub(super) fn from_raw(raw: &RawAccess) -> Result<Self, SettingsError> {
        let foreign_spaces = match raw.foreign_spaces.trim().to_lowercase().as_str() {
            "leave" => ForeignSpaces::Leave,
            "stay" => ForeignSpaces::Stay,
            other => {
                let problem = format!("{other:?} is not one of \"leave\", \"stay\"");
                return Err(SettingsError::invalid("access.foreign_spaces", problem));
            }
        };
        let domains = grants("access.domains", &raw.domains)?;
        if let Some(bad) = domains.iter().find(|g| !g.key.starts_with('@')) {
            let problem = format!("{:?} is not a domain like @example.com", bad.key);
            return Err(SettingsError::invalid("access.domains", problem));
        }
        Ok(Self {
            domains,
            spaces: grants("access.spaces", &raw.spaces)?,
            space_grant_ttl: Duration::from_secs(raw.space_grant_ttl_secs),
            contact: raw.contact.trim().to_owned(),
            foreign_spaces,
            rate_per_person: raw.rate_per_person,
            rate_per_space: raw.rate_per_space,
        })
    }
}

/// Parses `key=role, key=role` (keys of domains lower-cased; room ids kept as written).
fn grants(setting: &str, text: &str) -> Result<Vec<Grant>, SettingsError> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (key, role) = item.rsplit_once('=').ok_or_else(|| {
                SettingsError::invalid(setting, format!("{item:?} is not like KEY=ROLE"))
            })?;
            let role = GrantRole::from_name(role).ok_or_else(|| {
                let problem = format!("{:?} is not viewer, operator or admin", role.trim());
                SettingsError::invalid(setting, problem)
            })?;
            let key = key.trim();
            let key = match key.starts_with('@') || setting == "access.domains" {
                true => key.to_lowercase(),
                false => key.to_owned(),
            };
            Ok(Grant { key, role })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_parse_and_bad_ones_name_the_setting() {
        let parsed = grants("access.domains", " @Example.com=Operator, @b.org = viewer ").unwrap();
        assert_eq!(
            parsed,
            [
                Grant {
                    key: "@example.com".into(),
                    role: GrantRole::Operator
                },
                Grant {
                    key: "@b.org".into(),
                    role: GrantRole::Viewer
                }
            ]
        );
        let rooms = grants("access.spaces", "Y2lzY29zcGFyazovL3Vz=admin").unwrap();
        assert_eq!(rooms[0].key, "Y2lzY29zcGFyazovL3Vz");
        let error = grants("access.spaces", "R1=owner").unwrap_err().to_string();
        assert!(
            error.contains("access.spaces") && error.contains("owner"),
            "{error}"
        );
        assert!(grants("access.domains", "@x.com").is_err());
    }
}
