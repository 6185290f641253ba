//! Server functions: bids (揭榜申报). Each answers only what `policy::bid_access` admits.
#![allow(clippy::too_many_arguments)]
use super::*;

#[server(prefix = "/api/fn", endpoint = "bid")]
pub async fn get_bid(id: String) -> Result<BidDetail, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::bid_detail(&s, ctx::actor().as_ref(), parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "bid_form")]
pub async fn get_bid_form(id: String) -> Result<BidForm, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::bid_form(&s, &ctx::require_actor()?, parse_id(&id)?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "save_bid")]
pub async fn save_bid(
    call_id: String,
    id: Option<String>,
    intent: Option<String>,
    title: String,
    proposal: String,
    budget: String,
    timeline: String,
    milestone_plan: String,
    members: String,
) -> Result<String, AppError> {
    let args = SaveBid {
        call_id,
        id,
        intent,
        title,
        proposal,
        budget,
        timeline,
        milestone_plan,
        members,
    };
    let r = async {
        let s = ctx::state()?;
        let actor = ctx::require_actor()?;
        let form = args.form();
        let call_id = parse_id(&args.call_id)?;
        let bid_id = match args.id.as_deref().filter(|i| !i.is_empty()) {
            Some(i) => Some(parse_id(i)?),
            None => None,
        };
        let submit = args.intent.as_deref() == Some("submit");
        let id = crate::services::save_bid(&s, &actor, call_id, bid_id, &form, submit).await?;
        leptos_axum::redirect(&format!("/bids/{id}"));
        Ok(id.to_string())
    }
    .await;
    ctx::finish(r)
}

impl SaveBid {
    pub fn form(&self) -> BidForm {
        BidForm {
            title: self.title.clone(),
            proposal: self.proposal.clone(),
            budget: self.budget.clone(),
            timeline: self.timeline.clone(),
            milestone_plan: self.milestone_plan.clone(),
            members: self.members.clone(),
        }
    }
}

#[server(prefix = "/api/fn", endpoint = "confirm_bid_membership")]
pub async fn confirm_bid_membership(id: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let id = parse_id(&id)?;
        crate::services::confirm_bid_membership(&s, &ctx::require_actor()?, id).await?;
        leptos_axum::redirect(&format!("/bids/{id}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "my_bids")]
pub async fn my_bids() -> Result<Vec<BidListItem>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_bids(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "verify_receipt")]
pub async fn verify_receipt(receipt: String) -> Result<ReceiptCheck, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::verify_receipt(&s, &receipt).await
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "notifications")]
pub async fn my_notifications() -> Result<Vec<NotificationView>, AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::my_notifications(&s, &ctx::require_actor()?).await
    }
    .await;
    ctx::finish(r)
}

/// The bell's count: 0 for a visitor.
#[server(prefix = "/api/fn", endpoint = "unread_notifications")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    let r = async {
        let s = ctx::state()?;
        match ctx::actor() {
            Some(a) => crate::services::unread_notifications(&s, &a).await,
            None => Ok(0),
        }
    }
    .await;
    ctx::finish(r)
}

#[server(prefix = "/api/fn", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        crate::services::mark_notifications_read(&s, &ctx::require_actor()?).await?;
        leptos_axum::redirect("/notifications");
        Ok(())
    }
    .await;
    ctx::finish(r)
}

/// The lead removes an attachment from the draft (uploads are a plain multipart post to
/// `/bids/{id}/attachments`, handled by the server crate).
#[server(prefix = "/api/fn", endpoint = "remove_bid_attachment")]
pub async fn remove_bid_attachment(bid_id: String, attachment_id: String) -> Result<(), AppError> {
    let r = async {
        let s = ctx::state()?;
        let bid = parse_id(&bid_id)?;
        crate::services::remove_attachment(
            &s,
            &ctx::require_actor()?,
            bid,
            parse_id(&attachment_id)?,
        )
        .await?;
        leptos_axum::redirect(&format!("/bids/{bid}"));
        Ok(())
    }
    .await;
    ctx::finish(r)
}
