//! The sandbox's shared state: the fixed people directory, the messaging store behind one mutex,
//! the request log, the fault injector, and a version counter that wakes waiters whenever
//! anything changes. No lock is ever held across an `.await`.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::watch;

use super::access::Access;
use super::caller::{Caller, TokenKind};
use super::demo_people::{self, DEMO_CREATED, DemoPerson, OPS_ROOM_TITLE};
use super::faults::{FaultOptions, Faults};
use super::model::{AttachmentAction, Delivery, Room, RoomType, StoredMessage, Webhook};
use super::oauth::OAuthOptions;
use super::oauth::store::{Authorized, Subject, TokenStore, Validity};
use super::org::OrgState;
use super::request_log::{LogSink, LoggedRequest, TokenInfo};

/// Behaviour switches that are not faults.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Page size when a list request has no `max`.
    pub default_page_size: usize,
    /// Let `PUT /messages/{id}` edit messages that carry a card (the docs say 400).
    pub allow_card_edits: bool,
    /// How long one webhook delivery may take before it counts as failed.
    pub delivery_timeout: Duration,
    /// Whether Webex's authorization is enforced.
    pub access: Access,
    /// Lifetimes of OAuth tokens.
    pub oauth: OAuthOptions,
}

/// A webhook and the times of its recent failed deliveries.
#[derive(Debug, Clone)]
pub struct WebhookRecord {
    pub webhook: Webhook,
    pub failures: VecDeque<tokio::time::Instant>,
}

/// Everything the messaging API creates.
#[derive(Debug, Default)]
pub struct Store {
    pub rooms: Vec<Room>,
    pub messages: Vec<StoredMessage>,
    pub actions: Vec<AttachmentAction>,
    pub webhooks: Vec<WebhookRecord>,
    pub deliveries: Vec<Delivery>,
    pub next_seq: u64,
}

impl Store {
    /// The room with `id`.
    pub fn room(&self, id: &str) -> Option<&Room> {
        self.rooms.iter().find(|r| r.id == id)
    }

    /// The stored message with `id`.
    pub fn message(&self, id: &str) -> Option<&StoredMessage> {
        self.messages.iter().find(|m| m.message.id == id)
    }
}

/// State shared by every route, middleware and the handle.
pub struct Shared {
    /// The fixed identities, the bot first.
    pub people: Vec<DemoPerson>,
    /// Scheme, host and port the sandbox listens on (`http://127.0.0.1:PORT`).
    pub origin: String,
    pub settings: Settings,
    pub store: Mutex<Store>,
    pub log: Mutex<Vec<LoggedRequest>>,
    pub faults: Arc<Mutex<Faults>>,
    pub org: Arc<OrgState>,
    /// OAuth clients and the tokens issued to them.
    pub tokens: Mutex<TokenStore>,
    /// HTTP client for webhook deliveries.
    pub client: reqwest::Client,
    /// The websocket side: registrations, sockets, acks, faults, revoked tokens.
    pub mercury: super::mercury::Mercury,
    /// Webhook deliveries dispatched but not finished yet.
    pending_deliveries: AtomicUsize,
    version: watch::Sender<u64>,
}

impl Shared {
    /// Builds the state with the demo rooms in place.
    pub fn new(
        origin: String,
        settings: Settings,
        faults: FaultOptions,
        org: Arc<OrgState>,
    ) -> Self {
        let people = demo_people::demo_people();
        let store = Store {
            rooms: demo_rooms(&people),
            ..Store::default()
        };
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(settings.delivery_timeout)
            .build()
            .unwrap_or_default();
        Self {
            people,
            origin,
            tokens: Mutex::new(TokenStore::new(settings.oauth)),
            settings,
            store: Mutex::new(store),
            log: Mutex::new(Vec::new()),
            faults: Arc::new(Mutex::new(Faults::new(faults))),
            org,
            client,
            mercury: super::mercury::Mercury::default(),
            pending_deliveries: AtomicUsize::new(0),
            version: watch::Sender::new(0),
        }
    }

