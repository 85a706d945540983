//! Confirm runs the plan it showed, not a new one: before it does, the stored plan is checked
//! against the organisation as it is now. A device gone since, or one that no longer allows the
//! call (offline, access withdrawn), is left out and reported; a workspace or the whole thing
//! gone, or a role lost, is refused. Nothing is added: no new device joins a confirmed plan.

use crate::request::Actor;
use crate::resolve::{Need, SkipReason, skip_reason};

use super::{Op, Plan, Refusal, Subject};

/// `plan` as it may still run for `actor` in `snapshot`.
pub fn recheck(plan: &Plan, snapshot: &super::Snapshot, actor: &Actor) -> Result<Plan, Refusal> {
    if actor.role < plan.role {
        return Err(Refusal::Role {
            verb: plan
                .text
                .split_whitespace()
                .next()
                .unwrap_or("this")
                .to_owned(),
            needed: plan.role,
            have: actor.role,
        });
    }
    let mut plan = plan.clone();
    let org = &snapshot.org;
    for call in &plan.calls {
        match (&call.subject, &call.op) {
            (Subject::Device(at), op) => {
                let targeted = &mut plan.devices[*at];
                if targeted.skip.is_some() {
                    continue;
                }
                targeted.skip = match org.device(&targeted.device.id) {
                    None => Some(SkipReason::Gone),
                    Some(device) => need_of(op).and_then(|need| skip_reason(device, need)),
                };
            }
            (Subject::Workspace(workspace), _) if org.workspace(&workspace.id).is_none() => {
                return Err(Refusal::invalid(
                    format!(
                        "{} is no longer there, so nothing was done.",
                        workspace.name
                    ),
                    "It was deleted or renamed since you were asked to confirm.",
                ));
            }
            _ => {}
        }
    }
    let devices = &plan.devices;
    plan.calls.retain(|call| match call.subject {
        Subject::Device(at) => devices[at].skip.is_none(),
        _ => true,
    });
    Ok(plan)
}

/// What `op` needs of its device (`None`: only that it exists).
fn need_of(op: &Op) -> Option<Need> {
    match op {
        Op::XapiCommand { .. } => Some(Need::COMMAND),
        Op::XapiStatus { .. } => Some(Need::STATUS),
        Op::ConfigRead { .. } | Op::SetTags { .. } => Some(Need::READ_CONFIG),
        Op::ConfigSet { .. } | Op::ConfigReset { .. } => Some(Need::CONFIGURE),
        _ => None,
    }
}
