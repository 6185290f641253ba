//! Officials' pages: organization verification, users and roles.
use super::common::*;
use crate::api::{DecideDispute, ResetLinkFor, SetRole, VerifyOrg};
use crate::domain::time::format_datetime;
use crate::domain::Role;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn OrgsPage() -> impl IntoView {
    let lang = use_lang();
    let verify = ServerAction::<VerifyOrg>::new();
    let decide = ServerAction::<DecideDispute>::new();
    let list = Resource::new(
        move || (verify.version().get(), decide.version().get()),
        |_| crate::api::list_orgs(),
    );
    let disputes = Resource::new(
        move || decide.version().get(),
        |_| crate::api::list_disputes(),
    );
    let echo = use_echo();
    view! {
        <Title text=lang.t("机构管理", "Organizations") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("机构管理", "Organizations")}</h1>
            <p class="page-desc">{lang.t("核验机构信息后标记为“已认证”。统一社会信用代码归属有争议时，在此撤销认证并联系双方。", "Verify organizations after checking them. When a credit code is disputed, withdraw verification here and contact both parties.")}</p>
        </div></div>
        <ErrorSummary value=verify.value() />
        <ErrorSummary value=decide.value() />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let posted = echoed::<DecideDispute>(&echo.await);
                match disputes.await {
                    Ok(ds) if ds.is_empty() => ().into_any(),
                    Ok(ds) => view! {
                        <div class="card" data-testid="disputes">
                            <h2 class="card-title">{lang.t("信用代码争议（待裁定）", "Credit-code disputes awaiting a decision")}</h2>
                            {ds.into_iter().map(|d| {
                                let (id1, id2) = (d.id.to_string(), d.id.to_string());
                                // The note a post without JavaScript sent, back in its own field.
                                let kept = |upheld: &str| posted.as_ref().filter(|p| p.id == d.id.to_string() && p.upheld == upheld).map(|p| p.note.clone()).unwrap_or_default();
                                let (note_up, note_dn) = (kept("true"), kept("false"));
                                view! {
                                    <div class="queue-item">
                                        <p><strong>{d.org_name.clone()}</strong>" "<span class="mono">{d.credit_code.clone()}</span></p>
                                        <p>{lang.t("提出人：", "Claimant: ")}{d.claimant_name.clone()}" "<span class="muted">{d.claimant_email.clone()}</span>" · "{format_datetime(d.created_at)}</p>
                                        <p class="pre-wrap">{d.reason.clone()}</p>
                                        <div class="row">
                                            <ActionForm action=decide attr:class="row">
                                                <input type="hidden" name="id" value=id1 />
                                                <input type="hidden" name="upheld" value="true" />
                                                <label class="sr-only" for=format!("note-up-{}", d.id)>{lang.t("裁定说明", "Decision note")}</label>
                                                <input id=format!("note-up-{}", d.id) name="note" type="text" maxlength="1000" value=note_up placeholder=lang.t("裁定说明（必填）", "Decision note (required)") />
                                                <button class="btn btn-primary btn-sm" type="submit">{lang.t("支持异议：撤销认证并加入提出人", "Uphold: unverify and admit the claimant")}</button>
                                            </ActionForm>
                                            <ActionForm action=decide attr:class="row">
                                                <input type="hidden" name="id" value=id2 />
                                                <input type="hidden" name="upheld" value="false" />
                                                <label class="sr-only" for=format!("note-dn-{}", d.id)>{lang.t("裁定说明", "Decision note")}</label>
                                                <input id=format!("note-dn-{}", d.id) name="note" type="text" maxlength="1000" value=note_dn placeholder=lang.t("裁定说明（必填）", "Decision note (required)") />
                                                <button class="btn btn-sm" type="submit">{lang.t("驳回异议", "Dismiss")}</button>
                                            </ActionForm>
                                        </div>
                                    </div>
                                }
                            }).collect_view()}
                        </div>
                    }.into_any(),
                    Err(e) => error_view(&e, lang),
                }
            })}
        </Suspense>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(items) => view! {
                        <p class="list-count">{format!("{} {}", items.len(), lang.t("家机构", "organizations"))}</p>
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr>
                                <th scope="col">{lang.t("机构名称", "Name")}</th>
                                <th scope="col">{lang.t("类型", "Type")}</th>
                                <th scope="col">{lang.t("统一社会信用代码", "Credit code")}</th>
                                <th scope="col">{lang.t("联系人", "Contact")}</th>
                                <th scope="col" class="num">{lang.t("成员", "Members")}</th>
                                <th scope="col">{lang.t("登记时间", "Registered")}</th>
                                <th scope="col">{lang.t("认证", "Verification")}</th>
                            </tr></thead>
                            <tbody>
                            {items.into_iter().map(|o| {
                                let id = o.org.id.to_string();
                                let verified = o.org.verified;
                                view! {
                                    <tr data-testid="org-row">
                                        <td>{o.org.name.clone()}</td>
                                        <td>{lang.pick(o.org.org_type.label_zh(), o.org.org_type.label_en()).to_string()}</td>
                                        <td class="mono">{o.org.credit_code.clone()}</td>
                                        <td>{o.contact_name.clone()}" "{o.contact_phone.clone()}</td>
                                        <td class="num">{o.member_count}</td>
                                        <td>{format_datetime(o.created_at)}</td>
                                        <td>
                                            <ActionForm action=verify>
                                                <input type="hidden" name="org_id" value=id />
                                                <input type="hidden" name="verified" value=(!verified).to_string() />
                                                {if verified {
                                                    view! { <span class="badge-verified">{lang.t("已认证", "Verified")}</span>" "<button class="btn btn-sm" type="submit">{lang.t("撤销认证", "Withdraw")}</button> }.into_any()
                                                } else {
                                                    view! { <button class="btn btn-primary btn-sm" type="submit" data-testid="verify">{lang.t("认证", "Verify")}</button> }.into_any()
                                                }}
                                            </ActionForm>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// Roles an official may grant or remove.
const GRANTABLE: [Role; 5] = [
    Role::Expert,
    Role::Official,
    Role::Clerk,
    Role::EnterpriseMember,
    Role::Researcher,
];

#[component]
pub fn UsersPage() -> impl IntoView {
    let lang = use_lang();
    let set_role = ServerAction::<SetRole>::new();
    let reset = ServerAction::<ResetLinkFor>::new();
    let list = Resource::new(
        move || set_role.version().get(),
        |_| crate::api::list_users(),
    );
    view! {
        <Title text=lang.t("用户与角色", "Users and roles") />
        <div class="page-header"><div>
            <h1 class="page-title">{lang.t("用户与角色", "Users and roles")}</h1>
            <p class="page-desc">{lang.t("评审专家、管理人员和技术合同登记员角色由管理人员授予。", "Officials grant the expert, official and clerk roles.")}</p>
        </div></div>
        <ErrorSummary value=set_role.value() />
        {move || reset.value().get().map(|r| match r {
            Ok(link) => view! { <div class="notice notice-success" data-testid="reset-link">{lang.t("重置链接（已写入邮件发件箱，2 小时内有效）：", "Reset link (also written to the e-mail outbox, valid 2 hours): ")}<span class="mono">{link}</span></div> }.into_any(),
            Err(e) => view! { <div class="notice notice-error">{e.message(lang)}</div> }.into_any(),
        })}
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => error_view(&e, lang),
                    Ok(users) => view! {
                        <div class="table-wrap"><table class="data-table">
                            <thead><tr>
                                <th scope="col">{lang.t("姓名", "Name")}</th>
                                <th scope="col">{lang.t("邮箱", "E-mail")}</th>
                                <th scope="col">{lang.t("机构", "Organization")}</th>
                                <th scope="col">{lang.t("角色", "Roles")}</th>
                                <th scope="col">{lang.t("操作", "Actions")}</th>
                            </tr></thead>
                            <tbody>
                            {users.into_iter().map(|u| {
                                let uid = u.user_id.to_string();
                                let uid_reset = uid.clone();
                                view! {
                                    <tr data-testid="user-row">
                                        <td>{u.display_name.clone()}</td>
                                        <td>{u.email.clone()}</td>
                                        <td>{u.org_name.clone().unwrap_or_default()}</td>
                                        <td>{u.roles.iter().map(|r| lang.pick(r.label_zh(), r.label_en()).to_string()).collect::<Vec<_>>().join("、")}</td>
                                        <td>
                                            <div class="row">
                                                {GRANTABLE.iter().map(|r| {
                                                    let has = u.roles.contains(r);
                                                    let uid = uid.clone();
                                                    let label = format!("{}{}", if has { lang.t("撤销", "Remove ") } else { lang.t("授予", "Grant ") }, lang.pick(r.label_zh(), r.label_en()));
                                                    view! {
                                                        <ActionForm action=set_role>
                                                            <input type="hidden" name="user_id" value=uid />
                                                            <input type="hidden" name="role" value=r.as_str() />
                                                            <input type="hidden" name="grant" value=(!has).to_string() />
                                                            <button class="btn btn-sm" type="submit">{label}</button>
                                                        </ActionForm>
                                                    }
                                                }).collect_view()}
                                                <ActionForm action=reset>
                                                    <input type="hidden" name="user_id" value=uid_reset />
                                                    <button class="btn btn-sm" type="submit">{lang.t("生成重置链接", "Reset link")}</button>
                                                </ActionForm>
                                            </div>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}
