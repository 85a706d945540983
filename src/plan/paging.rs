//! Pages of long lists and choices: which rows a page holds, the total, and the command behind
//! More (`devices … page 3`, `workspaces page 2`, `pick mute Barcelona page 2`). A page past the
//! last shows the last. `pick` plans the command it carries and answers with a page of its
//! candidates; it never runs the command itself.

use std::ops::Range;

use crate::command::Command;
use crate::request::Actor;

use serde::{Deserialize, Serialize};

use super::{Choice, Plan, Refusal, Snapshot};

/// Devices per page of a device list.
pub const DEVICE_PAGE: usize = 15;
/// Workspaces per page of a workspace list.
pub const WORKSPACE_PAGE: usize = 15;
/// Locations per page.
pub const LOCATION_PAGE: usize = 20;
/// Candidates per page of a picker.
pub const CHOICE_PAGE: usize = 10;
/// Devices whose status is shown one by one; with more, a fleet summary and pages of detail.
pub const STATUS_DETAIL: usize = 10;

/// One page of a long list or choice: which page, how many rows in all, and the command that
/// shows the next page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paging {
    /// The page shown, from 1.
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Rows on all pages together.
    pub total: usize,
    /// The command that shows the next page (`None` on the last).
    pub more: Option<String>,
}

impl Paging {
    /// Page `page` (from 1; `None` is the first, past the last is the last) of `total` rows,
    /// `per_page` to a page; `next(n)` is the command that shows page `n`.
    pub(super) fn of(
        page: Option<u32>,
        per_page: usize,
        total: usize,
        next: impl FnOnce(u32) -> String,
    ) -> Self {
        let pages = total.div_ceil(per_page).max(1);
        let page = (page.unwrap_or(1).max(1) as usize).min(pages);
        let more = (page < pages).then(|| next(page as u32 + 1));
        Self {
            page: page as u32,
            per_page: per_page as u32,
            total,
            more,
        }
    }

    /// Every one of `total` rows on one page (a choice before it is paged).
    pub(super) fn all(total: usize) -> Self {
        Self {
            page: 1,
            per_page: total.max(1) as u32,
            total,
            more: None,
        }
    }

    /// The rows of this page, as indexes into all the rows.
    pub fn range(&self) -> Range<usize> {
        let start = ((self.page as usize - 1) * self.per_page as usize).min(self.total);
        start..(start + self.per_page as usize).min(self.total)
    }

    /// How many pages there are.
    pub fn pages(&self) -> usize {
        self.total.div_ceil(self.per_page.max(1) as usize).max(1)
    }
}

impl Refusal {
    /// A choice between all of `options` (paged by [`Refusal::paged`] before it is shown).
    pub(super) fn choose(prompt: impl Into<String>, options: Vec<Choice>) -> Self {
        Self::Choose {
            prompt: prompt.into(),
            paging: Paging::all(options.len()),
            options,
        }
    }

    /// A choice cut to page `page` of [`CHOICE_PAGE`] candidates, its More running `pick` with
    /// `command`; other refusals unchanged.
    pub(super) fn paged(self, command: &Command, page: Option<u32>) -> Self {
        let Self::Choose {
            prompt,
            mut options,
            ..
        } = self
        else {
            return self;
        };
        let paging = Paging::of(page, CHOICE_PAGE, options.len(), |n| {
            Command::Pick {
                command: Box::new(command.clone()),
                page: Some(n),
            }
            .canonical()
        });
        let range = paging.range();
        options.truncate(range.end);
        options.drain(..range.start);
        Self::Choose {
            prompt,
            options,
            paging,
        }
    }
}

/// `pick <command> [page <n>]`: a page of the command's candidates. When the name now means one
/// thing only, that one is offered (a More button never acts by itself).
pub(super) fn pick(
    command: &Command,
    page: Option<u32>,
    snapshot: &Snapshot,
    actor: &Actor,
) -> Result<Plan, Refusal> {
    match super::plan_one(command, snapshot, actor) {
        Err(refusal) => Err(refusal.paged(command, page)),
        Ok(plan) => Err(Refusal::choose(
            "Only one matches now:",
            vec![Choice {
                label: match plan.label.is_empty() {
                    true => plan.text.clone(),
                    false => plan.label.clone(),
                },
                context: String::new(),
                command: plan.text,
            }],
        )),
    }
}
