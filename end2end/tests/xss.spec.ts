import { test, expect, creditCode, hydrated, login, DEMO, Page } from "./fixtures";

// Stored script injection, tried as an attacker would: every text a user can save is stored
// with each payload shape below (through the forms, the import and the search box), then every
// page that shows it is opened as every role that can see it. No payload may run (the global it
// would set stays unset and no dialog opens) and each must be shown literally, as typed.
//
// Adding a page: one line in PAGES. Adding a field: put `p` (the payload) in the record that
// the import or the form saves below.

// Each shape fits the shortest field it goes into (30 characters: an expert's 职称).
const SHAPES = [
  `</title><script>__x=1</script>`,
  `"><img src=x onerror=__x=2>`,
  `</script><svg onload=__x=3>`,
  `<svg onload=alert(4)>`,
  `javascript:__x=5`,
  `{{7*7}}{{__x=6}}`,
  `</textarea><svg onload=__x=7>`,
];
// Keywords are split on spaces and commas and hold at most 20 characters each.
const KEYWORDS = [`<svg/onload=__x=7>`, `</title>`, `</script>`, `{{7*7}}`, `javascript:__x=5`];

type Role = "visitor" | "owner" | "official" | "reviewer" | "team";
type Ids = Record<"demand" | "ownDemand" | "achievement" | "org" | "expert" | "call" | "bid" | "contract", string[]>;
// A visit: the path, and the texts it must show literally.
type Visit = [string, string[]];
interface PageCase {
  roles: Role[];
  visits: (ids: Ids) => Visit[];
}

const mark = (kind: string, i: number) => `XSS${kind}${i}`;
const titled = (kind: string, sep = " ") => (i: number) => `${mark(kind, i)}${sep}${SHAPES[i]}`;
const demandTitle = titled("需求");
const ownTitle = titled("自有需求");
const achTitle = titled("成果");
const orgName = (i: number) => `南宁${mark("机构", i)}${SHAPES[i]}`;
const expertName = titled("专家", "");
const callTitle = titled("榜单");
const bidTitle = titled("申报");
const contractTitle = titled("合同");
// One visit per stored record (showing that record's texts), or one list showing all of them.
const each = (list: string[], path: (id: string) => string, shows: (i: number) => string[]): Visit[] =>
  list.map((id, i) => [path(id), i < SHAPES.length ? shows(i) : []]);
const all = (...fs: ((i: number) => string)[]) => SHAPES.flatMap((_, i) => fs.map((f) => f(i)));

