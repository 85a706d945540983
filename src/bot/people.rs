//! Who a person is, for access: their role from settings, and (when the policy needs it) whether
//! they belong to the bot's organisation and which granting spaces (`access.spaces`) they are
//! in; each looked up once and cached (people for `bot.cache_ttl_secs`, a space's member list
//! for `access.space_grant_ttl_secs`, so a removed member loses the role after at most that).

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::access::{AccessPolicy, Membership};
use crate::request::Actor;
use crate::webex::{OrgId, PersonId, RoomId, WebexClient};

/// Most pages of a granting space's member list read.
const MEMBER_PAGES: usize = 50;

/// How long a granting space whose members could not be read counts as having none before it
/// is asked again.
const FAILED_LOOKUP_TTL: Duration = Duration::from_secs(60);

/// A cache of people lookups, keyed by person id.
pub struct PeopleCache {
    access: AccessPolicy,
    org_id: Option<OrgId>,
    ttl: Duration,
    known: Mutex<HashMap<PersonId, Known>>,
    /// How long a space's member list is trusted.
    space_ttl: Duration,
    /// Each granting space's members, and until when they are trusted.
    members: Mutex<HashMap<String, (Instant, HashSet<PersonId>)>>,
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
            space_ttl: ttl,
            members: Mutex::new(HashMap::new()),
        }
    }

    /// Sets how long a granting space's member list is trusted.
    pub fn space_ttl(mut self, ttl: Duration) -> Self {
        self.space_ttl = ttl;
        self
    }

    /// The actor for `person_id`. `email` comes with messages; card clicks carry only the id, so
    /// the person is looked up then (and when the policy needs their organisation).
    pub async fn actor(
        &self,
        webex: &WebexClient,
        person_id: &PersonId,
        email: Option<String>,
    ) -> Actor {
        if let Some(email) = email.as_deref()
            && let Some(role) = self.access.listed_role(email)
        {
            return Actor {
                person_id: person_id.clone(),
                email: email.to_owned(),
                role,
                outside_org: false,
            };
        }
        let wants_org = email
            .as_deref()
            .is_none_or(|e| self.access.needs_membership(e));
        let known = match (wants_org, self.cached(person_id)) {
            (false, _) => None,
            (true, Some(known)) => Some(known),
            (true, None) => self.look_up(webex, person_id).await,
        };
        let email = email
            .or_else(|| known.as_ref().map(|k| k.email.clone()))
            .unwrap_or_default();
        let membership = self.membership(known.as_ref());
        let spaces = self.granting_spaces(webex, person_id).await;
        let spaces: Vec<&str> = spaces.iter().map(String::as_str).collect();
        Actor {
            person_id: person_id.clone(),
            role: self.access.role_in(&email, membership, &spaces),
            email,
            outside_org: membership == Membership::OtherOrg,
        }
    }

    fn membership(&self, known: Option<&Known>) -> Membership {
        match (known.and_then(|k| k.org_id.as_ref()), &self.org_id) {
            (Some(theirs), Some(ours)) if theirs == ours => Membership::SameOrg,
            (Some(_), Some(_)) => Membership::OtherOrg,
            _ => Membership::Unknown,
        }
    }

    /// The granting spaces (`access.spaces`) `person_id` is a member of.
    async fn granting_spaces(&self, webex: &WebexClient, person_id: &PersonId) -> Vec<String> {
        let mut found = Vec::new();
        for grant in self.access.space_grants() {
            if self.members_of(webex, &grant.key).await.contains(person_id) {
                found.push(grant.key.clone());
            }
        }
        found
    }

    /// The members of `room`, from the cache while fresh. A failed lookup counts as nobody,
    /// and is remembered for [`FAILED_LOOKUP_TTL`] at most (not asked again for every command).
    async fn members_of(&self, webex: &WebexClient, room: &str) -> HashSet<PersonId> {
        {
            let members = self.members.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((until, set)) = members.get(room)
                && Instant::now() < *until
            {
                return set.clone();
            }
        }
        let listing = webex.list_memberships(&RoomId::new(room), None);
        let (set, ttl) = match listing.list_all(MEMBER_PAGES).await {
            Ok(list) => (
                list.into_iter().filter_map(|m| m.person_id).collect(),
                self.space_ttl,
            ),
            Err(error) => {
                tracing::warn!(%error, room, "cannot read a granting space's members; none granted");
                (HashSet::new(), self.space_ttl.min(FAILED_LOOKUP_TTL))
            }
        };
        let mut members = self.members.lock().unwrap_or_else(|p| p.into_inner());
        // A TTL too large for the clock is a day's, asked again then.
        let until = Instant::now()
            .checked_add(ttl)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(86_400));
        members.insert(room.to_owned(), (until, set.clone()));
        set
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
