import { test, expect, creditCode, hydrated, login, logout } from "./fixtures";

test("the page hydrates: the wasm bundle loaded and took over", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto("/");
  await expect(page.locator('[data-hydrated="true"]')).toBeAttached();
  expect(errors).toEqual([]);
});

test("language switch works from any page and is remembered", async ({ page }) => {
  await page.goto("/login");
  await expect(page.locator("h1")).toHaveText("登录");
  await page.click('.lang-switch a:has-text("EN")');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.locator("h1")).toHaveText("Sign in");
  await page.goto("/");
  await expect(page.locator("h1")).toHaveText("Technical demands");
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await page.click('.lang-switch a:has-text("中文")');
  await expect(page.locator("h1")).toHaveText("技术需求榜");
});

test("enterprise registers, posts a demand, an official approves it, a visitor sees it", async ({ page, browser }) => {
  const email = `e2e-${Date.now()}@example.cn`;
  const secret = `保密参数-${Date.now()}-良率82%`;
  const title = `端到端测试需求 ${Date.now() % 100000}`;

  // Register: a wrong credit code is explained next to its field, and nothing is lost.
  await page.goto("/register");
  await hydrated(page);
  await page.fill("#email", email);
  await page.fill("#display_name", "测试员");
  await page.fill("#password", "Correct-horse-9");
  await page.fill("#password_confirm", "Correct-horse-9");
  await page.fill("#credit_code", "91450100JBTEXT00IX");
  await page.fill("#org_name", "南宁端到端测试科技有限公司");
  await page.selectOption("#org_type", "enterprise");
  await page.selectOption("#district", "qingxiu");
  await page.fill("#contact_name", "测试员");
  await page.fill("#contact_phone", "0771-5550000");
  await page.check("#privacy");
  await page.click('[data-testid="register-submit"]');
  await expect(page.locator("#credit_code-error")).toContainText("第 17 位");
  await expect(page.locator('[data-testid="error-summary"]')).toBeVisible();
  await expect(page.locator("#org_name")).toHaveValue("南宁端到端测试科技有限公司");
  await page.fill("#credit_code", creditCode());
  await page.click('[data-testid="register-submit"]');
  await expect(page).toHaveURL(/\/account\?welcome=1/);
  await expect(page.locator('[data-testid="welcome"]')).toBeVisible();
  await expect(page.locator('[data-testid="roles"]')).toContainText("企业用户");

  // Post a demand: a budget written with a unit is refused with a clear message.
  await page.goto("/demands/new");
  await hydrated(page);
  await page.fill("#title", title);
  await page.fill("#description", "现有甘蔗收获机在丘陵地块断尾率偏高，需要改进切割与输送结构，目标断尾率低于 5%。<script>window.pwned=1</script>");
  await page.selectOption("#chain", "modern_agriculture.efficient_production");
  await page.fill("#field", "农业机械");
  await page.fill("#keywords", "甘蔗，收获机、切割");
  await page.fill("#budget_min", "12.5万");
  await page.fill("#budget_max", "120");
  await page.selectOption("#trl", "6");
  await page.fill("#deadline", "2030-06-30");
  await page.fill("#confidential_detail", secret);
  await page.click('[data-testid="save-submit"]');
  await expect(page.locator("#budget_min-error")).toBeVisible();
  await expect(page.locator("#title")).toHaveValue(title);
  await page.fill("#budget_min", "50");
  await page.click('[data-testid="save-submit"]');
  await expect(page).toHaveURL(/\/demands\/[0-9a-f-]{36}$/);
  const url = page.url();
  await expect(page.locator('[data-testid="demand-title"]')).toHaveText(title);
  await expect(page.locator('.page-desc [data-status="submitted"]')).toBeVisible();
  await expect(page.locator('[data-testid="confidential"]')).toContainText(secret);
  expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
  await logout(page);

  // The official approves it from the review queue.
  await login(page, "official@demo.jiebang.local", "Demo-2026-official");
  await page.goto("/review");
  await page.click(`a:has-text("${title}")`);
  await hydrated(page);
  await expect(page.locator('[data-testid="confidential"]')).toContainText(secret);
  await page.click('[data-testid="approve"]');
  await expect(page.locator('.page-desc [data-status="published"]')).toBeVisible();
  await logout(page);

  // A visitor sees it on the public list; the confidential detail is nowhere in the HTML.
  const visitor = await browser.newContext();
  const v = await visitor.newPage();
  await v.goto("/");
  await expect(v.locator(`a:has-text("${title}")`)).toBeVisible();
  await v.click(`a:has-text("${title}")`);
  await expect(v).toHaveURL(url);
  await expect(v.locator('[data-testid="demand-title"]')).toHaveText(title);
  expect(await v.content()).not.toContain(secret);
  const raw = await (await v.request.get(url)).text();
  expect(raw).toContain(title);
  expect(raw).not.toContain(secret);
  // The outbox worker brings the newly published demand into the search index.
  await expect(async () => {
    await v.goto("/search?q=" + encodeURIComponent(title));
    await expect(v.locator(`[data-testid="search-hit"] a:has-text("${title}")`)).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  const found = await (await v.request.get("/api/v1/search?q=" + encodeURIComponent(title))).text();
  expect(found).toContain(title);
  expect(found).not.toContain(secret);
  const api = await (await v.request.get("/api/v1/demands?per_page=100")).text();
  expect(api).toContain(title);
  expect(api).not.toContain(secret);
  await visitor.close();
});

test("search finds a two-character Chinese word, filters by chain, and opens the result", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await page.fill("#header-q", "甘蔗");
  await page.press("#header-q", "Enter");
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.locator('[data-testid="search-hit"]').first()).toBeVisible();
  await expect(page.locator('[data-testid="search-hit"] mark').first()).toHaveText(/甘蔗/);
  const count = await page.locator('[data-testid="search-hit"]').count();
  expect(count).toBeGreaterThan(0);
  // Narrow by the agriculture chain through its facet link.
  await page.click('[data-testid="facet-chain"] a:has-text("现代农业")');
  await expect(page).toHaveURL(/chain=modern_agriculture/);
  const hits = page.locator('[data-testid="search-hit"]');
  await expect(hits.first()).toBeVisible();
  for (const text of await hits.locator(".demand-meta").allTextContents()) {
    expect(text).toContain("现代农业");
  }
  // The filter in force is shown, and removing it widens the results again.
  const chip = page.locator('[data-testid="active-filters"] a.chip', { hasText: "现代农业" });
  await expect(chip).toBeVisible();
  await chip.click();
  await expect(page).not.toHaveURL(/chain=/);
  await expect(page.locator('[data-testid="active-filters"]')).toHaveCount(0);
  await page.click('[data-testid="facet-chain"] a:has-text("现代农业")');
  await expect(page).toHaveURL(/chain=modern_agriculture/);
  // Only demands, then open the first result.
  await page.click('.kind-tabs a:has-text("技术需求")');
  await expect(page).toHaveURL(/kind=demand/);
  await expect(page).toHaveURL(/chain=modern_agriculture/);
  const first = hits.first().locator("h3 a");
  const title = (await first.textContent())!.trim();
  await first.click();
  await expect(page.locator('[data-testid="demand-title"]')).toHaveText(title);
  // Suggestions while typing (needs the hydrated page).
  await page.goto("/search");
  await hydrated(page);
  await page.locator("#q").pressSequentially("甘蔗", { delay: 50 });
  await expect(page.locator("#search-suggestions option").first()).toBeAttached();
  // Script in the query is only text.
  await page.goto("/search?q=" + encodeURIComponent("<script>window.pwned=1</script>铝"));
  await hydrated(page);
  expect(await page.evaluate(() => (window as any).pwned)).toBeUndefined();
});

