//! Technology contract registration (技术合同认定登记): a Nanning organization applies (the
//! seller, or the domestic buyer of a technology import), a registry clerk receives it or
//! returns it for correction, sends large contracts to experts, and registers it with a number
//! (confirming or correcting the type and 技术交易额) or refuses it; a registration can later be
//! cancelled. Every step goes through the shared lifecycle path and the audit log.
use super::*;
use crate::domain::contract::{
    self, ContractAction, ContractLifecycle, ContractStatus, ContractType, Place,
};
use crate::domain::lifecycle::Lifecycle;
use crate::domain::money::Fen;
use crate::model::*;
use crate::policy::{authorize, Action, Actor, Target};
use crate::records::{self, contract::Side, Catalog};

impl lifecycle::Reviewed for ContractLifecycle {
    /// Registration has its own form (the confirmed type and amount), so it is not offered here.
    const OFFERED: &'static [ContractAction] = &[
        ContractAction::Submit,
        ContractAction::Withdraw,
        ContractAction::Receive,
        ContractAction::Return,
        ContractAction::SendToExperts,
        ContractAction::Refuse,
        ContractAction::Cancel,
    ];
    const EDIT: Action = Action::EditContract;
    const VIEW_HISTORY: Action = Action::ViewContract;
    fn allowed_by(action: ContractAction) -> &'static [Action] {
        if action.by_applicant() {
            &[Action::EditContract]
        } else {
            &[Action::RegisterContract]
        }
    }
    fn page(id: Uuid) -> String {
        format!("/contracts/{id}")
    }
}

fn target(c: &ContractRecord) -> Target {
    Target {
        owner_org: c.applicant_org_id,
        is_public: false,
    }
}

/// Its parties, the registry and officials read a contract; everyone else is told it does not
/// exist.
fn may_view(actor: Option<&Actor>, c: &ContractRecord) -> bool {
    let party = actor
        .and_then(|a| a.acting_org())
        .is_some_and(|o| c.seller.org_id == Some(o) || c.buyer.org_id == Some(o));
    party || authorize(actor, Action::ViewContract, target(c)).is_ok()
}

