//! Pages and components. Chinese by default; every string goes through `Lang::t`.
mod achievements;
mod admin;
mod auth;
mod bids;
mod calls;
mod common;
mod contracts;
mod dashboard;
mod demands;
mod experts;
mod files;
mod forms;
mod import;
mod lifecycle;
mod orgs;
mod reviews;
mod search;
mod stage_reviews;
mod targets;
mod tasks;

use crate::i18n::Lang;
use crate::model::{CurrentUser, RefData};
use common::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Html, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    hooks::use_location,
    path, SsrMode,
};

pub fn shell(options: LeptosOptions) -> impl IntoView {
    provide_csp_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The per-request nonce of the Content-Security-Policy header (set by the server's security
/// layer), carried in the request's extensions.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// Makes the request's CSP nonce the one Leptos writes on its hydration and streaming scripts,
/// so those run while any other inline script (an injected one) is refused by the browser.
fn provide_csp_nonce() {
    #[cfg(feature = "ssr")]
    if let Some(n) =
        use_context::<http::request::Parts>().and_then(|p| p.extensions.get::<CspNonce>().cloned())
    {
        provide_context(leptos::nonce::Nonce::from_value(n.0));
    }
}

/// Every page title passes through this formatter. leptos_meta 0.8.7 writes the title text
/// into the server-rendered `<title>` element without escaping it (`buf.push_str(&title)` in
/// `ServerMetaContextOutput::inject_meta_context`), so a demand titled `</title><script>…`
/// would run its script. On the server the text is escaped here, once for every `<Title>`;
/// in the browser it goes to `document.title`, which takes plain text.
fn format_title(lang: Lang, t: String) -> String {
    let full = if t.is_empty() {
        lang.t(
            "揭榜 · 南宁科技成果转化与揭榜挂帅平台",
            "Jiebang · Nanning technology challenges",
        )
        .to_string()
    } else {
        format!("{t} · {}", lang.t("揭榜", "Jiebang"))
    };
    #[cfg(feature = "ssr")]
    let full = crate::domain::text::escape_html(&full);
    full
}

/// The language this request renders in: the `lang` cookie, read on the server from the
/// request and in the browser from `document.cookie`, so both render the same.
fn initial_lang() -> Lang {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::COOKIE)
                    .and_then(|v| v.to_str().ok())
                    .map(Lang::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| d.cookie().ok())
            .map(|c| Lang::from_cookie_header(&c))
            .unwrap_or_default()
    }
    #[cfg(not(any(feature = "ssr", feature = "hydrate")))]
    {
        Lang::default()
    }
}

/// The signed-in user, re-read on every navigation so a login, logout or role change shows.
#[derive(Clone, Copy)]
pub struct SessionCtx(pub Resource<Result<Option<CurrentUser>, crate::error::AppError>>);

/// The signed-in reader's unread notifications (0 for a visitor).
#[derive(Clone, Copy)]
pub struct UnreadCtx(pub Resource<Result<i64, crate::error::AppError>>);

#[derive(Clone, Copy)]
pub struct RefCtx(pub Resource<Result<RefData, crate::error::AppError>>);

/// The districts and chains, for a page that shows them. Only such pages ask for them: the
/// list goes into the page's hydration data, and a page without it (the privacy notice, the
/// sign-in form) should not carry it. Call it at the top of the page's component, where the
/// server and the browser create it in the same order; components below reuse the page's.
pub fn use_refs() -> Resource<Result<RefData, crate::error::AppError>> {
    if let Some(r) = use_context::<RefCtx>() {
        return r.0;
    }
    let r = Resource::new(|| (), |_| ref_data_once());
    provide_context(RefCtx(r));
    r
}