test("a researcher lists an achievement, an official publishes it, a visitor finds it", async ({ page, browser }) => {
  const title = `端到端成果 ${Date.now() % 100000}`;
  await login(page, "researcher@demo.jiebang.local", "Demo-2026-researcher");
  await page.goto("/achievements/new");
  await hydrated(page);
  await page.fill("#title", title);
  await page.fill("#summary", "一种用于甘蔗收获机的低损切割装置，田间试验断尾率低于百分之五，已完成示范应用。");
  await page.selectOption("#chain", "modern_agriculture.efficient_production");
  await page.fill("#field", "农业机械");
  await page.fill("#keywords", "甘蔗，切割");
  await page.fill("#patents", "US999");
  await page.check("#mode_license");
  await page.check("#negotiable");
  await page.click('[data-testid="save-submit"]');
  await expect(page.locator("#patents-error")).toBeVisible();
  await page.fill("#patents", "CN112345678B");
  await page.click('[data-testid="save-submit"]');
  await expect(page).toHaveURL(/\/achievements\/[0-9a-f-]{36}$/);
  const url = page.url();
  await expect(page.locator('.page-desc [data-status="submitted"]')).toBeVisible();
  await logout(page);

  await login(page, "official@demo.jiebang.local", "Demo-2026-official");
  await page.goto("/review");
  await page.click(`a:has-text("${title}")`);
  await hydrated(page);
  await page.click('[data-testid="approve"]');
  await expect(page.locator('.page-desc [data-status="published"]')).toBeVisible();
  await logout(page);

  const visitor = await browser.newContext();
  const v = await visitor.newPage();
  await v.goto("/achievements");
  await expect(v.locator(`a:has-text("${title}")`)).toBeVisible();
  await v.goto(url);
  await expect(v.locator('[data-testid="achievement-title"]')).toHaveText(title);
  await expect(v.locator("text=面议")).toBeVisible();
  await visitor.close();
});