// Every page that shows stored user text, and who can see it. One line per page.
const PAGES: Record<string, PageCase> = {
  home: { roles: ["visitor", "official"], visits: () => [["/", all(demandTitle)]] },
  demand: { roles: ["visitor", "official", "reviewer"], visits: (ids) => each(ids.demand, (id) => `/demands/${id}`, (i) => [demandTitle(i), `描述 ${SHAPES[i]} 需要解决`, `领域${SHAPES[i]}`, orgName(i)]) },
  ownDemand: { roles: ["owner", "official"], visits: (ids) => each(ids.ownDemand, (id) => `/demands/${id}`, (i) => [ownTitle(i), `保密 ${SHAPES[i]}`]) },
  ownDemandEdit: { roles: ["owner"], visits: (ids) => each(ids.ownDemand.slice(0, 2), (id) => `/demands/${id}/edit`, () => []) },
  myDemands: { roles: ["owner"], visits: () => [["/my/demands", all(ownTitle)]] },
  achievements: { roles: ["visitor", "reviewer"], visits: () => [["/achievements", all(achTitle)]] },
  achievement: { roles: ["visitor", "owner", "official"], visits: (ids) => each(ids.achievement, (id) => `/achievements/${id}`, (i) => [achTitle(i), `领域${SHAPES[i]}`]) },
  myAchievements: { roles: ["owner"], visits: () => [["/my/achievements", []]] },
  org: { roles: ["visitor", "official"], visits: (ids) => each(ids.org, (id) => `/orgs/${id}`, (i) => [orgName(i), demandTitle(i), expertName(i)]) },
  expert: { roles: ["visitor", "official", "reviewer"], visits: (ids) => each(ids.expert, (id) => `/experts/${id}`, (i) => [expertName(i), `简介 ${SHAPES[i]}`, orgName(i)]) },
  experts: { roles: ["visitor", "official"], visits: () => [["/experts", all(expertName)]] },
  searchQuery: { roles: ["visitor"], visits: () => SHAPES.map((s) => [`/search?q=${encodeURIComponent(s)}`, []]) },
  searchHits: { roles: ["visitor", "official"], visits: () => [["/search?q=XSS&per_page=50", []], ["/search?kind=organization&q=XSS", []]] },
  adminOrgs: { roles: ["official"], visits: () => [["/admin/orgs", all(orgName)]] },
  adminUsers: { roles: ["official"], visits: () => [["/admin/users", all(expertName)]] },
  account: { roles: ["owner"], visits: () => [["/account", []]] },
  ownExpertProfile: { roles: ["reviewer"], visits: () => [["/experts/me", []]] },
  calls: { roles: ["visitor", "official"], visits: () => [["/calls", all(callTitle)]] },
  call: { roles: ["visitor", "official", "team"], visits: (ids) => each(ids.call, (id) => `/calls/${id}`, (i) => [callTitle(i), `背景 ${SHAPES[i]} 需要攻关`, `指标${SHAPES[i]}`, `签约${SHAPES[i]}`]) },
  newBid: { roles: ["team"], visits: (ids) => [[`/calls/${ids.call[0]}/bid`, [callTitle(0)]]] },
  bid: { roles: ["team"], visits: (ids) => each(ids.bid, (id) => `/bids/${id}`, (i) => [bidTitle(i), `技术方案 ${SHAPES[i]} 分三阶段完成验证并满足全部考核指标`, `计划${SHAPES[i]}`]) },
  myBids: { roles: ["team"], visits: () => [["/my/bids", all(bidTitle)]] },
  callTimeline: { roles: ["visitor", "official"], visits: (ids) => each(ids.call, (id) => `/calls/${id}/timeline`, (i) => [callTitle(i)]) },
  callReview: { roles: ["official"], visits: (ids) => each(ids.call.slice(0, 2), (id) => `/calls/${id}/review`, (i) => [callTitle(i)]) },
  notifications: { roles: ["team", "official"], visits: () => [["/notifications", []]] },
  myReviews: { roles: ["reviewer"], visits: () => [["/my/reviews", []]] },
  holidays: { roles: ["official"], visits: () => [["/admin/holidays", []]] },
  contract: { roles: ["owner", "official"], visits: (ids) => each(ids.contract, (id) => `/contracts/${id}`, (i) => [contractTitle(i), `对方${SHAPES[i]}`, `领域${SHAPES[i]}`]) },
  contractEdit: { roles: ["owner"], visits: (ids) => each(ids.contract.slice(0, 2), (id) => `/contracts/${id}/edit`, () => []) },
  myContracts: { roles: ["owner"], visits: () => [["/my/contracts", all(contractTitle)]] },
  // The dashboard repeats a bad filter's value in its notice: every payload as a filter value.
  dashboard: { roles: ["visitor", "official"], visits: () => SHAPES.map((s) => [`/dashboard?district=${encodeURIComponent(s)}&type=${encodeURIComponent(s)}`, []]) },
  dashboardContracts: { roles: ["official"], visits: () => SHAPES.map((s) => [`/dashboard/contracts?chain=${encodeURIComponent(s)}`, []]) },
  targets: { roles: ["visitor", "official"], visits: () => [["/targets", []], ["/targets?mine=1", []], ["/targets/G1", []]] },
};

