import { test, expect, creditCode, DEMO, Page } from "./fixtures";
import type { Browser } from "@playwright/test";

// Every kind of form works before (or without) the page's JavaScript: a failed post comes back
// with the same field errors, in the user's language, and with the values entered (never a
// password).

async function withoutJs(browser: Browser) {
  const context = await browser.newContext({ javaScriptEnabled: false });
  return { context, page: await context.newPage() };
}

async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto("/login");
  await page.fill("#email", who.email);
  await page.fill("#password", who.password);
  await page.click('[data-testid="login-submit"]');
  await expect(page.locator(".user-menu .user-name")).toBeVisible();
}

test("without JavaScript, registration comes back with its errors and values, never the password", async ({ browser }) => {
  const { context, page } = await withoutJs(browser);
  const email = `nojs-${Date.now()}@example.cn`;
  await page.goto("/register");
  await page.fill("#email", email);
  await page.fill("#display_name", "无脚本用户");
  await page.fill("#password", "short");
  await page.fill("#password_confirm", "short");
  await page.fill("#org_name", "南宁无脚本科技有限公司");
  await page.fill("#credit_code", creditCode());
  await page.selectOption("#org_type", "enterprise");
  await page.fill("#contact_name", "无脚本");
  await page.fill("#contact_phone", "not a phone");
  await page.click('[data-testid="register-submit"]');

  await expect(page).toHaveURL(/__echo=/);
  await expect(page.locator('[data-testid="error-summary"]')).toBeVisible();
  await expect(page.locator("#password-error")).toBeVisible();
  await expect(page.locator("#district-error")).toBeVisible();
  await expect(page.locator("#contact_phone-error")).toBeVisible();
  await expect(page.locator("#privacy-error")).toBeVisible();
  await expect(page.locator("#email")).toHaveValue(email);
  await expect(page.locator("#org_name")).toHaveValue("南宁无脚本科技有限公司");
  await expect(page.locator("#org_type")).toHaveValue("enterprise");
  await expect(page.locator("#contact_phone")).toHaveValue("not a phone");
  await expect(page.locator("#password")).toHaveValue("");
  expect(await page.content()).not.toContain('value="short"');

  // Corrected, it goes through.
  await page.fill("#password", "Correct-horse-9");
  await page.fill("#password_confirm", "Correct-horse-9");
  await page.selectOption("#district", "qingxiu");
  await page.fill("#contact_phone", "0771-5550000");
  await page.check("#privacy");
  await page.click('[data-testid="register-submit"]');
  await expect(page).toHaveURL(/\/account\?welcome=1/);
  await expect(page.locator('[data-testid="welcome"]')).toBeVisible();

  // The way of joining picks its fields without JavaScript too.
  await page.goto("/register");
  await expect(page.locator("#org_name")).toBeVisible();
  await expect(page.locator("#dispute_reason")).toBeHidden();
  await page.check("#mode-dispute");
  await expect(page.locator("#dispute_reason")).toBeVisible();
  await expect(page.locator("#org_name")).toBeHidden();
  await context.close();
});