test("the expert pool shows public profiles to visitors and lets an expert edit theirs", async ({ page }) => {
  await page.goto("/experts");
  await expect(page.locator('[data-testid="expert-row"]').first()).toContainText("研究员");
  await expect(page.locator('[data-testid="expert-row"]').first()).not.toContainText("接受");
  await login(page, "expert@demo.jiebang.local", "Demo-2026-expert");
  await page.goto("/experts/me");
  await hydrated(page);
  await page.fill("#pro_title", "");
  await page.click('[data-testid="save-expert"]');
  await expect(page.locator("#pro_title-error")).toBeVisible();
  await page.fill("#pro_title", "正高级工程师");
  await page.click('[data-testid="save-expert"]');
  await expect(page.locator('[data-testid="expert-saved"]')).toBeVisible();
  await expect(page.locator('[data-testid="expert-row"]').first()).toContainText("正高级工程师");
});

test("an official imports a CSV file and sees every bad row of a second attempt", async ({ page }) => {
  await login(page, "official@demo.jiebang.local", "Demo-2026-official");
  await page.goto("/admin/import");
  await hydrated(page);
  await page.selectOption("#import-kind", "organizations");
  await page.setInputFiles("#import-file", "../seeds/examples/organizations.csv");
  await page.click('[data-testid="import-submit"]');
  await expect(page.locator('[data-testid="import-done"]')).toContainText("已导入 3 行");
  // The same file again: each row is already registered, nothing is imported.
  await page.click('[data-testid="import-submit"]');
  await expect(page.locator('[data-testid="import-errors"] tbody tr')).toHaveCount(3);
  await expect(page.locator('[data-testid="import-errors"]')).toContainText("credit_code");
  // The imported, verified organizations are searchable, and a hit opens the organization's page.
  await expect(async () => {
    await page.goto("/search?kind=organization&q=" + encodeURIComponent("南宁示例精密制造"));
    await expect(page.locator('[data-testid="search-hit"] h3 a').first()).toHaveText("南宁示例精密制造有限公司", {
      timeout: 1000,
    });
  }).toPass({ timeout: 15_000 });
  await page.locator('[data-testid="search-hit"] h3 a').first().click();
  await expect(page.locator('[data-testid="org-name"]')).toHaveText("南宁示例精密制造有限公司");
  // Experts next: the public one is found by a word of their keywords and opens their profile,
  // which links to their organization; the private one stays out of search.
  await page.goto("/admin/import");
  await hydrated(page);
  await page.selectOption("#import-kind", "experts");
  await page.setInputFiles("#import-file", "../seeds/examples/experts.csv");
  await page.click('[data-testid="import-submit"]');
  await expect(page.locator('[data-testid="import-done"]')).toContainText("已导入 2 行");
  await expect(async () => {
    await page.goto("/search?kind=expert&q=" + encodeURIComponent("枯萎病"));
    await expect(page.locator('[data-testid="search-hit"] h3 a').first()).toHaveText(/^蒙研究员/, { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.locator('[data-testid="search-hit"] h3 a').first().click();
  await expect(page.locator('[data-testid="expert-name"]')).toHaveText("蒙研究员");
  await page.click('a:has-text("广西示例农业科学研究所")');
  await expect(page.locator('[data-testid="org-name"]')).toHaveText("广西示例农业科学研究所");
  const anon = await page.request.get("/api/v1/search?kind=expert&q=" + encodeURIComponent("视觉检测"), {
    headers: { cookie: "" },
  });
  expect(await anon.text()).not.toContain("覃教授");
});