function jsonl(rows: object[]): Buffer {
  return Buffer.from(rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

async function inert(page: Page, path: string, texts: string[]) {
  await page.goto(path);
  await hydrated(page);
  const body = page.locator("body");
  for (const t of texts) await expect(body, `${path} shows ${t} literally`).toContainText(t);
  const state = await page.evaluate(() => ({
    x: (window as any).__x,
    js: document.querySelectorAll('a[href^="javascript:" i], [src^="javascript:" i]').length,
    injected: document.querySelectorAll('body img[src="x"], body svg[onload], body [onerror]').length,
    title: document.title,
  }));
  expect(state.x, `a payload ran on ${path}`).toBeUndefined();
  expect(state.js, `a javascript: link on ${path}`).toBe(0);
  expect(state.injected, `payload markup became elements on ${path}`).toBe(0);
}

test("no stored text runs as script on any page, for any role, and each shows literally", async ({ page, browser }) => {
  test.setTimeout(600_000);
  const run = Date.now() % 100000;
  const dialogs: string[] = [];

  // --- Store the payloads ---------------------------------------------------------------------
  // Through the import, as an official: organizations, their demands and achievements, experts.
  const token = (
    await (await page.request.post("/api/v1/auth/login", { data: { email: DEMO.official.email, password: DEMO.official.password } })).json()
  ).token as string;
  const codes = SHAPES.map(() => creditCode());
  const post = async (kind: string, rows: object[]) => {
    const res = await page.request.post(`/api/v1/import/${kind}?file_name=xss.jsonl`, {
      headers: { authorization: `Bearer ${token}` },
      data: jsonl(rows),
    });
    expect(res.status(), `${kind}: ${await res.text()}`).toBe(200);
  };
  await post(
    "organizations",
    SHAPES.map((p, i) => ({
      name: `南宁${mark("机构", i)}${p}`, org_type: "enterprise", credit_code: codes[i], district: "qingxiu",
      contact_name: `联系人${p}`, contact_phone: "0771-5550000", verified: true,
    })),
  );
  const demand = (p: string, i: number, org: string, kind: string, status: string) => ({
    id: `xss-${kind}-${run}-${i}`, org_credit_code: org, title: `${mark(kind, i)} ${p}`, description: `描述 ${p} 需要解决`,
    chain: "modern_agriculture.efficient_production", field: `领域${p}`, keywords: KEYWORDS, budget_min_wan: "10",
    budget_max_wan: "20", trl: 5, deadline: "2030-12-31", ip_preference: "negotiable", confidential_detail: `保密 ${p}`, status,
  });
  await post("demands", SHAPES.map((p, i) => demand(p, i, codes[i], "需求", "published")));
  // Demands of the demo enterprise (the owner), waiting for review.
  await post("demands", SHAPES.map((p, i) => demand(p, i, DEMO.enterprise.org, "自有需求", "submitted")));
  // Achievements of the demo researcher's institution, waiting for review (owner, official) and then
  // published by the official below (visitor).
  await post(
    "achievements",
    SHAPES.map((p, i) => ({
      id: `xss-ach-${run}-${i}`, org_credit_code: DEMO.researcher.org, title: `${mark("成果", i)} ${p}`,
      summary: `成果简介 ${p} 已完成中试验证并具备转化条件`, chain: "modern_agriculture.efficient_production", field: `领域${p}`,
      keywords: KEYWORDS, trl: 6, transfer_modes: ["license"], status: "submitted",
    })),
  );
  await post(
    "experts",
    SHAPES.map((p, i) => ({
      name: `${mark("专家", i)}${p}`, email: `xss-${run}-${i}@example.org`, title: p, fields: KEYWORDS.slice(0, 3), keywords: KEYWORDS,
      org_credit_code: codes[i], bio: `简介 ${p}`, accepts_review: true, is_public: true,
    })),
  );

  // Through the forms: a registration whose person and organization carry a payload, the demo
  // expert's own profile, and the demand title of the original report.
  const regCtx = await browser.newContext();
  const reg = await regCtx.newPage();
  reg.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
  await reg.goto("/register");
  await hydrated(reg);
  await reg.fill("#email", `xss-reg-${run}@example.cn`);
  await reg.fill("#display_name", SHAPES[1]);
  await reg.fill("#password", "Correct-horse-9");
  await reg.fill("#password_confirm", "Correct-horse-9");
  await reg.fill("#credit_code", creditCode());
  await reg.fill("#org_name", `注册机构${SHAPES[0]}`);
  await reg.selectOption("#org_type", "enterprise");
  await reg.selectOption("#district", "qingxiu");
  await reg.fill("#contact_name", SHAPES[3]);
  await reg.fill("#contact_phone", "0771-5550000");
  await reg.check("#privacy");
  await reg.click('[data-testid="register-submit"]');
  await expect(reg).toHaveURL(/\/account\?welcome=1/);
  await inert(reg, "/account", [SHAPES[1], `注册机构${SHAPES[0]}`]);
  await regCtx.close();

  const attack = "测试</title><script>window.__pwned=1</script>";
  const pages: Record<Role, Page> = {} as any;
  for (const [role, who] of [["owner", DEMO.enterprise], ["official", DEMO.official], ["reviewer", DEMO.expert], ["team", DEMO.researcher]] as const) {
    const ctx = await browser.newContext();
    const p = await ctx.newPage();
    p.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });
    await login(p, who.email, who.password);
    pages[role] = p;
  }
  const visitorCtx = await browser.newContext();
  pages.visitor = await visitorCtx.newPage();
  pages.visitor.on("dialog", (d) => { dialogs.push(d.message()); d.dismiss(); });

  const owner = pages.owner;
  await owner.goto("/demands/new");
  await hydrated(owner);
  await owner.fill("#title", attack);
  await owner.fill("#description", `描述 ${SHAPES[2]} 需要解决的问题`);
  await owner.selectOption("#chain", "modern_agriculture.efficient_production");
  await owner.fill("#field", SHAPES[4]);
  await owner.fill("#keywords", KEYWORDS.join(","));
  await owner.fill("#budget_min", "10");
  await owner.fill("#budget_max", "20");
  await owner.selectOption("#trl", "5");
  await owner.fill("#deadline", "2030-06-30");
  await owner.fill("#confidential_detail", SHAPES[5]);
  await owner.click('[data-testid="save-submit"]');
  await expect(owner).toHaveURL(/\/demands\/[0-9a-f-]{36}$/);
  const attackUrl = new URL(owner.url()).pathname;
  await expect(owner.locator('[data-testid="demand-title"]')).toHaveText(attack);
  expect(await owner.title()).toContain(attack);

  const rev = pages.reviewer;
  await rev.goto("/experts/me");
  await hydrated(rev);
  await rev.fill("#pro_title", SHAPES[3]);
  await rev.fill("#keywords", KEYWORDS.join(","));
  await rev.fill("#bio", `简介 ${SHAPES.join(" ")}`);
  await rev.check("#is_public");
  await rev.click('[data-testid="save-expert"]');
  await expect(rev.locator('[data-testid="expert-saved"]')).toBeVisible();

  // The official publishes the researcher's achievements so visitors see them too.
  const off = pages.official;
  await off.goto(attackUrl);
  await hydrated(off);
  await expect(off.locator('[data-testid="demand-title"]')).toHaveText(attack);
  expect(await off.title()).toContain(attack);
  expect(await off.evaluate(() => (window as any).__pwned)).toBeUndefined();

  // Calls through the official's form, each with a bid through the demo researcher's form.
  const callIds: string[] = [];
  const bidIds: string[] = [];
  const beijing = (minutes: number) => new Date(Date.now() + minutes * 60_000 + 8 * 3600_000).toISOString().slice(0, 16);
  for (const [i, p] of SHAPES.entries()) {
    await off.goto("/calls/new");
    await hydrated(off);
    await off.fill("#title", callTitle(i));
    await off.fill("#background", `背景 ${p} 需要攻关`);
    await off.fill("#goal", `目标 ${p} 达到指标`);
    await off.selectOption("#chain", "modern_agriculture.efficient_production");
    await off.selectOption("#district", "wuming");
    await off.fill("#indicators", `指标${p} | % | ≤ 5`);
    await off.fill("#acceptance", `验收 ${p} 全部达到`);
    await off.fill("#city_fund", "100");
    await off.fill("#enterprise_fund", "0");
    await off.fill("#opens_at", beijing(0));
    await off.fill("#closes_at", beijing(60 * 24 * 10));
    await off.fill("#criteria", `方案${p} | 60\n团队 | 40`);
    await off.fill("#milestones", `签约${p} | 0 | 65\n验收 | 12 | 35`);
    await off.click('[data-testid="save-publish"]');
    await expect(off).toHaveURL(/\/calls\/[0-9a-f-]{36}$/);
    callIds.push(off.url().split("/").pop()!);
    const team = pages.team;
    await team.goto(`/calls/${callIds[i]}/bid`);
    await hydrated(team);
    await team.fill("#title", bidTitle(i));
    await team.fill("#proposal", `技术方案 ${p} 分三阶段完成验证并满足全部考核指标`);
    await team.fill("#budget", "90");
    await team.fill("#timeline", `进度 ${p}`);
    await team.fill("#milestone_plan", `计划${p}\n验收计划`);
    await team.click('[data-testid="save-submit"]');
    await expect(team).toHaveURL(/\/bids\/[0-9a-f-]{36}$/);
    bidIds.push(team.url().split("/").pop()!);
  }

  // --- Find the stored records' ids --------------------------------------------------------------
  const api = async (path: string) => (await (await off.request.get(path)).json()) as any;
  const byMark = (items: any[], kind: string, key = "title", idKey = "id") =>
    SHAPES.map((p, i) => {
      const found = items.find((it) => String(it[key]).startsWith(mark(kind, i)) && String(it[key]).endsWith(p));
      expect(found, `${kind} ${i} stored`).toBeTruthy();
      return String(found[idKey]);
    });
  // Contract applications through the owner's form (drafts: the owner and officials read them).
  const contractIds: string[] = [];
  for (const [i, p] of SHAPES.entries()) {
    const owner = pages.owner;
    await owner.goto("/contracts/new");
    await hydrated(owner);
    await owner.selectOption("#contract_type", "service");
    await owner.fill("#title", contractTitle(i));
    await owner.fill("#counterpart_name", `对方${p}`);
    await owner.fill("#counterpart_credit_code", creditCode());
    await owner.selectOption("#counterpart_type", "enterprise");
    await owner.selectOption("#counterpart_place", "guangxi");
    await owner.fill("#contract_amount", "50");
    await owner.fill("#tech_amount", "40");
    await owner.fill("#signed_on", "2026-03-01");
    await owner.selectOption("#chain", "modern_agriculture.efficient_production");
    await owner.fill("#field", `领域${p}`);
    await owner.selectOption("#ip_type", "other");
    await owner.click('[data-testid="save-draft"]');
    await expect(owner).toHaveURL(/\/contracts\/[0-9a-f-]{36}$/);
    contractIds.push(owner.url().split("/").pop()!);
  }
  const ids = {} as Ids;
  ids.call = callIds;
  ids.contract = contractIds;
  ids.bid = bidIds;
  ids.demand = byMark((await api("/api/v1/demands?per_page=100")).items, "需求");
  await off.goto("/review");
  const achHrefs = await off.locator('a[href^="/achievements/"]').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href")]));
  ids.achievement = SHAPES.map((p, i) => {
    const hit = achHrefs.find(([t]) => t === `${mark("成果", i)} ${p}`);
    expect(hit, `achievement ${i} in the review queue`).toBeTruthy();
    return hit![1]!.split("/").pop()!;
  });
  const ownHrefs = await off.locator('a[href^="/demands/"]').evaluateAll((as) => as.map((a) => [a.textContent, a.getAttribute("href")]));
  ids.ownDemand = SHAPES.map((p, i) => ownHrefs.find(([t]) => t === `${mark("自有需求", i)} ${p}`)![1]!.split("/").pop()!);
  ids.ownDemand.push(attackUrl.split("/").pop()!);
  ids.expert = byMark((await api("/api/v1/experts?per_page=100")).items, "专家", "name", "user_id");
  const demandItems = (await api("/api/v1/demands?per_page=100")).items;
  ids.org = ids.demand.map((id) => String(demandItems.find((d: any) => d.id === id).org_id));

  // The review queue, before the achievements leave it (the original report: the official opens
  // the owner's submitted demand from here).
  await inert(off, "/review", [...all(ownTitle, achTitle), attack]);
  for (const id of ids.achievement) {
    await off.goto(`/achievements/${id}`);
    await hydrated(off);
    await off.click('[data-testid="approve"]');
    await expect(off.locator('.page-desc [data-status="published"]')).toBeVisible();
  }

  // --- Open every page as every role that can see it --------------------------------------------
  for (const [name, c] of Object.entries(PAGES)) {
    for (const role of c.roles) {
      for (const [path, texts] of c.visits(ids)) {
        await test.step(`${name} as ${role}: ${path}`, () => inert(pages[role], path, texts));
      }
    }
  }
  // The search box echoes the query as typed, and hits carry the payloads as plain text.
  await expect(async () => {
    await inert(pages.visitor, "/search?q=" + encodeURIComponent("XSS需求0"), [`${mark("需求", 0)} ${SHAPES[0]}`]);
  }).toPass({ timeout: 15_000 });
  await expect(pages.visitor.locator("#q")).toHaveValue("XSS需求0");
  await inert(pages.visitor, "/search?q=" + encodeURIComponent(SHAPES[1]), []);
  await expect(pages.visitor.locator("#q")).toHaveValue(SHAPES[1]);
  // The reviewer's own payloads, on their public profile, as a visitor.
  const me = (await api("/api/v1/experts?per_page=100")).items.find((e: any) => e.title === SHAPES[3]);
  expect(me, "the reviewer's profile is public").toBeTruthy();
  await inert(pages.visitor, `/experts/${me.user_id}`, [SHAPES[3], `简介 ${SHAPES[0]}`]);

  expect(dialogs, "no payload opened a dialog").toEqual([]);
  for (const p of Object.values(pages)) await p.context().close();
});