    /// Locks the OAuth token store.
    pub fn tokens(&self) -> MutexGuard<'_, TokenStore> {
        self.tokens.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Locks the store (a poisoned lock still holds consistent data: every change is one push).
    pub fn store(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Wakes everyone waiting for a change.
    pub fn changed(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    /// A receiver that sees every later change.
    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.version.subscribe()
    }

    /// Counts a delivery as started.
    pub fn delivery_started(&self) {
        self.pending_deliveries.fetch_add(1, Ordering::SeqCst);
    }

    /// Counts a delivery as finished and wakes waiters.
    pub fn delivery_finished(&self) {
        self.pending_deliveries.fetch_sub(1, Ordering::SeqCst);
        self.changed();
    }

    /// Deliveries dispatched but not finished.
    pub fn pending_deliveries(&self) -> usize {
        self.pending_deliveries.load(Ordering::SeqCst)
    }

    /// The bot.
    pub fn bot(&self) -> &DemoPerson {
        &self.people[0]
    }

    /// The person with REST id `id`.
    pub fn person(&self, id: &str) -> Option<&DemoPerson> {
        self.people.iter().find(|p| p.id == id)
    }

    /// The person with `email` (case-insensitive).
    pub fn person_by_email(&self, email: &str) -> Option<&DemoPerson> {
        self.people
            .iter()
            .find(|p| p.email.eq_ignore_ascii_case(email))
    }

    /// The identity behind a bearer token that may be used now.
    pub fn caller_for_token(&self, token: &str) -> Option<Caller> {
        self.check_token(token)
            .filter(|(_, validity)| *validity == Validity::Valid)
            .map(|(caller, _)| caller)
    }

    /// The identity behind a bearer token, valid or not (expired and revoked OAuth tokens
    /// still name who they were issued to); `None` for an unknown token.
    pub fn check_token(&self, token: &str) -> Option<(Caller, Validity)> {
        let enforced = self.settings.access == Access::Enforced;
        if self.mercury.is_revoked(token) {
            return None;
        }
        if let Some(person) = self.people.iter().find(|p| p.token == token) {
            let kind = match (person.is_bot(), person.is_org_admin()) {
                (true, _) => TokenKind::Bot,
                (false, true) => TokenKind::Admin,
                (false, false) => TokenKind::User,
            };
            let caller = Caller {
                display_name: person.display_name.clone(),
                admin: person.is_org_admin(),
                enforced,
                ..Caller::permissive(&person.id, &person.email, &person.org_id, kind)
            };
            return Some((caller, Validity::Valid));
        }
        let (authorized, validity) = self.tokens().lookup(token, tokio::time::Instant::now())?;
        let caller = self.oauth_caller(authorized, enforced)?;
        Some((caller, validity))
    }

    fn oauth_caller(&self, authorized: Authorized, enforced: bool) -> Option<Caller> {
        let caller = match &authorized.subject {
            Subject::Person(id) => {
                let person = self.person(id)?;
                Caller {
                    display_name: person.display_name.clone(),
                    admin: person.is_org_admin(),
                    ..Caller::permissive(
                        &person.id,
                        &person.email,
                        &person.org_id,
                        TokenKind::Integration,
                    )
                }
            }
            Subject::ServiceApp(id) => {
                let tokens = self.tokens();
                let app = tokens.service_app(id)?;
                Caller {
                    display_name: app.name.clone(),
                    ..Caller::permissive(
                        &app.person_id,
                        &app.email,
                        &app.org_id,
                        TokenKind::ServiceApp,
                    )
                }
            }
        };
        Some(Caller {
            scopes: Some(authorized.scopes),
            client_id: Some(authorized.client_id),
            enforced,
            ..caller
        })
    }
}

/// The fixed rooms: each person's 1:1 room with the bot, and "Ops Barcelona" with everyone.
fn demo_rooms(people: &[DemoPerson]) -> Vec<Room> {
    let bot = &people[0];
    let mut rooms: Vec<Room> = people
        .iter()
        .filter_map(|p| {
            let id = p.direct_room_id.clone()?;
            Some(Room {
                id,
                room_type: RoomType::Direct,
                title: None,
                members: vec![p.id.clone(), bot.id.clone()],
                creator_id: p.id.clone(),
                created: DEMO_CREATED.to_owned(),
                last_activity: DEMO_CREATED.to_owned(),
                joined: Default::default(),
            })
        })
        .collect();
    rooms.push(Room {
        id: demo_people::ops_room_id(),
        room_type: RoomType::Group,
        title: Some(OPS_ROOM_TITLE.to_owned()),
        members: people.iter().map(|p| p.id.clone()).collect(),
        creator_id: people[1].id.clone(),
        created: DEMO_CREATED.to_owned(),
        last_activity: DEMO_CREATED.to_owned(),
        joined: Default::default(),
    });
    rooms
}

impl LogSink for Shared {
    fn token_info(&self, headers: &axum::http::HeaderMap) -> Option<TokenInfo> {
        let (caller, _) = super::auth::bearer_token(headers).and_then(|t| self.check_token(t))?;
        Some(TokenInfo {
            kind: caller.kind,
            email: caller.email,
            client_id: caller.client_id,
        })
    }

    fn record(&self, entry: LoggedRequest) {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
        self.changed();
    }
}
