import { test, expect, hydrated, login, DEMO, creditCode, readXlsx } from "./fixtures";
import * as fs from "fs";

// An enterprise applies to register a technology contract; the registry returns it for
// correction; the enterprise corrects it and applies again; the registry receives and
// registers it with a number. Nobody else reads it.
test("a contract is applied for, returned for correction, corrected, received and registered", async ({ page, browser }) => {
  const stamp = Date.now() % 100000;
  const title = `端到端技术服务合同 ${stamp}`;
  await login(page, DEMO.enterprise.email, DEMO.enterprise.password);
  await page.goto("/my/contracts");
  await hydrated(page);
  await page.click('[data-testid="new-contract"]');
  await expect(page).toHaveURL(/\/contracts\/new$/);
  await hydrated(page);
  await page.selectOption("#contract_type", "service");
  await page.fill("#title", title);
  await page.fill("#counterpart_name", `柳州端到端汽车配件有限公司 ${stamp}`);
  await page.fill("#counterpart_credit_code", creditCode());
  await page.selectOption("#counterpart_type", "enterprise");
  await page.selectOption("#counterpart_place", "guangxi");
  await page.fill("#contract_amount", "120万");
  await page.fill("#tech_amount", "130");
  await page.fill("#signed_on", "2026-03-01");
  await page.selectOption("#chain", "modern_agriculture.efficient_production");
  await page.fill("#field", "甘蔗收获机械");
  await page.selectOption("#ip_type", "technical_secret");
  await page.click('[data-testid="save-submit"]');
  await expect(page.locator("#tech_amount-error")).toContainText("不能超过合同成交额");
  await expect(page.locator("#title")).toHaveValue(title);
  await page.fill("#tech_amount", "100");
  await page.fill("#non_technical", "设备 | 20");
  await page.click('[data-testid="save-submit"]');
  await expect(page).toHaveURL(/\/contracts\/[0-9a-f-]{36}$/);
  const url = page.url();
  await expect(page.locator('.page-desc [data-status="submitted"]')).toBeVisible();
  await expect(page.locator('[data-testid="contract-amount"]')).toContainText("120");

  // Confidential: a visitor and another organization get "not found".
  const visitor = await (await browser.newContext()).newPage();
  expect((await visitor.goto(url))?.status()).toBe(404);
  const other = await (await browser.newContext()).newPage();
  await login(other, DEMO.researcher.email, DEMO.researcher.password);
  expect((await other.goto(url))?.status()).toBe(404);

  // The registry returns it for correction, with a reason.
  const clerk = await (await browser.newContext()).newPage();
  await login(clerk, DEMO.clerk.email, DEMO.clerk.password);
  await clerk.goto("/registry");
  await expect(clerk.locator('[data-testid="contract-row"]', { hasText: title })).toBeVisible();
  await clerk.goto(url);
  await hydrated(clerk);
  await clerk.fill("#reason", "请补充非技术性款项的明细依据");
  await clerk.click('[data-testid="return"]');
  await expect(clerk.locator('.page-desc [data-status="returned"]')).toBeVisible();

  // The enterprise reads why, corrects and applies again.
  await page.goto(url);
  await hydrated(page);
  await expect(page.locator('[data-testid="status-reason"]')).toContainText("明细依据");
  await page.click('[data-testid="edit"]');
  await hydrated(page);
  await expect(page.locator("#title")).toHaveValue(title);
  await page.fill("#tech_amount", "110");
  await page.fill("#non_technical", "设备 | 10");
  await page.click('[data-testid="save-submit"]');
  await expect(page).toHaveURL(url);
  await expect(page.locator('.page-desc [data-status="submitted"]')).toBeVisible();

  // The city's figure before registration.
  const g6 = async (p: typeof page) => {
    await p.goto("/dashboard?scope=city");
    return Number(await p.locator('[data-testid="g6-amount"]').getAttribute("data-fen"));
  };
  const before = await g6(visitor);

  // The registry receives it and registers it: the contract gets its number.
  await clerk.goto(url);
  await hydrated(clerk);
  await clerk.click('[data-testid="receive"]');
  await expect(clerk.locator('.page-desc [data-status="accepted"]')).toBeVisible();
  await expect(clerk.locator("#reg_tech")).toHaveValue("110.00");
  await clerk.click('[data-testid="register"]');
  await expect(clerk.locator('[data-testid="registration-number"]')).toHaveText(/^\d{4}450100\d{6}$/);
  await page.goto(url);
  await expect(page.locator('.page-desc [data-status="registered"]')).toBeVisible();
  await expect(page.locator('[data-testid="tech-amount"]')).toContainText("110");

  // The dashboard moves by its 120万元, for everyone (aggregates are public).
  expect(await g6(visitor)).toBe(before + 120_000_000);

  // The registry drills into the enterprise's district, through the filter form.
  const orgs = JSON.parse(fs.readFileSync("../seeds/organizations.json", "utf8"));
  const district = orgs.find((o: { credit_code: string }) => o.credit_code === "91450100JBRMD0TQJ5").district;
  await clerk.goto("/dashboard?scope=city");
  await hydrated(clerk);
  await clerk.selectOption("#f-district", district);
  await clerk.selectOption("#f-type", "service");
  await clerk.click('[data-testid="dashboard-apply"]');
  await expect(clerk).toHaveURL(new RegExp(`district=${district}`));
  const viewFen = Number(await clerk.locator('[data-testid="view-amount"]').getAttribute("data-fen"));
  const viewCount = Number(await clerk.locator('[data-testid="view-count"]').textContent());
  expect(viewCount).toBeGreaterThanOrEqual(1);
  await expect(clerk.locator('[data-testid="view-share"]')).toBeVisible();
  await clerk.click('[data-testid="view-contracts"]');
  await expect(clerk).toHaveURL(/\/dashboard\/contracts\?/);
  await expect(clerk.locator('[data-testid="drill-count"]')).toHaveText(String(viewCount));
  if (viewCount <= 50) {
    await expect(clerk.locator('[data-testid="drill-row"]', { hasText: title })).toBeVisible();
  }
  // A visitor sees the figures but not the contracts behind them.
  const shut = await visitor.goto(clerk.url());
  await expect(visitor.locator('[data-testid="drill-table"]')).toHaveCount(0);
  expect(shut?.status()).not.toBe(200);

  // Export the view's breakdown by type to XLSX, open it, and check its total.
  await clerk.goBack();
  const [download] = await Promise.all([
    clerk.waitForEvent("download"),
    clerk.click('[data-testid="breakdown-type"] [data-testid="export-xlsx"]'),
  ]);
  const rows = readXlsx(fs.readFileSync(await download.path()));
  expect(rows[0]).toEqual(["合同类型", "代码", "合同成交额（元）", "技术交易额（元）", "合同数"]);
  const total = rows[rows.length - 1];
  expect(total[0]).toBe("合计");
  expect(Math.round(Number(total[2]) * 100)).toBe(viewFen);
  expect(Number(total[4])).toBe(viewCount);
});

