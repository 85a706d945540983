//! The bot's arrival in a space and its departure. Added to a group space by someone of its
//! organisation, it introduces itself there once (what it does, how to mention it, who may do
//! what here; a redelivered event is a duplicate for intake, and a retried one finds the
//! introduction already posted). Added by someone of another organisation, it leaves with a
//! note (`access.foreign_spaces = "leave"`) or stays quietly. Removed, it forgets the space:
//! its default target, its scope and its pending confirmations.

use std::time::Instant;

use crate::request::{Input, Place, Reply, Request};
use crate::store::Ticket;
use crate::webex::{MembershipId, PersonId, RoomId, WebexError};
use crate::webhook::envelope::Envelope;

use super::Bot;

/// What the bot says before leaving a space it was added to from outside its organisation.
const FOREIGN_NOTE: &str = "Hello! I serve one organisation's meeting rooms, and whoever added \
                            me here is outside it, so I am leaving this space. Ask someone of \
                            that organisation to add me if you need me here.";

impl Bot {
    /// `memberships/created` about the bot.
    pub(super) async fn on_arrival(
        &self,
        event: &Envelope,
        ticket: Option<Ticket>,
        started: Instant,
    ) -> Result<(), WebexError> {
        let (Some(room), Some(adder)) = (event.data.room_id.clone(), event.actor_id.clone()) else {
            tracing::warn!("the bot's membership event names no space or no actor; ignored");
            return Ok(());
        };
        let (room, adder) = (RoomId::new(room), PersonId::new(adder));
        if event.data.room_type.as_deref() == Some("direct") || adder == self.me.id {
            return Ok(());
        }
        let person = self.webex.get_person(&adder).await?;
        let same_org = person.org_id.is_some() && person.org_id == self.me.org_id;
        let place = Place {
            room_id: room.clone(),
            is_group: true,
            thread: None,
        };
        if !same_org {
            return self.foreign_space(&place, &event.data.id).await;
        }
        tracing::info!(room = %room, by = %adder, "added to a space; introducing myself");
        let email = person.emails.and_then(|e| e.into_iter().next());
        let request = Request {
            actor: self.people.actor(&self.webex, &adder, email).await,
            place,
            input: Input::Introduction {
                bot_name: self.me.display_name.clone(),
            },
            card_message: None,
            ticket,
        };
        self.answer(&request, started).await
    }

    /// Added from outside the organisation: leave with a note, or stay quietly.
    async fn foreign_space(&self, place: &Place, membership: &str) -> Result<(), WebexError> {
        if !self.leave_foreign {
            tracing::info!(room = %place.room_id, "added by someone of another organisation; staying (access.foreign_spaces = \"stay\")");
            return Ok(());
        }
        tracing::info!(room = %place.room_id, "added by someone of another organisation; leaving");
        self.post(place, &Reply::text(FOREIGN_NOTE)).await?;
        match self
            .webex
            .delete_membership(&MembershipId::new(membership))
            .await
        {
            Err(error) if error.is_not_found() => Ok(()),
            other => other,
        }
    }

    /// `memberships/deleted` about the bot: forget the space.
    pub(super) async fn on_departure(&self, event: &Envelope) -> Result<(), WebexError> {
        let Some(room) = event.data.room_id.clone().map(RoomId::new) else {
            tracing::warn!("the bot's departure names no space; ignored");
            return Ok(());
        };
        match self.store.forget_space(&room).await {
            Ok(forgotten) => {
                tracing::info!(room = %room, ?forgotten, "removed from a space; forgot it")
            }
            Err(error) => {
                tracing::error!(%error, room = %room, "removed from a space, but could not forget it")
            }
        }
        Ok(())
    }
}