async fn load(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<ContractRecord, AppError> {
    let c = state
        .store
        .get_contract(id)
        .await
        .map_err(internal)?
        .ok_or(AppError::NotFound)?;
    if !may_view(actor, &c) {
        return Err(AppError::NotFound);
    }
    Ok(c)
}

fn party_view(p: &PartyRecord) -> PartyView {
    PartyView {
        name: p.name.clone(),
        credit_code: p.credit_code.clone(),
        org_id: p.org_id,
        org_type: p.org_type,
        place: p.place.clone(),
    }
}

pub(super) fn list_item(c: &ContractRecord) -> ContractListItem {
    ContractListItem {
        id: c.id,
        registration_number: c.registration_number.clone(),
        title: c.title.clone(),
        contract_type: c.contract_type,
        seller_name: c.seller.name.clone(),
        buyer_name: c.buyer.name.clone(),
        contract_amount_fen: c.contract_amount_fen,
        tech_amount_fen: c.tech_amount_fen,
        status: c.status,
        submitted_at: c.submitted_at,
        updated_at: c.updated_at,
    }
}

/// Starts (`id` none) or rewrites the application of `actor`'s organization, and applies when
/// `submit`. Returns the contract's id.
#[tracing::instrument(skip_all)]
pub async fn save_contract(
    state: &AppState,
    actor: &Actor,
    id: Option<Uuid>,
    form: &ContractForm,
    submit: bool,
) -> Result<Uuid, AppError> {
    authorize(Some(actor), Action::ApplyContract, Target::NONE)?;
    let org_id = actor.acting_org().ok_or(AppError::Forbidden)?;
    let org = state
        .store
        .get_org(org_id)
        .await
        .map_err(internal)?
        .ok_or(AppError::Forbidden)?;
    let refs = super::ref_data(state).await?;
    if !refs.is_nanning(&org.district_code) {
        return Err(AppError::conflict(
            "本平台受理注册在南宁市的单位的技术合同登记申请；请向贵单位所在地的登记机构申请",
            "This registry takes applications from organizations registered in Nanning; apply to the registry where yours is registered",
        ));
    }
    let content = records::contract::parse(form, &*refs, beijing_today(state), &org.credit_code)?;
    let counterpart_abroad = matches!(content.counterpart.place, Place::Abroad { .. });
    if content.applicant_side == Side::Buyer && !counterpart_abroad {
        return Err(AppError::field(
            "applicant_side",
            "只有技术引进（卖方在境外）时由境内买方申请登记；其他情况由卖方申请",
            "The buyer applies only for a technology import (the seller abroad); otherwise the seller applies",
        ));
    }
    let counterpart_org = match &content.counterpart.credit_code {
        Some(code) => state
            .store
            .find_org_by_credit_code(code)
            .await
            .map_err(internal)?
            .map(|o| o.id),
        None => None,
    };
    let applicant = PartyRecord {
        name: org.name.clone(),
        credit_code: Some(org.credit_code.clone()),
        org_id: Some(org.id),
        org_type: org.org_type,
        place: Place::Nanning {
            district: org.district_code.clone(),
        },
    };
    let other = PartyRecord {
        name: content.counterpart.name.clone(),
        credit_code: content.counterpart.credit_code.clone(),
        org_id: counterpart_org,
        org_type: content.counterpart.org_type,
        place: content.counterpart.place.clone(),
    };
    let (seller, buyer) = match content.applicant_side {
        Side::Seller => (applicant, other),
        Side::Buyer => (other, applicant),
    };
    let existing = match id {
        Some(id) => {
            let c = load(state, Some(actor), id).await?;
            lifecycle::authorize_action::<ContractLifecycle>(
                Some(actor),
                target(&c),
                ContractAction::Submit,
            )?;
            lifecycle::ensure_editable::<ContractLifecycle>(c.status)?;
            Some(c)
        }
        None => None,
    };
    let call_id = existing.as_ref().and_then(|c| c.call_id);
    let (demand_id, achievement_id) = resolve_links(state, form, &seller, &buyer, call_id).await?;
    let now = state.clock.now();
    let rec = ContractRecord {
        id: existing.as_ref().map(|c| c.id).unwrap_or_else(Uuid::new_v4),
        registration_number: None,
        applicant_user_id: Some(actor.user_id),
        applicant_org_id: Some(org.id),
        applicant_side: content.applicant_side.as_str().into(),
        contract_type: content.contract_type,
        title: content.title.clone(),
        seller,
        buyer,
        contract_amount_fen: content.contract_amount.fen(),
        tech_amount_fen: content.tech_amount.fen(),
        non_technical: content
            .non_technical
            .iter()
            .map(|(n, f)| (n.clone(), f.fen()))
            .collect(),
        signed_on: content.signed_on,
        ends_on: content.ends_on,
        chain_code: content.chain_code.clone(),
        field: content.field.clone(),
        ip_type: content.ip_type,
        plan_origin: content.plan_origin,
        demand_id,
        call_id,
        achievement_id,
        status: existing
            .as_ref()
            .map(|c| c.status)
            .unwrap_or(ContractStatus::Draft),
        status_reason: None,
        submitted_at: None,
        registered_at: None,
        // A draft from an award stays one: its source tells where it came from.
        source: existing
            .as_ref()
            .map(|c| c.source.clone())
            .unwrap_or_else(|| "application".into()),
        version: 0,
        created_at: existing.as_ref().map(|c| c.created_at).unwrap_or(now),
        updated_at: now,
    };
    let id = rec.id;
    if existing.is_some() {
        let ev = audit(
            Some(actor.user_id),
            ContractLifecycle::ENTITY,
            id,
            "edit",
            now,
        );
        lifecycle::written::<ContractLifecycle>(
            state.store.update_contract_draft(&rec, &ev).await,
        )?;
    } else {
        let mut ev = audit(
            Some(actor.user_id),
            ContractLifecycle::ENTITY,
            id,
            "create",
            now,
        );
        ev.to_state = Some(ContractStatus::Draft.as_str().into());
        state
            .store
            .insert_contract(&rec, &ev)
            .await
            .map_err(internal)?;
    }
    if submit {
        contract_action(state, actor, id, ContractAction::Submit, None).await?;
    }
    Ok(id)
}

/// A lifecycle step on a contract: the applicant's (apply, withdraw) or the registry's
/// (receive, return for correction, send to experts, refuse, cancel). Registering goes through
/// [`register_contract`].
#[tracing::instrument(skip_all)]
pub async fn contract_action(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    action: ContractAction,
    reason: Option<&str>,
) -> Result<ContractStatus, AppError> {
    if action == ContractAction::Register {
        return register_contract(state, actor, id, None, None)
            .await
            .map(|_| ContractStatus::Registered);
    }
    let c = load(state, Some(actor), id).await?;
    lifecycle::authorize_action::<ContractLifecycle>(Some(actor), target(&c), action)?;
    if action == ContractAction::Submit {
        let to = ContractLifecycle::transition(c.status, action)
            .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
        let now = state.clock.now();
        let mut ev = audit(
            Some(actor.user_id),
            ContractLifecycle::ENTITY,
            id,
            action.as_str(),
            now,
        );
        ev.from_state = Some(c.status.as_str().into());
        ev.to_state = Some(to.as_str().into());
        let change = StatusChange::of::<ContractLifecycle>(id, c.status, to, None);
        lifecycle::written::<ContractLifecycle>(
            state.store.submit_contract(&change, c.version, &ev).await,
        )?;
        return Ok(to);
    }
    lifecycle::apply::<ContractLifecycle>(
        state,
        Some(actor.user_id),
        id,
        c.status,
        action,
        reason,
        |_, _| Ok(()),
    )
    .await
}

/// The registry registers a contract it has examined: with the type and 技术交易额 it confirmed
/// (`None` keeps what was applied for). A contract of ¥5m or more must have passed expert
/// review. Returns the registration number.
#[tracing::instrument(skip_all)]
pub async fn register_contract(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    contract_type: Option<&str>,
    tech_amount: Option<&str>,
) -> Result<String, AppError> {
    let c = load(state, Some(actor), id).await?;
    lifecycle::authorize_action::<ContractLifecycle>(
        Some(actor),
        target(&c),
        ContractAction::Register,
    )?;
    let to = ContractLifecycle::transition(c.status, ContractAction::Register)
        .map_err(|e| AppError::conflict(e.message_zh(), e.message_en()))?;
    let mut errs = crate::error::Errors::default();
    let ty = match contract_type.map(str::trim).filter(|t| !t.is_empty()) {
        None => Some(c.contract_type),
        Some(t) => {
            let parsed = ContractType::parse(t);
            if parsed.is_none() {
                errs.push(
                    "contract_type",
                    "请选择核定的合同类型",
                    "Choose the confirmed contract type",
                );
            }
            parsed
        }
    };
    let tech = match tech_amount.map(str::trim).filter(|t| !t.is_empty()) {
        None => Some(Fen(c.tech_amount_fen)),
        Some(t) => errs.take("tech_amount", contract::parse_amount(t, true)),
    };
    if tech.is_some_and(|t| t.fen() > c.contract_amount_fen) {
        errs.push(
            "tech_amount",
            "核定的技术交易额不能超过合同成交额",
            "The confirmed technology amount cannot exceed the contract amount",
        );
    }
    errs.finish()?;
    let (Some(ty), Some(tech)) = (ty, tech) else {
        return Err(AppError::Internal);
    };
    if contract::needs_expert_review(tech) && c.status != ContractStatus::ExpertReview {
        return Err(AppError::conflict(
            "技术交易额达到 500 万元的合同须先提交专家评审，评审后方可登记",
            "A contract with a technology amount of ¥5m or more goes to expert review before it is registered",
        ));
    }
    let now = state.clock.now();
    let mut ev = audit(
        Some(actor.user_id),
        ContractLifecycle::ENTITY,
        id,
        ContractAction::Register.as_str(),
        now,
    );
    ev.from_state = Some(c.status.as_str().into());
    ev.to_state = Some(to.as_str().into());
    let mut corrections = vec![];
    if ty != c.contract_type {
        corrections.push(format!(
            "类型 {} → {}",
            c.contract_type.label_zh(),
            ty.label_zh()
        ));
    }
    if tech.fen() != c.tech_amount_fen {
        corrections.push(format!(
            "技术交易额 {} → {} 万元",
            Fen(c.tech_amount_fen).format_wan(),
            tech.format_wan()
        ));
    }
    ev.reason = (!corrections.is_empty()).then(|| format!("核定：{}", corrections.join("；")));
    let change = StatusChange::of::<ContractLifecycle>(id, c.status, to, None);
    let year = chrono::Datelike::year(&now.with_timezone(&crate::domain::time::shanghai()));
    let reg = Registration {
        contract_type: ty,
        tech_amount_fen: tech.fen(),
        at: now,
        year,
    };
    match state.store.register_contract(&change, &reg, &ev).await {
        Ok(n) => Ok(n),
        Err(StoreError::Stale) => Err(lifecycle::stale::<ContractLifecycle>()),
        Err(e) => Err(internal(e)),
    }
}

/// A contract's page.
#[tracing::instrument(skip_all)]
pub async fn contract_detail(
    state: &AppState,
    actor: Option<&Actor>,
    id: Uuid,
) -> Result<ContractDetail, AppError> {
    let c = load(state, actor, id).await?;
    let permissions = lifecycle::permissions::<ContractLifecycle>(actor, target(&c), c.status);
    let may_register = ContractLifecycle::transition(c.status, ContractAction::Register).is_ok()
        && authorize(actor, Action::RegisterContract, target(&c)).is_ok();
    Ok(ContractDetail {
        id: c.id,
        registration_number: c.registration_number.clone(),
        contract_type: c.contract_type,
        title: c.title.clone(),
        applicant_side: c.applicant_side.clone(),
        seller: party_view(&c.seller),
        buyer: party_view(&c.buyer),
        contract_amount_fen: c.contract_amount_fen,
        tech_amount_fen: c.tech_amount_fen,
        non_technical: c.non_technical.clone(),
        signed_on: c.signed_on,
        ends_on: c.ends_on,
        chain_code: c.chain_code.clone(),
        field: c.field.clone(),
        ip_type: c.ip_type,
        plan_origin: c.plan_origin,
        status: c.status,
        status_reason: c.status_reason.clone(),
        submitted_at: c.submitted_at,
        registered_at: c.registered_at,
        needs_expert_review: contract::needs_expert_review(Fen(c.tech_amount_fen)),
        links: links_of(state, &c).await?,
        source: c.source.clone(),
        permissions,
        may_register,
        history: history_of(state, ContractLifecycle::ENTITY, id).await?,
    })
}

/// The application as saved, for the applicant to correct.
#[tracing::instrument(skip_all)]
pub async fn contract_form(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
) -> Result<ContractForm, AppError> {
    let c = load(state, Some(actor), id).await?;
    authorize(Some(actor), Action::EditContract, target(&c))?;
    let buyer_side = c.applicant_side == "buyer";
    let other = if buyer_side { &c.seller } else { &c.buyer };
    Ok(ContractForm {
        contract_type: c.contract_type.as_str().into(),
        title: c.title.clone(),
        applicant_side: c.applicant_side.clone(),
        counterpart_name: other.name.clone(),
        counterpart_credit_code: other.credit_code.clone().unwrap_or_default(),
        counterpart_type: other.org_type.as_str().into(),
        counterpart_region: other.place.region().into(),
        // The form's one location list names the rest of Guangxi `guangxi`.
        counterpart_place: match &other.place {
            Place::Guangxi => "guangxi".into(),
            p => p.detail().into(),
        },
        contract_amount: Fen(c.contract_amount_fen).format_wan(),
        tech_amount: Fen(c.tech_amount_fen).format_wan(),
        non_technical: c
            .non_technical
            .iter()
            .map(|(n, f)| format!("{n} | {}", Fen(*f).format_wan()))
            .collect::<Vec<_>>()
            .join("\n"),
        signed_on: c.signed_on.to_string(),
        ends_on: c.ends_on.map(|d| d.to_string()).unwrap_or_default(),
        chain: c.chain_code.clone(),
        field: c.field.clone(),
        ip_type: c.ip_type.as_str().into(),
        plan_origin: c.plan_origin.as_str().into(),
        demand_ref: c.demand_id.map(|d| d.to_string()).unwrap_or_default(),
        achievement_ref: c.achievement_id.map(|a| a.to_string()).unwrap_or_default(),
    })
}

/// The contracts of `actor`'s organization (applied for, or a party to).
#[tracing::instrument(skip_all)]
pub async fn my_contracts(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<ContractListItem>, AppError> {
    let Some(org) = actor.acting_org() else {
        return Ok(vec![]);
    };
    Ok(state
        .store
        .contracts_of_org(org)
        .await
        .map_err(internal)?
        .iter()
        .map(list_item)
        .collect())
}

/// The registry's work list: applications waiting, being examined or with the experts.
#[tracing::instrument(skip_all)]
pub async fn registry_queue(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<ContractListItem>, AppError> {
    authorize(Some(actor), Action::RegisterContract, Target::NONE)?;
    Ok(state
        .store
        .contracts_in(
            &[
                ContractStatus::Submitted,
                ContractStatus::Accepted,
                ContractStatus::ExpertReview,
            ],
            500,
        )
        .await
        .map_err(internal)?
        .iter()
        .map(list_item)
        .collect())
}

/// Whether `p` is the organization `org_id` (by its platform account or its credit code).
fn is_org(p: &PartyRecord, org_id: Uuid, credit_code: &str) -> bool {
    p.org_id == Some(org_id) || p.credit_code.as_deref() == Some(credit_code)
}

/// The demand and the achievement an application links to, checked: a published demand of
/// the buyer (or, for a contract drafted from a call, one of the call's demands), a published
/// achievement of the seller. Every problem is reported by its field.
async fn resolve_links(
    state: &AppState,
    form: &ContractForm,
    seller: &PartyRecord,
    buyer: &PartyRecord,
    call_id: Option<Uuid>,
) -> Result<(Option<Uuid>, Option<Uuid>), AppError> {
    use crate::domain::text::record_ref;
    let mut errs = crate::error::Errors::default();
    let mut demand = None;
    match record_ref(&form.demand_ref, "demands") {
        Err(_) => errs.push(
            "demand_ref",
            "请粘贴需求页面的链接或需求编号",
            "Paste the demand's page address or its id",
        ),
        Ok(None) => {}
        Ok(Some(id)) => {
            let row = state.store.get_demand(id).await.map_err(internal)?;
            match row.filter(|r| crate::domain::demand::is_public(r.demand.status)) {
                None => errs.push(
                    "demand_ref",
                    "找不到这条已发布的需求",
                    "No published demand has this address",
                ),
                Some(r) => {
                    let of_call = match call_id {
                        Some(c) => state
                            .store
                            .call_demands(c)
                            .await
                            .map_err(internal)?
                            .iter()
                            .any(|d| d.id == id),
                        None => false,
                    };
                    let owner = state
                        .store
                        .get_org(r.demand.org_id)
                        .await
                        .map_err(internal)?;
                    let by_buyer = owner
                        .as_ref()
                        .is_some_and(|o| is_org(buyer, o.id, &o.credit_code));
                    if of_call || by_buyer {
                        demand = Some(id);
                    } else {
                        errs.push(
                            "demand_ref",
                            format!("该需求由“{}”发布，不是本合同的买方", r.org_name),
                            format!(
                                "This demand was posted by {}, which is not this contract's buyer",
                                r.org_name
                            ),
                        );
                    }
                }
            }
        }
    }
    let mut achievement = None;
    match record_ref(&form.achievement_ref, "achievements") {
        Err(_) => errs.push(
            "achievement_ref",
            "请粘贴成果页面的链接或成果编号",
            "Paste the achievement's page address or its id",
        ),
        Ok(None) => {}
        Ok(Some(id)) => {
            let row = state.store.get_achievement(id).await.map_err(internal)?;
            match row.filter(|r| crate::domain::achievement::is_public(r.achievement.status)) {
                None => errs.push(
                    "achievement_ref",
                    "找不到这项已发布的科技成果",
                    "No published achievement has this address",
                ),
                Some(r) => {
                    let owner = state
                        .store
                        .get_org(r.achievement.org_id)
                        .await
                        .map_err(internal)?;
                    if owner
                        .as_ref()
                        .is_some_and(|o| is_org(seller, o.id, &o.credit_code))
                    {
                        achievement = Some(id);
                    } else {
                        errs.push(
                            "achievement_ref",
                            format!("该成果属于“{}”，不是本合同的卖方", r.org_name),
                            format!(
                                "This achievement belongs to {}, which is not this contract's seller",
                                r.org_name
                            ),
                        );
                    }
                }
            }
        }
    }
    errs.finish()?;
    Ok((demand, achievement))
}

/// The demand, call and achievement a contract links to, by title, for its page.
async fn links_of(state: &AppState, c: &ContractRecord) -> Result<ContractLinks, AppError> {
    let mut links = ContractLinks::default();
    if let Some(id) = c.demand_id {
        links.demand = state
            .store
            .get_demand(id)
            .await
            .map_err(internal)?
            .map(|r| RecordLink {
                id,
                title: r.demand.title,
            });
    }
    if let Some(id) = c.call_id {
        links.call = state
            .store
            .get_call(id)
            .await
            .map_err(internal)?
            .map(|r| RecordLink {
                id,
                title: r.call.title,
            });
    }
    if let Some(id) = c.achievement_id {
        links.achievement = state
            .store
            .get_achievement(id)
            .await
            .map_err(internal)?
            .map(|r| RecordLink {
                id,
                title: r.achievement.title,
            });
    }
    Ok(links)
}

/// The contracts linked to a demand, call or achievement, as its page shows them: registered
/// ones to everyone (type, number, date), the others only to a reader who may open them.
pub(crate) async fn linked_contracts(
    state: &AppState,
    actor: Option<&Actor>,
    link: ContractLink,
    id: Uuid,
) -> Result<Vec<LinkedContract>, AppError> {
    let rows = state
        .store
        .contracts_linked(link, id)
        .await
        .map_err(internal)?;
    Ok(rows
        .iter()
        .filter_map(|c| {
            let open = may_view(actor, c);
            if !open && c.status != ContractStatus::Registered {
                return None;
            }
            let may_edit = open
                && ContractLifecycle::is_editable(c.status)
                && authorize(actor, Action::EditContract, target(c)).is_ok();
            Some(LinkedContract {
                id: c.id,
                registration_number: c.registration_number.clone(),
                contract_type: c.contract_type,
                status: c.status,
                registered_at: c.registered_at,
                title: open.then(|| c.title.clone()),
                seller_name: c.seller.name.clone(),
                may_edit,
            })
        })
        .collect())
}

/// Once a winner's task contract (立项) is recorded, its draft 技术开发 contract drafted at the
/// award takes the task's funding and start date, unless the applicant has edited or applied
/// it already (their version stands).
pub(super) async fn align_award_draft(
    state: &AppState,
    actor: &Actor,
    call_id: Uuid,
    seller_org: Uuid,
    funding_fen: i64,
    starts_on: chrono::NaiveDate,
) -> Result<(), AppError> {
    let drafts = state
        .store
        .contracts_linked(ContractLink::Call, call_id)
        .await
        .map_err(internal)?;
    let Some(mut c) = drafts.into_iter().find(|c| {
        c.source == "award"
            && c.applicant_org_id == Some(seller_org)
            && c.status == ContractStatus::Draft
            && c.version == 0
    }) else {
        return Ok(());
    };
    if c.contract_amount_fen == funding_fen && c.signed_on == starts_on {
        return Ok(());
    }
    let now = state.clock.now();
    let mut ev = audit(
        Some(actor.user_id),
        ContractLifecycle::ENTITY,
        c.id,
        "align_with_task",
        now,
    );
    ev.reason = Some(format!(
        "按任务书调整：合同金额 {} 万元，签订日期 {starts_on}",
        crate::domain::money::Fen(funding_fen).format_wan()
    ));
    c.contract_amount_fen = funding_fen;
    c.tech_amount_fen = funding_fen;
    // The term keeps its length from the new start.
    let shift = starts_on - c.signed_on;
    c.ends_on = c.ends_on.map(|e| e + shift);
    c.signed_on = starts_on;
    c.updated_at = now;
    match state.store.update_contract_draft(&c, &ev).await {
        // Edited or applied meanwhile: the applicant's version stands.
        Ok(()) | Err(StoreError::Stale) => Ok(()),
        Err(e) => Err(internal(e)),
    }
}

/// The draft 技术开发 contracts an award produces, one per winner, for the winning team to
/// complete and apply with: the winner sells, the call's co-funding enterprise buys (else the
/// city unit that set the call), the amount is the winner's share of the funding, and the
/// contract links to the call and its first demand. A winner registered outside Nanning
/// applies to its own registry, so it gets no draft here; nor does a winner with nothing to
/// be paid. Each draft comes with its audit event.
pub(super) async fn drafts_from_award(
    state: &AppState,
    actor: &Actor,
    call: &crate::ports::CallRecord,
    winners: &[Uuid],
) -> Result<Vec<(ContractRecord, AuditEvent)>, AppError> {
    let refs = super::ref_data(state).await?;
    let buyer_org = match call.co_funder_org_id {
        Some(o) => Some(o),
        None => state
            .store
            .get_user(call.created_by)
            .await
            .map_err(internal)?
            .and_then(|u| u.org_id),
    };
    let Some(buyer) = (match buyer_org {
        Some(o) => state.store.get_org(o).await.map_err(internal)?,
        None => None,
    }) else {
        return Ok(vec![]);
    };
    let place = |district: &str| {
        if refs.is_nanning(district) {
            Place::Nanning {
                district: district.to_string(),
            }
        } else {
            Place::Guangxi
        }
    };
    let demands = state.store.call_demands(call.id).await.map_err(internal)?;
    let field = match demands.first() {
        Some(d) => state
            .store
            .get_demand(d.id)
            .await
            .map_err(internal)?
            .map(|r| r.demand.field)
            .unwrap_or_default(),
        None => String::new(),
    };
    let field = if field.trim().is_empty() {
        "揭榜挂帅项目".to_string()
    } else {
        field
    };
    let now = state.clock.now();
    let today = beijing_today(state);
    let ends_on = today.checked_add_months(chrono::Months::new(call.duration_months));
    let title: String = call.title.chars().take(100).collect();
    let mut out = vec![];
    for bid_id in winners {
        let Some(bid) = state.store.get_bid(*bid_id).await.map_err(internal)? else {
            continue;
        };
        let Some(seller) = state
            .store
            .get_org(bid.bid.org_id)
            .await
            .map_err(internal)?
        else {
            continue;
        };
        let amount = contract::award_amount(
            call.city_fund_fen,
            call.enterprise_fund_fen,
            call.winners,
            bid.bid.budget_fen,
        );
        if !refs.is_nanning(&seller.district_code) || amount.fen() <= 0 || seller.id == buyer.id {
            continue;
        }
        let party = |o: &crate::ports::OrgRecord| PartyRecord {
            name: o.name.clone(),
            credit_code: Some(o.credit_code.clone()),
            org_id: Some(o.id),
            org_type: o.org_type,
            place: place(&o.district_code),
        };
        let rec = ContractRecord {
            id: Uuid::new_v4(),
            registration_number: None,
            applicant_user_id: Some(bid.bid.lead_user_id),
            applicant_org_id: Some(seller.id),
            applicant_side: Side::Seller.as_str().into(),
            contract_type: ContractType::DevelopmentCommissioned,
            title: title.clone(),
            seller: party(&seller),
            buyer: party(&buyer),
            contract_amount_fen: amount.fen(),
            tech_amount_fen: amount.fen(),
            non_technical: vec![],
            signed_on: today,
            ends_on,
            chain_code: call.chain_code.clone(),
            field: field.clone(),
            ip_type: contract::IpType::Other,
            plan_origin: contract::PlanOrigin::Municipal,
            demand_id: demands.first().map(|d| d.id),
            call_id: Some(call.id),
            achievement_id: None,
            status: ContractStatus::Draft,
            status_reason: None,
            submitted_at: None,
            registered_at: None,
            source: "award".into(),
            version: 0,
            created_at: now,
            updated_at: now,
        };
        let mut ev = audit(
            Some(actor.user_id),
            ContractLifecycle::ENTITY,
            rec.id,
            "draft_from_award",
            now,
        );
        ev.to_state = Some(ContractStatus::Draft.as_str().into());
        ev.reason = Some(format!("揭榜挂帅榜单“{title}”中榜"));
        out.push((rec, ev));
    }
    Ok(out)
}
