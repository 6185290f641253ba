import { test, expect, hydrated, login, DEMO } from "./fixtures";

// The tracker shows every catalog target; an official of 市科技局 reports a value for G2, a
// colleague accepts it, and the tracker shows it; a bad report is refused with its reasons.
test("the target tracker lists the catalog and a reported value counts once accepted", async ({ page, browser }) => {
  await page.goto("/targets");
  await expect(page.locator('[data-testid="target-row"]')).toHaveCount(35);
  await expect(page.locator('[data-testid="target-row"][data-code="G6"] [data-testid="target-current"]')).toContainText("亿元");

  await login(page, DEMO.official.email, DEMO.official.password);
  await page.goto("/targets?mine=1");
  await expect(page.locator('[data-testid="my-unit"]')).toContainText("市科技局");
  await page.goto("/targets/G2");
  await hydrated(page);
  // Bad input first: every field named, nothing stored.
  await page.fill("#period", "2099");
  await page.fill("#value", "三十");
  await page.click('[data-testid="report-submit"]');
  await expect(page.locator(".error-summary")).toBeVisible();
  await expect(page.locator("#period-error")).toContainText("尚未开始");
  await expect(page.locator("#value-error")).toContainText("数值");
  await expect(page.locator('[data-testid="report-row"]')).toHaveCount(0);
  const value = (30 + (Date.now() % 9) / 10).toFixed(1);
  await page.fill("#period", "2025");
  await page.fill("#value", `${value}%`);
  await page.fill("#note", "2025年规上工业企业研发活动统计");
  await page.click('[data-testid="report-submit"]');
  await expect(page.locator('[data-testid="report-row"][data-status="submitted"]').first()).toBeVisible();
  // The reporter cannot review their own report.
  await expect(page.locator('[data-testid="review-submit"]')).toHaveCount(0);

  const reviewer = await (await browser.newContext()).newPage();
  await login(reviewer, DEMO.reviewer.email, DEMO.reviewer.password);
  await reviewer.goto("/targets/G2");
  await hydrated(reviewer);
  const row = reviewer.locator('[data-testid="report-row"][data-status="submitted"]').first();
  await row.locator('input[name="review_note"]').fill("与统计口径一致");
  await row.locator('[data-testid="review-submit"]').click();
  await expect(reviewer.locator('[data-testid="detail-current"]')).toContainText(value);

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/targets");
  await expect(visitor.locator('[data-testid="target-row"][data-code="G2"] [data-testid="target-current"]')).toContainText(value);
  await expect(visitor.locator('[data-testid="target-row"][data-code="G2"] [data-testid="target-status"]')).toHaveAttribute("data-status", /reached|missed/);
});
