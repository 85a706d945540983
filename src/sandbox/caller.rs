//! Who is calling the sandbox: the identity behind a bearer token. The auth middleware inserts a
//! [`Caller`] into every authenticated request's extensions; routes read it with
//! `axum::Extension<Caller>`.

/// The authenticated identity of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The person's (or bot's) REST id.
    pub person_id: String,
    /// Primary email.
    pub email: String,
    /// Display name, e.g. "Roombot Demo".
    pub display_name: String,
    /// The caller's organisation id.
    pub org_id: String,
    /// True for the bot's own token.
    pub is_bot: bool,
}