// A university licenses its published achievement to the enterprise whose published demand it
// answers, linking both by pasting their addresses; once registered, the achievement's and the
// demand's public pages show the contract by type and number, never its amount.
test("a contract links the demand it answers and the achievement it licenses; both pages show it once registered", async ({ page, browser }) => {
  const stamp = Date.now() % 100000;
  const title = `端到端成果许可合同 ${stamp}`;
  const visitor = await (await browser.newContext()).newPage();
  const find = async (path: string, name: string) => {
    const r = await visitor.request.get(`${path}?per_page=100`);
    const items = (await r.json()).items as { id: string; title: string }[];
    const hit = items.find((x) => x.title === name);
    expect(hit, `${name} in ${path}`).toBeTruthy();
    return hit!.id;
  };
  const demand = await find("/api/v1/demands", "7系高强铝合金厚板淬火残余应力控制与机加工变形抑制技术");
  const achievement = await find("/api/v1/achievements", "甘蔗全程机械化收获关键部件及低损切割技术");

  await login(page, DEMO.researcher.email, DEMO.researcher.password);
  await page.goto("/contracts/new");
  await hydrated(page);
  const origin = new URL(page.url()).origin;
  await page.selectOption("#contract_type", "licence");
  await page.fill("#title", title);
  await page.fill("#counterpart_name", "南宁经开区演示企业");
  await page.fill("#counterpart_credit_code", "91450100JBRMD0TQJ5");
  await page.selectOption("#counterpart_type", "enterprise");
  await page.selectOption("#counterpart_place", "nanning_etdz");
  await page.fill("#contract_amount", "30");
  await page.fill("#tech_amount", "30");
  await page.fill("#signed_on", "2026-05-01");
  await page.selectOption("#chain", "modern_agriculture.efficient_production");
  await page.fill("#field", "农业机械");
  await page.selectOption("#ip_type", "patent");
  // The achievement's address pasted where the demand goes is refused, the values kept.
  await page.fill("#demand_ref", `${origin}/achievements/${achievement}`);
  await page.fill("#achievement_ref", `${origin}/achievements/${achievement}`);
  await page.click('[data-testid="save-submit"]');
  await expect(page.locator("#demand_ref-error")).toContainText("需求页面的链接");
  await expect(page.locator("#title")).toHaveValue(title);
  await page.fill("#demand_ref", `${origin}/demands/${demand}`);
  await page.click('[data-testid="save-submit"]');
  await expect(page).toHaveURL(/\/contracts\/[0-9a-f-]{36}$/);
  const url = page.url();
  await expect(page.locator('[data-testid="link-demand"]')).toHaveAttribute("href", `/demands/${demand}`);
  await expect(page.locator('[data-testid="link-achievement"]')).toHaveAttribute("href", `/achievements/${achievement}`);

  // Not public before registration.
  await visitor.goto(`/achievements/${achievement}`);
  await expect(visitor.locator('[data-testid="linked-contract"]', { hasText: "技术许可" })).toHaveCount(0);

  const clerk = await (await browser.newContext()).newPage();
  await login(clerk, DEMO.clerk.email, DEMO.clerk.password);
  await clerk.goto(url);
  await hydrated(clerk);
  await clerk.click('[data-testid="receive"]');
  await expect(clerk.locator('.page-desc [data-status="accepted"]')).toBeVisible();
  await clerk.click('[data-testid="register"]');
  const number = (await clerk.locator('[data-testid="registration-number"]').textContent())!.trim();

  for (const path of [`/achievements/${achievement}`, `/demands/${demand}`]) {
    await visitor.goto(path);
    const row = visitor.locator('[data-testid="linked-contract"]', { hasText: number });
    await expect(row).toBeVisible();
    await expect(row).toContainText("技术许可");
    await expect(row).not.toContainText(title);
    await expect(visitor.locator('[data-testid="linked-contracts"]')).not.toContainText("30.00");
  }
  // The parties see the title and open the contract from the demand's page.
  await page.goto(`/demands/${demand}`);
  await page.locator('[data-testid="linked-contract"]', { hasText: number }).getByRole("link", { name: title }).click();
  await expect(page).toHaveURL(url);
});