/// In the browser the list is fetched at most once per tab, so moving between pages does not
/// fetch it again; on the server it comes from the in-process cache.
async fn ref_data_once() -> Result<RefData, crate::error::AppError> {
    #[cfg(not(feature = "ssr"))]
    {
        thread_local! {
            static HELD: std::cell::RefCell<Option<RefData>> = const { std::cell::RefCell::new(None) };
        }
        if let Some(d) = HELD.with(|h| h.borrow().clone()) {
            return Ok(d);
        }
        let d = crate::api::get_ref_data().await?;
        HELD.with(|h| *h.borrow_mut() = Some(d.clone()));
        Ok(d)
    }
    #[cfg(feature = "ssr")]
    {
        crate::api::get_ref_data().await
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let lang = initial_lang();
    provide_context(lang);
    view! {
        <Html attr:lang=lang.html_lang() />
        <Stylesheet id="leptos" href="/pkg/jiebang.css" />
        <Title formatter=move |t: String| format_title(lang, t) />
        <Router>
            <Shell />
        </Router>
    }
}

#[component]
fn Shell() -> impl IntoView {
    let location = use_location();
    let session = Resource::new(
        move || location.pathname.get(),
        |_| crate::api::session_info(),
    );
    provide_context(SessionCtx(session));
    // The bell's count, made here with the session (a resource made inside a suspended part of
    // the page would not hydrate in the order it was rendered).
    let unread = Resource::new(
        move || location.pathname.get(),
        |_| crate::api::unread_notifications(),
    );
    provide_context(UnreadCtx(unread));
    view! {
        <a class="skip-link" href="#main">{t("跳到主要内容", "Skip to main content")}</a>
        <Header />
        <main id="main" class="container">
            <Routes fallback=NotFound>
                <Route path=path!("") view=demands::HomePage ssr=SsrMode::Async />
                <Route path=path!("/demands/new") view=demands::DemandEditPage ssr=SsrMode::Async />
                <Route path=path!("/demands/:id/edit") view=demands::DemandEditPage ssr=SsrMode::Async />
                <Route path=path!("/demands/:id") view=demands::DemandDetailPage ssr=SsrMode::Async />
                <Route path=path!("/achievements") view=achievements::AchievementsPage ssr=SsrMode::Async />
                <Route path=path!("/achievements/new") view=achievements::AchievementEditPage ssr=SsrMode::Async />
                <Route path=path!("/achievements/:id/edit") view=achievements::AchievementEditPage ssr=SsrMode::Async />
                <Route path=path!("/achievements/:id") view=achievements::AchievementDetailPage ssr=SsrMode::Async />
                <Route path=path!("/my/achievements") view=achievements::MyAchievementsPage ssr=SsrMode::Async />
                <Route path=path!("/experts") view=experts::ExpertsPage ssr=SsrMode::Async />
                <Route path=path!("/experts/me") view=experts::MyExpertProfilePage ssr=SsrMode::Async />
                <Route path=path!("/experts/:id") view=experts::ExpertPage ssr=SsrMode::Async />
                <Route path=path!("/calls") view=calls::CallsPage ssr=SsrMode::Async />
                <Route path=path!("/calls/new") view=calls::CallEditPage ssr=SsrMode::Async />
                <Route path=path!("/calls/:id/edit") view=calls::CallEditPage ssr=SsrMode::Async />
                <Route path=path!("/calls/:id/bid") view=bids::NewBidPage ssr=SsrMode::Async />
                <Route path=path!("/calls/:id/review") view=reviews::CallReviewPage ssr=SsrMode::Async />
                <Route path=path!("/calls/:id/timeline") view=calls::CallTimelinePage ssr=SsrMode::Async />
                <Route path=path!("/calls/:id/tasks/new") view=tasks::TaskNewPage ssr=SsrMode::Async />
                <Route path=path!("/calls/:id/implementation") view=tasks::CallImplementationPage ssr=SsrMode::Async />
                <Route path=path!("/tasks/:id") view=tasks::TaskPage ssr=SsrMode::Async />
                <Route path=path!("/calls/:id") view=calls::CallDetailPage ssr=SsrMode::Async />
                <Route path=path!("/reviews/:id") view=reviews::ReviewPage ssr=SsrMode::Async />
                <Route path=path!("/my/reviews") view=reviews::MyReviewsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/holidays") view=reviews::HolidaysPage ssr=SsrMode::Async />
                <Route path=path!("/bids/:id/edit") view=bids::EditBidPage ssr=SsrMode::Async />
                <Route path=path!("/bids/:id") view=bids::BidPage ssr=SsrMode::Async />
                <Route path=path!("/my/bids") view=bids::MyBidsPage ssr=SsrMode::Async />
                <Route path=path!("/notifications") view=bids::NotificationsPage ssr=SsrMode::Async />
                <Route path=path!("/receipts") view=bids::VerifyReceiptPage ssr=SsrMode::Async />
                <Route path=path!("/contracts/new") view=contracts::ContractEditPage ssr=SsrMode::Async />
                <Route path=path!("/contracts/:id/edit") view=contracts::ContractEditPage ssr=SsrMode::Async />
                <Route path=path!("/contracts/:id") view=contracts::ContractPage ssr=SsrMode::Async />
                <Route path=path!("/my/contracts") view=contracts::MyContractsPage ssr=SsrMode::Async />
                <Route path=path!("/registry") view=contracts::RegistryPage ssr=SsrMode::Async />
                <Route path=path!("/dashboard") view=dashboard::DashboardPage ssr=SsrMode::Async />
                <Route path=path!("/dashboard/contracts") view=dashboard::DashboardContractsPage ssr=SsrMode::Async />
                <Route path=path!("/targets") view=targets::TargetsPage ssr=SsrMode::Async />
                <Route path=path!("/targets/:code") view=targets::TargetPage ssr=SsrMode::Async />
                <Route path=path!("/orgs/:id") view=orgs::OrgPage ssr=SsrMode::Async />
                <Route path=path!("/search") view=search::SearchPage ssr=SsrMode::Async />
                <Route path=path!("/my/demands") view=demands::MyDemandsPage ssr=SsrMode::Async />
                <Route path=path!("/review") view=demands::ReviewQueuePage ssr=SsrMode::Async />
                <Route path=path!("/login") view=auth::LoginPage ssr=SsrMode::Async />
                <Route path=path!("/register") view=auth::RegisterPage ssr=SsrMode::Async />
                <Route path=path!("/account") view=auth::AccountPage ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=auth::ForgotPage ssr=SsrMode::Async />
                <Route path=path!("/reset-password") view=auth::ResetPage ssr=SsrMode::Async />
                <Route path=path!("/privacy") view=auth::PrivacyPage ssr=SsrMode::Async />
                <Route path=path!("/admin/orgs") view=admin::OrgsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/import") view=import::ImportPage ssr=SsrMode::Async />
                <Route path=path!("/admin/users") view=admin::UsersPage ssr=SsrMode::Async />
            </Routes>
        </main>
        <Footer />
    }
}

/// A menu of sections in the header: a `<details>` element, so it opens by click, by keyboard
/// (Enter or Space on its summary) and without JavaScript. Marked current when one of its
/// pages is open.
#[component]
fn NavMenu(
    id: &'static str,
    label: &'static str,
    links: Vec<(&'static str, &'static str, &'static str)>,
) -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let paths: Vec<&'static str> = links.iter().map(|l| l.0).collect();
    let current = move || {
        let p = location.pathname.get();
        paths.iter().any(|x| nav_current(p.clone(), x).is_some())
    };
    view! {
        <details class="nav-menu" data-testid=id>
            <summary class:current=current>{label}</summary>
            <ul class="nav-menu-list">
                {links
                    .into_iter()
                    .map(|(href, zh, en)| view! {
                        <li><a href=href aria-current=move || nav_current(location.pathname.get(), href)>{lang.t(zh, en)}</a></li>
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}

#[component]
fn Header() -> impl IntoView {
    let lang = use_lang();
    let session = expect_context::<SessionCtx>().0;
    let unread = expect_context::<UnreadCtx>().0;
    let location = use_location();
    let here = move || {
        let q = location.search.get();
        let p = location.pathname.get();
        if q.is_empty() {
            p
        } else {
            format!("{p}?{q}")
        }
    };
    let switch_href = move |l: &str| format!("/lang/{l}?next={}", urlencode(&here()));
    view! {
        <header class="site-header">
            <div class="header-inner">
                <a class="brand" href="/">
                    <span class="brand-mark" aria-hidden="true">"揭"</span>
                    <span class="brand-name">{lang.t("揭榜", "Jiebang")}</span>
                    <small class="brand-sub">{lang.t("南宁市科技成果转化与揭榜挂帅平台", "Nanning technology transfer & open challenges")}</small>
                </a>
                <div class="header-right">
                    <form class="header-search" method="get" action="/search" role="search">
                        <label for="header-q" class="sr-only">{lang.t("搜索", "Search")}</label>
                        <input id="header-q" name="q" type="search" maxlength="200" placeholder=lang.t("搜索需求、成果、专家", "Search") />
                    </form>
                    <div class="lang-switch" role="group" aria-label="语言 / Language">
                        <a href=move || switch_href("zh") rel="external" class:active=lang == Lang::Zh lang="zh-CN">"中文"</a>
                        <a href=move || switch_href("en") rel="external" class:active=lang == Lang::En lang="en">"EN"</a>
                    </div>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let unread_n = unread.await.unwrap_or(0);
                            match session.await.ok().flatten() {
                                Some(u) => {
                                    let role = u.roles.first().map(|r| lang.pick(r.label_zh(), r.label_en()).to_string());
                                    view! {
                                        <div class="user-menu">
                                            {bell(unread_n, lang)}
                                            <a href="/account" class="user-name">{u.display_name.clone()}</a>
                                            {role.map(|r| view! { <span class="user-role tag tag-blue">{r}</span> })}
                                            {u.org.as_ref().map(|o| view! { <span class="user-org">{o.name.clone()}</span> })}
                                            <form class="inline-form" method="post" action="/auth/logout">
                                                <button type="submit" class="btn-link" data-testid="logout">{lang.t("退出", "Sign out")}</button>
                                            </form>
                                        </div>
                                    }
                                    .into_any()
                                }
                                None => view! {
                                    <div class="user-menu">
                                        <a href="/login" class="btn btn-sm">{lang.t("登录", "Sign in")}</a>
                                        <a href="/register" class="btn btn-primary btn-sm">{lang.t("注册", "Register")}</a>
                                    </div>
                                }
                                .into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </div>
            <div class="nav-bar">
                <nav class="main-nav" aria-label=lang.t("主导航", "Main")>
                    // Public sections first, for everyone.
                    <a href="/" aria-current=move || nav_current(location.pathname.get(), "/")>{lang.t("技术需求", "Demands")}</a>
                    <a href="/calls" aria-current=move || nav_current(location.pathname.get(), "/calls")>{lang.t("揭榜挂帅", "Open calls")}</a>
                    <a href="/achievements" aria-current=move || nav_current(location.pathname.get(), "/achievements")>{lang.t("科技成果", "Achievements")}</a>
                    <a href="/experts" aria-current=move || nav_current(location.pathname.get(), "/experts")>{lang.t("专家库", "Experts")}</a>
                    <a href="/dashboard" aria-current=move || nav_current(location.pathname.get(), "/dashboard")>{lang.t("成交统计", "Statistics")}</a>
                    <a href="/targets" aria-current=move || nav_current(location.pathname.get(), "/targets")>{lang.t("目标监测", "Targets")}</a>
                    <a href="/search" aria-current=move || nav_current(location.pathname.get(), "/search")>{lang.t("搜索", "Search")}</a>
                    // Then what the signed-in person works on, grouped by role in menus that
                    // open without JavaScript (details/summary) and by keyboard.
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let user = session.await.ok().flatten();
                            user.map(|u| {
                                use crate::domain::Role;
                                let mine: Vec<(&'static str, &'static str, &'static str)> = [
                                    u.has(Role::EnterpriseMember).then_some(("/my/demands", "我的需求", "My demands")),
                                    (u.has(Role::EnterpriseMember) || u.has(Role::Researcher)).then_some(("/my/achievements", "我的成果", "My achievements")),
                                    (u.has(Role::EnterpriseMember) || u.has(Role::Researcher)).then_some(("/my/bids", "我的揭榜", "My bids")),
                                    (u.has(Role::EnterpriseMember) || u.has(Role::Researcher)).then_some(("/my/contracts", "我的技术合同", "My contracts")),
                                    u.has(Role::Clerk).then_some(("/registry", "技术合同登记", "Contract registry")),
                                    u.has(Role::Clerk).then_some(("/admin/import?kind=contracts", "导入登记台账", "Import the registry sheet")),
                                    u.has(Role::Expert).then_some(("/experts/me", "我的专家资料", "My expert profile")),
                                    u.has(Role::Expert).then_some(("/my/reviews", "我的评审", "My reviews")),
                                    Some(("/account", "我的账号", "My account")),
                                ]
                                .into_iter()
                                .flatten()
                                .collect();
                                let admin: Vec<(&'static str, &'static str, &'static str)> = if u.has(Role::Official) {
                                    vec![
                                        ("/review", "需求与成果审核", "Review queue"),
                                        ("/admin/orgs", "机构管理", "Organizations"),
                                        ("/admin/users", "用户与角色", "Users and roles"),
                                        ("/admin/import", "批量导入", "Bulk import"),
                                        ("/admin/holidays", "节假日安排", "Holiday calendar"),
                                    ]
                                } else {
                                    vec![]
                                };
                                view! {
                                    <NavMenu id="nav-mine" label=lang.t("我的工作台", "My workbench") links=mine />
                                    {(!admin.is_empty()).then(|| view! { <NavMenu id="nav-admin" label=lang.t("管理", "Administration") links=admin /> })}
                                }
                            })
                        })}
                    </Transition>
                </nav>
            </div>
        </header>
    }
}

/// The bell: a link to the notifications with the unread count (read again on every
/// navigation, with the session, in the same suspended part of the header).
fn bell(n: i64, lang: Lang) -> impl IntoView {
    let label = match lang {
        Lang::Zh => format!("通知（{n} 条未读）"),
        Lang::En => format!("Notifications ({n} unread)"),
    };
    view! {
        <a href="/notifications" class="bell" aria-label=label data-testid="bell">
            {lang.t("通知", "Alerts")}
            {(n > 0).then(|| view! { <span class="badge" data-testid="unread">{n}</span> })}
        </a>
    }
}

/// `aria-current="page"` for the section the path is in (the home link only for "/").
fn nav_current(path: String, href: &str) -> Option<&'static str> {
    let here = if href == "/" {
        path == "/"
    } else {
        path == href || path.starts_with(&format!("{href}/"))
    };
    here.then_some("page")
}

#[component]
fn Footer() -> impl IntoView {
    let lang = use_lang();
    view! {
        <footer class="site-footer">
            <p>{lang.t("主办单位：南宁市科学技术局", "Operated by the Nanning Municipal Bureau of Science and Technology")}</p>
            <p class="small">
                {lang.t("联系电话：0771-0000000（演示）", "Contact: 0771-0000000 (demo)")}
                " · "
                <a href="/privacy">{lang.t("个人信息保护声明", "Privacy notice")}</a>
            </p>
            <p class="small muted hydrated-indicator" data-testid="hydration">
                <HydrationMark />
            </p>
        </footer>
    }
}

/// Shows "interactive" only once the browser has run the wasm: an end-to-end test waits for it
/// to prove hydration happened.
#[component]
fn HydrationMark() -> impl IntoView {
    let lang = use_lang();
    let (ready, set_ready) = signal(false);
    Effect::new(move |_| set_ready.set(true));
    move || {
        if ready.get() {
            view! { <span data-hydrated="true">{lang.t("页面已就绪", "Page ready")}</span> }
                .into_any()
        } else {
            view! { <span data-hydrated="false">{lang.t("页面加载中", "Loading")}</span> }
                .into_any()
        }
    }
}

#[component]
fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(r) = use_context::<leptos_axum::ResponseOptions>() {
        r.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t("页面不存在", "Page not found") />
        <div class="card empty-state">
            <h1>{t("页面不存在", "Page not found")}</h1>
            <p>{t("您访问的页面不存在或已被移除。", "The page you asked for does not exist.")}</p>
            <a class="btn btn-primary" href="/">{t("返回首页", "Back to the home page")}</a>
        </div>
    }
}
