//! Accounts: sign in, register (with organization), password change and reset, privacy notice,
//! and the member list of one's organization.
use super::common::*;
use super::SessionCtx;
use crate::api::{ChangePassword, DecideMember, ForgotPassword, Login, Register, ResetPassword};
use crate::domain::OrgType;
use crate::i18n::Lang;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let login = ServerAction::<Login>::new();
    let errors = field_errors(login.value());
    let echo = use_echo();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".into());
    let notice = move || {
        let q = query.read();
        if q.get("changed").is_some() {
            Some(lang.t(
                "密码已修改，请用新密码登录。",
                "Your password was changed; sign in with the new one.",
            ))
        } else if q.get("reset").is_some() {
            Some(lang.t(
                "密码已重置，请登录。",
                "Your password was reset; please sign in.",
            ))
        } else {
            None
        }
    };
    view! {
        <Title text=lang.t("登录", "Sign in") />
        <div class="auth-card card">
            <h1 class="page-title">{lang.t("登录", "Sign in")}</h1>
            {move || notice().map(|n| view! { <div class="notice notice-success">{n}</div> })}
            <ErrorSummary value=login.value() />
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    let email = echoed::<Login>(&echo.await).map(|l| l.email).unwrap_or_default();
                    view! {
                    <ActionForm action=login attr:class="form" attr:novalidate="true">
                        <input type="hidden" name="next" value=next />
                        <div class="field" class:has-error=has_error(errors, "email")>
                            <label for="email" class="required">{lang.t("邮箱", "E-mail")}</label>
                            <input id="email" name="email" type="email" autocomplete="username" required value=email />
                            <FieldMsg errors field="email" />
                        </div>
                        <div class="field" class:has-error=has_error(errors, "password")>
                            <label for="password" class="required">{lang.t("密码", "Password")}</label>
                            <input id="password" name="password" type="password" autocomplete="current-password" required />
                            <FieldMsg errors field="password" />
                        </div>
                        <div class="form-actions">
                            <button class="btn btn-primary" type="submit" data-testid="login-submit">{lang.t("登录", "Sign in")}</button>
                            <a href="/forgot-password">{lang.t("忘记密码？", "Forgot your password?")}</a>
                        </div>
                    </ActionForm>
                    }
                })}
            </Suspense>
            <p class="muted">{lang.t("还没有账号？", "No account yet? ")}<a href="/register">{lang.t("注册", "Register")}</a></p>
        </div>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let lang = use_lang();
    let refs = super::use_refs();
    let reg = ServerAction::<Register>::new();
    let errors = field_errors(reg.value());
    let echo = use_echo();
    let cls = move |f: &'static str| {
        let he = has_error(errors, f);
        move || if he() { "field has-error" } else { "field" }
    };
    view! {
        <Title text=lang.t("注册", "Register") />
        <div class="page-header">
            <div>
                <h1 class="page-title">{lang.t("注册账号", "Create an account")}</h1>
                <p class="page-desc">{lang.t("注册机构的第一位成员将成为该机构的管理员，负责审核后续加入的成员。机构由管理人员核验后显示“已认证”。", "The first person to register an organization administers it and admits later members. Officials verify organizations.")}</p>
            </div>
        </div>
        <ErrorSummary value=reg.value() />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let refs = refs.await.unwrap_or_default();
                // What a post without JavaScript sent back (passwords are never kept).
                let r = echoed::<Register>(&echo.await);
                let v = |f: fn(&Register) -> Option<String>| r.as_ref().and_then(f).unwrap_or_default();
                let (email, display_name, credit_code) = (v(|r| Some(r.email.clone())), v(|r| Some(r.display_name.clone())), v(|r| Some(r.credit_code.clone())));
                let (org_name, contact_name, contact_phone, dispute_reason) = (v(|r| r.org_name.clone()), v(|r| r.contact_name.clone()), v(|r| r.contact_phone.clone()), v(|r| r.dispute_reason.clone()));
                let mode = r.as_ref().map(|r| r.mode.clone()).filter(|m| ["new", "join", "dispute"].contains(&m.as_str())).unwrap_or_else(|| "new".into());
                let (org_type, district) = (v(|r| r.org_type.clone()), v(|r| r.district.clone()));
                let privacy = r.as_ref().is_some_and(|r| r.privacy.is_some());
                view! {
                    <ActionForm action=reg attr:class="form card register-form" attr:novalidate="true">
                        <fieldset>
                            <legend>{lang.t("账号信息", "Your account")}</legend>
                            <div class=cls("email")>
                                <label for="email" class="required">{lang.t("邮箱", "E-mail")}</label>
                                <input id="email" name="email" type="email" autocomplete="email" maxlength="254" value=email />
                                <FieldMsg errors field="email" />
                            </div>
                            <div class=cls("display_name")>
                                <label for="display_name" class="required">{lang.t("姓名", "Name")}</label>
                                <input id="display_name" name="display_name" type="text" maxlength="50" autocomplete="name" value=display_name />
                                <FieldMsg errors field="display_name" />
                            </div>
                            <div class="grid-2">
                                <div class=cls("password")>
                                    <label for="password" class="required">{lang.t("密码", "Password")}</label>
                                    <p class="hint">{lang.t("至少 10 位，包含字母、数字、符号中的两类", "At least 10 characters mixing two of letters, digits, symbols")}</p>
                                    <input id="password" name="password" type="password" autocomplete="new-password" />
                                    <FieldMsg errors field="password" />
                                </div>
                                <div class=cls("password_confirm")>
                                    <label for="password_confirm" class="required">{lang.t("确认密码", "Repeat password")}</label>
                                    <p class="hint">" "</p>
                                    <input id="password_confirm" name="password_confirm" type="password" autocomplete="new-password" />
                                    <FieldMsg errors field="password_confirm" />
                                </div>
                            </div>
                        </fieldset>
                        <fieldset>
                            <legend>{lang.t("所属机构", "Your organization")}</legend>
                            <div class="field">
                                <div class="checkbox-row">
                                    <input type="radio" id="mode-new" name="mode" value="new" checked=mode == "new" />
                                    <label for="mode-new">{lang.t("登记新机构", "Register a new organization")}</label>
                                </div>
                                <div class="checkbox-row">
                                    <input type="radio" id="mode-join" name="mode" value="join" checked=mode == "join" />
                                    <label for="mode-join">{lang.t("申请加入已登记的机构（由该机构管理员审核）", "Ask to join a registered organization (its administrator admits you)")}</label>
                                </div>
                                <div class="checkbox-row">
                                    <input type="radio" id="mode-dispute" name="mode" value="dispute" checked=mode == "dispute" />
                                    <label for="mode-dispute">{lang.t("本机构的信用代码已被他人登记，提请管理人员裁定", "Our credit code was registered by someone else: ask an official to decide")}</label>
                                </div>
                            </div>
                            <div class=cls("credit_code")>
                                <label for="credit_code" class="required">{lang.t("统一社会信用代码", "Unified social credit code")}</label>
                                <p class="hint">{lang.t("18 位，见营业执照或登记证书", "18 characters, as on the business licence or registration certificate")}</p>
                                <input id="credit_code" name="credit_code" type="text" maxlength="40" class="mono" autocomplete="off" value=credit_code />
                                <FieldMsg errors field="credit_code" />
                            </div>
                            <div class=move || format!("{} mode-dispute", cls("dispute_reason")())>
                                <label for="dispute_reason" class="required">{lang.t("异议说明", "Why the code is yours")}</label>
                                <p class="hint">{lang.t("说明您与该机构的关系，管理人员将核实营业执照等材料后裁定", "Explain your relation to the organization; an official checks the licence and decides")}</p>
                                <TextArea id="dispute_reason" rows=3 maxlength=1000 value=dispute_reason />
                                <FieldMsg errors field="dispute_reason" />
                            </div>
                            <div class="mode-new">
                                <div class=cls("org_name")>
                                    <label for="org_name" class="required">{lang.t("机构名称", "Organization name")}</label>
                                    <input id="org_name" name="org_name" type="text" maxlength="100" value=org_name />
                                    <FieldMsg errors field="org_name" />
                                </div>
                                <div class="grid-2">
                                    <div class=cls("org_type")>
                                        <label for="org_type" class="required">{lang.t("机构类型", "Type")}</label>
                                        <select id="org_type" name="org_type">
                                            <option value="">{lang.t("请选择", "Choose")}</option>
                                            {OrgType::ALL.iter().map(|o| view! { <option value=o.as_str() selected=org_type == o.as_str()>{lang.pick(o.label_zh(), o.label_en()).to_string()}</option> }).collect_view()}
                                        </select>
                                        <FieldMsg errors field="org_type" />
                                    </div>
                                    <div class=cls("district")>
                                        <label for="district" class="required">{lang.t("所在区域", "District")}</label>
                                        <select id="district" name="district">
                                            <option value="">{lang.t("请选择", "Choose")}</option>
                                            {refs.districts.iter().map(|d| view! { <option value=d.code.clone() selected=district == d.code>{lang.pick(&d.name_zh, &d.name_en).to_string()}</option> }).collect_view()}
                                        </select>
                                        <FieldMsg errors field="district" />
                                    </div>
                                </div>
                                <div class="grid-2">
                                    <div class=cls("contact_name")>
                                        <label for="contact_name" class="required">{lang.t("联系人", "Contact person")}</label>
                                        <input id="contact_name" name="contact_name" type="text" maxlength="50" value=contact_name />
                                        <FieldMsg errors field="contact_name" />
                                    </div>
                                    <div class=cls("contact_phone")>
                                        <label for="contact_phone" class="required">{lang.t("联系电话", "Contact phone")}</label>
                                        <input id="contact_phone" name="contact_phone" type="tel" maxlength="20" value=contact_phone />
                                        <FieldMsg errors field="contact_phone" />
                                    </div>
                                </div>
                            </div>
                        </fieldset>
                        <div class=cls("privacy")>
                            <div class="checkbox-row">
                                <input type="checkbox" id="privacy" name="privacy" value="yes" checked=privacy />
                                <label for="privacy">
                                    {lang.t("我已阅读并同意", "I have read and accept the ")}
                                    <a href="/privacy" target="_blank" rel="external">{lang.t("《个人信息保护声明》", "privacy notice")}</a>
                                </label>
                            </div>
                            <FieldMsg errors field="privacy" />
                        </div>
                        <div class="form-actions">
                            <button class="btn btn-primary" type="submit" data-testid="register-submit">{lang.t("注册", "Register")}</button>
                        </div>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn AccountPage() -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionCtx>().0;
    let query = use_query_map();
    let change = ServerAction::<ChangePassword>::new();
    let errors = field_errors(change.value());
    let decide = ServerAction::<DecideMember>::new();
    let members = Resource::new(
        move || decide.version().get(),
        |_| crate::api::org_members(),
    );
    let welcome = move || query.read().get("welcome").is_some();
    view! {
        <Title text=lang.t("我的账号", "My account") />
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                let Some(u) = session.await.ok().flatten() else {
                    return error_view(&crate::error::AppError::Unauthenticated, lang);
                };
                let admin = u.is_org_admin && u.membership_active;
                view! {
                    <div class="page-header"><div><h1 class="page-title">{lang.t("我的账号", "My account")}</h1></div></div>
                    {welcome().then(|| view! { <div class="notice notice-success" data-testid="welcome">{lang.t("注册成功，欢迎使用揭榜平台。", "Registration complete. Welcome to Jiebang.")}</div> })}
                    {(!u.membership_active).then(|| view! { <div class="notice notice-warning">{lang.t("您的加入申请正在等待机构管理员审核。", "Your request to join is waiting for the organization's administrator.")}</div> })}
                    <div class="card">
                        <dl class="desc-list">
                            <dt>{lang.t("姓名", "Name")}</dt><dd>{u.display_name.clone()}</dd>
                            <dt>{lang.t("邮箱", "E-mail")}</dt><dd>{u.email.clone()}</dd>
                            <dt>{lang.t("角色", "Roles")}</dt>
                            <dd data-testid="roles">{u.roles.iter().map(|r| lang.pick(r.label_zh(), r.label_en()).to_string()).collect::<Vec<_>>().join("、")}</dd>
                            <dt>{lang.t("机构", "Organization")}</dt>
                            <dd>
                                {u.org.as_ref().map(|o| view! {
                                    {o.name.clone()}" "
                                    <span class="mono small">{o.credit_code.clone()}</span>" "
                                    {if o.verified {
                                        view! { <span class="badge-verified">{lang.t("已认证", "Verified")}</span> }.into_any()
                                    } else {
                                        view! { <span class="tag tag-gold">{lang.t("待认证", "Awaiting verification")}</span> }.into_any()
                                    }}
                                })}
                            </dd>
                        </dl>
                    </div>
                    {(u.org.is_some() && u.membership_active).then(|| view! {
                        <div class="card">
                            <h2 class="card-title">{lang.t("机构成员", "Members")}</h2>
                            <ErrorSummary value=decide.value() />
                            <Suspense fallback=loading>
                                {move || Suspend::new(async move {
                                    match members.await {
                                        Err(e) => error_view(&e, lang),
                                        Ok(ms) => view! {
                                            <div class="table-wrap"><table class="data-table">
                                                <thead><tr>
                                                    <th scope="col">{lang.t("姓名", "Name")}</th>
                                                    <th scope="col">{lang.t("邮箱", "E-mail")}</th>
                                                    <th scope="col">{lang.t("状态", "Status")}</th>
                                                    <th scope="col">{lang.t("操作", "Actions")}</th>
                                                </tr></thead>
                                                <tbody>
                                                {ms.into_iter().map(|m| {
                                                    let uid = m.user_id.to_string();
                                                    view! {
                                                        <tr>
                                                            <td>{m.display_name.clone()}{m.is_org_admin.then(|| lang.t("（管理员）", " (administrator)"))}</td>
                                                            <td>{m.email.clone()}</td>
                                                            <td>{if m.active { view! { <span class="tag tag-green">{lang.t("已加入", "Member")}</span> }.into_any() } else { view! { <span class="tag tag-gold">{lang.t("待审核", "Pending")}</span> }.into_any() }}</td>
                                                            <td>{(admin && !m.active).then(|| { let uid2 = uid.clone(); view! {
                                                                <div class="row">
                                                                    <ActionForm action=decide>
                                                                        <input type="hidden" name="user_id" value=uid />
                                                                        <input type="hidden" name="admit" value="true" />
                                                                        <button class="btn btn-primary btn-sm" type="submit">{lang.t("同意加入", "Admit")}</button>
                                                                    </ActionForm>
                                                                    <ActionForm action=decide>
                                                                        <input type="hidden" name="user_id" value=uid2 />
                                                                        <input type="hidden" name="admit" value="false" />
                                                                        <button class="btn btn-sm" type="submit">{lang.t("拒绝", "Decline")}</button>
                                                                    </ActionForm>
                                                                </div>
                                                            }})}</td>
                                                        </tr>
                                                    }
                                                }).collect_view()}
                                                </tbody>
                                            </table></div>
                                        }.into_any(),
                                    }
                                })}
                            </Suspense>
                        </div>
                    })}
                    <div class="card">
                        <h2 class="card-title">{lang.t("修改密码", "Change password")}</h2>
                        <ErrorSummary value=change.value() />
                        <ActionForm action=change attr:class="form" attr:novalidate="true">
                            <div class="field" class:has-error=has_error(errors, "old_password")>
                                <label for="old_password" class="required">{lang.t("当前密码", "Current password")}</label>
                                <input id="old_password" name="old_password" type="password" autocomplete="current-password" />
                                <FieldMsg errors field="old_password" />
                            </div>
                            <div class="field" class:has-error=has_error(errors, "new_password")>
                                <label for="new_password" class="required">{lang.t("新密码", "New password")}</label>
                                <input id="new_password" name="new_password" type="password" autocomplete="new-password" />
                                <FieldMsg errors field="new_password" />
                            </div>
                            <div class="field" class:has-error=has_error(errors, "new_password_confirm")>
                                <label for="new_password_confirm" class="required">{lang.t("确认新密码", "Repeat new password")}</label>
                                <input id="new_password_confirm" name="new_password_confirm" type="password" autocomplete="new-password" />
                                <FieldMsg errors field="new_password_confirm" />
                            </div>
                            <button class="btn btn-primary" type="submit">{lang.t("修改密码", "Change password")}</button>
                        </ActionForm>
                    </div>
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
pub fn ForgotPage() -> impl IntoView {
    let lang = use_lang();
    let forgot = ServerAction::<ForgotPassword>::new();
    let query = use_query_map();
    // `sent` is where a post without JavaScript lands.
    let done =
        move || matches!(forgot.value().get(), Some(Ok(_))) || query.read().get("sent").is_some();
    view! {
        <Title text=lang.t("找回密码", "Reset your password") />
        <div class="auth-card card">
            <h1 class="page-title">{lang.t("找回密码", "Reset your password")}</h1>
            <ErrorSummary value=forgot.value() />
            {move || done().then(|| view! {
                <div class="notice notice-success" data-testid="forgot-done">
                    {lang.t("如果该邮箱已注册，重置链接已发送，2 小时内有效。", "If that e-mail is registered, a reset link has been sent; it is valid for 2 hours.")}
                </div>
            })}
            <ActionForm action=forgot attr:class="form">
                <div class="field">
                    <label for="email" class="required">{lang.t("注册邮箱", "Your e-mail")}</label>
                    <input id="email" name="email" type="email" autocomplete="email" />
                </div>
                <button class="btn btn-primary" type="submit">{lang.t("发送重置链接", "Send reset link")}</button>
            </ActionForm>
            <p class="muted small">{lang.t("无法接收邮件时，可联系管理人员为您生成重置链接。", "If you cannot receive e-mail, an official can issue a reset link.")}</p>
        </div>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let lang = use_lang();
    let query = use_query_map();
    let reset = ServerAction::<ResetPassword>::new();
    let errors = field_errors(reset.value());
    let token = move || query.read().get("token").unwrap_or_default();
    view! {
        <Title text=lang.t("设置新密码", "Set a new password") />
        <div class="auth-card card">
            <h1 class="page-title">{lang.t("设置新密码", "Set a new password")}</h1>
            <ErrorSummary value=reset.value() />
            <ActionForm action=reset attr:class="form" attr:novalidate="true">
                <input type="hidden" name="token" value=token />
                <div class="field" class:has-error=has_error(errors, "new_password")>
                    <label for="new_password" class="required">{lang.t("新密码", "New password")}</label>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password" />
                    <FieldMsg errors field="new_password" />
                </div>
                <div class="field" class:has-error=has_error(errors, "new_password_confirm")>
                    <label for="new_password_confirm" class="required">{lang.t("确认新密码", "Repeat new password")}</label>
                    <input id="new_password_confirm" name="new_password_confirm" type="password" autocomplete="new-password" />
                    <FieldMsg errors field="new_password_confirm" />
                </div>
                <button class="btn btn-primary" type="submit">{lang.t("设置新密码", "Set password")}</button>
            </ActionForm>
        </div>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    let lang = use_lang();
    view! {
        <Title text=lang.t("个人信息保护声明", "Privacy notice") />
        <div class="card">
            <h1 class="page-title">{lang.t("个人信息保护声明", "Privacy notice")}</h1>
            {match lang {
                Lang::Zh => view! {
                    <p>"南宁市科学技术局（个人信息处理者）依据《中华人民共和国个人信息保护法》处理您在本平台提供的个人信息。"</p>
                    <ul>
                        <li>"处理目的：账号注册与登录、机构认证、技术需求与成果对接、揭榜挂帅项目管理、技术合同登记统计。"</li>
                        <li>"处理的信息：姓名、邮箱、联系电话、所属机构及您提交的业务信息；密码仅以不可逆的加密摘要保存。"</li>
                        <li>"保存期限：账号存续期间及法律法规要求的期限；操作记录按政务审计要求保存。"</li>
                        <li>"您的权利：查阅、复制、更正、删除个人信息，撤回同意，注销账号。请联系平台运营单位。"</li>
                        <li>"我们不会向第三方出售您的个人信息；保密需求详情仅向所属机构和管理人员展示。"</li>
                    </ul>
                }.into_any(),
                Lang::En => view! {
                    <p>"The Nanning Municipal Bureau of Science and Technology processes the personal information you give this platform under the Personal Information Protection Law of the PRC."</p>
                    <ul>
                        <li>"Purposes: accounts and sign-in, organization verification, matching demands and achievements, managing open challenges, statistics of technology contracts."</li>
                        <li>"Data: name, e-mail, phone, organization and the business information you submit; passwords are kept only as irreversible hashes."</li>
                        <li>"Retention: while your account exists and as the law requires; activity records as government audit rules require."</li>
                        <li>"Your rights: access, copy, correct and delete your information, withdraw consent, close your account — contact the operator."</li>
                        <li>"We never sell personal information; confidential demand details are shown only to their organization and to officials."</li>
                    </ul>
                }.into_any(),
            }}
        </div>
    }
}