test("without JavaScript, a demand keeps its text through errors, and an official's short reason is kept", async ({ browser }) => {
  const title = `无脚本需求 ${Date.now() % 100000}`;
  const description = "现有铝型材挤压模具寿命偏短，需要改进表面处理工艺，使寿命提高一倍。\n第二段：要求在南宁本地完成试制。";
  const owner = await withoutJs(browser);
  let page = owner.page;
  await signIn(page, DEMO.enterprise);
  await page.goto("/demands/new");
  await page.fill("#title", title);
  await page.fill("#description", description);
  await page.fill("#budget_min", "五十");
  await page.click('[data-testid="save-draft"]');
  await expect(page.locator('[data-testid="error-summary"]')).toBeVisible();
  await expect(page.locator("#budget_min-error")).toBeVisible();
  await expect(page.locator("#chain-error")).toBeVisible();
  await expect(page.locator("#title")).toHaveValue(title);
  await expect(page.locator("#description")).toHaveValue(description);
  await expect(page.locator("#budget_min")).toHaveValue("五十");

  await page.selectOption("#chain", "modern_agriculture.efficient_production");
  await page.fill("#field", "材料表面处理");
  await page.fill("#keywords", "铝型材，模具");
  await page.fill("#budget_min", "50");
  await page.fill("#budget_max", "80");
  await page.fill("#deadline", "2030-06-30");
  await page.click('[data-testid="save-submit"]');
  await expect(page).toHaveURL(/\/demands\/[0-9a-f-]{36}$/);
  await expect(page.locator('[data-testid="demand-title"]')).toHaveText(title);
  const url = page.url();
  await owner.context.close();

  const official = await withoutJs(browser);
  page = official.page;
  await signIn(page, DEMO.official);
  await page.goto(url);
  await page.fill("#reason", "差");
  await page.click('[data-testid="reject"]');
  await expect(page.locator("#reason-error")).toBeVisible();
  await expect(page.locator("#reason")).toHaveValue("差");
  await expect(page.locator('.page-desc [data-status="submitted"]')).toBeVisible();
  await page.fill("#reason", "请补充验收指标和试制条件");
  await page.click('[data-testid="reject"]');
  await expect(page.locator('.page-desc [data-status="rejected"]')).toBeVisible();
  await expect(page.locator('[data-testid="status-reason"]')).toContainText("请补充验收指标");
  await official.context.close();
});

test("without JavaScript, the expert profile and password forms show their errors in English too", async ({ browser }) => {
  const { context, page } = await withoutJs(browser);
  await signIn(page, DEMO.expert);
  await page.goto("/lang/en");
  await page.goto("/experts/me");
  await page.fill("#pro_title", "教");
  await page.fill("#bio", "一段保留的简介");
  await page.click('[data-testid="save-expert"]');
  await expect(page.locator("#pro_title-error")).toBeVisible();
  await expect(page.locator('[data-testid="error-summary"]')).toContainText("There is a problem");
  await expect(page.locator("#pro_title")).toHaveValue("教");
  await expect(page.locator("#bio")).toHaveValue("一段保留的简介");

  await page.goto("/account");
  await page.fill("#old_password", "not-the-password");
  await page.fill("#new_password", "Another-horse-10");
  await page.fill("#new_password_confirm", "Another-horse-10");
  await page.click('form:has(#old_password) button[type="submit"]');
  await expect(page.locator("#old_password-error")).toBeVisible();
  await expect(page.locator("#new_password")).toHaveValue("");
  await context.close();

  // Asking for a reset link confirms without JavaScript as well.
  const anon = await withoutJs(browser);
  await anon.page.goto("/forgot-password");
  await anon.page.fill("#email", "nobody@example.cn");
  await anon.page.click('button[type="submit"]');
  await expect(anon.page.locator('[data-testid="forgot-done"]')).toBeVisible();
  await anon.context.close();
});

test("without JavaScript, the import form still uploads and lists every bad row", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.fill("#email", "official@demo.jiebang.local");
  await page.fill("#password", "Demo-2026-official");
  await page.click('[data-testid="login-submit"]');
  await expect(page.locator(".user-menu .user-name")).toBeVisible();
  await page.goto("/admin/import");
  await page.selectOption("#import-kind", "organizations");
  await page.setInputFiles("#import-file", {
    name: "bad.csv",
    mimeType: "text/csv",
    buffer: Buffer.from(
      "name,org_type,credit_code,district,contact_name,contact_phone\n" +
        "南宁无脚本测试公司,enterprise,91450100NOJS00001X,qingxiu,张三,0771-5550001\n" +
        "南宁无脚本测试二厂,pirate,91450100NOJS00002X,atlantis,李四,0771-5550002\n",
    ),
  });
  await page.click('[data-testid="import-submit"]');
  await expect(page).toHaveURL(/\/admin\/import\?result=/);
  const errors = page.locator('[data-testid="import-errors"]');
  await expect(errors).toContainText("未导入任何数据");
  await expect(errors.locator("tbody tr").filter({ hasText: "credit_code" })).toHaveCount(2);
  await expect(errors.locator("tbody tr").filter({ hasText: "org_type" })).toHaveCount(1);
  await context.close();
});
