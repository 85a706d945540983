//! Who a person is, for access: their role from settings, and (when the policy needs it) whether
//! they belong to the bot's organisation, looked up once and cached.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::access::{AccessPolicy, Membership};
use crate::request::Actor;
use crate::webex::{OrgId, PersonId, WebexClient};

/// A cache of people lookups, keyed by person id.
pub struct PeopleCache {
    access: AccessPolicy,
    org_id: Option<OrgId>,
    ttl: Duration,
    known: Mutex<HashMap<PersonId, Known>>,
}

#[derive(Clone)]
struct Known {
    email: String,
    org_id: Option<OrgId>,
    at: Instant,
}

impl PeopleCache {
    /// A cache deciding roles with `access`; `org_id` is the bot's organisation.
    pub fn new(access: AccessPolicy, org_id: Option<OrgId>, ttl: Duration) -> Self {
        Self {
            access,
            org_id,
            ttl,
            known: Mutex::new(HashMap::new()),
        }
    }

    /// The actor for `person_id`. `email` comes with messages; card clicks carry only the id, so
    /// the person is looked up then (and when the policy needs their organisation).
    pub async fn actor(
        &self,
        webex: &WebexClient,
        person_id: &PersonId,
        email: Option<String>,
    ) -> Actor {
        if let Some(email) = email
            .as_deref()
            .filter(|e| !self.access.needs_membership(e))
        {
            let role = self.access.role(email, Membership::Unknown);
            return Actor {
                person_id: person_id.clone(),
                email: email.to_owned(),
                role,
            };
        }
        let known = match self.cached(person_id) {
            Some(known) => Some(known),
            None => self.look_up(webex, person_id).await,
        };
        let email = email
            .or_else(|| known.as_ref().map(|k| k.email.clone()))
            .unwrap_or_default();
        let membership = match (&known, &self.org_id) {
            (
                Some(Known {
                    org_id: Some(theirs),
                    ..
                }),
                Some(ours),
            ) if theirs == ours => Membership::SameOrg,
            (
                Some(Known {
                    org_id: Some(_), ..
                }),
                Some(_),
            ) => Membership::OtherOrg,
            _ => Membership::Unknown,
        };
        let role = self.access.role(&email, membership);
        Actor {
            person_id: person_id.clone(),
            email,
            role,
        }
    }

    fn cached(&self, person_id: &PersonId) -> Option<Known> {
        let known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        known
            .get(person_id)
            .filter(|k| k.at.elapsed() < self.ttl)
            .cloned()
    }

    async fn look_up(&self, webex: &WebexClient, person_id: &PersonId) -> Option<Known> {
        match webex.get_person(person_id).await {
            Ok(person) => {
                let known = Known {
                    email: person
                        .emails
                        .and_then(|e| e.into_iter().next())
                        .unwrap_or_default(),
                    org_id: person.org_id,
                    at: Instant::now(),
                };
                let mut cache = self.known.lock().unwrap_or_else(|p| p.into_inner());
                cache.insert(person_id.clone(), known.clone());
                Some(known)
            }
            Err(error) => {
                tracing::warn!(%error, person = %person_id, "person lookup failed; treating as unknown");
                None
            }
        }
    }
}
