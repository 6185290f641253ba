import { test, expect, creditCode, hydrated, login, DEMO, Page } from "./fixtures";

// Beijing time as a datetime-local input takes it, `minutes` from now.
function beijing(minutes: number): string {
  return new Date(Date.now() + minutes * 60_000 + 8 * 3600_000).toISOString().slice(0, 16);
}

async function fillBid(page: Page, title: string) {
  await page.fill("#title", title);
  await page.fill("#proposal", "柔性喂入与仿形切割结合，配合输送链调速，分三阶段验证断尾率与含杂率。");
  await page.fill("#budget", "420");
  await page.fill("#timeline", "24 个月：样机 12 个月，田间试验 12 个月");
  await page.fill("#milestone_plan", "完成方案设计\n完成样机并台架试验\n田间验收");
}

// Five people in five browser contexts: an official, two bidding teams, an expert who is no
// reviewer of these bids, and a visitor. The window closes by the server's clock.
test("an official publishes a call, two teams bid under seal with receipts, the clock closes it, eligibility, review, award, 公示 with an objection answered, feedback", async ({ page, browser }) => {
  test.setTimeout(8 * 60_000);
  const stamp = Date.now() % 100000;
  const title = `端到端揭榜挂帅 ${stamp}`;

  // The official builds and publishes the call; bad weights are refused with the values kept.
  await login(page, DEMO.official.email, DEMO.official.password);
  await page.goto("/calls/new");
  await hydrated(page);
  await page.fill("#title", title);
  await page.fill("#background", "南宁甘蔗机收率偏低，丘陵地块断尾率高，制约机收推广。");
  await page.fill("#goal", "研制适合丘陵地块的切割与输送装置，断尾率降到 5% 以下。");
  await page.selectOption("#chain", "modern_agriculture.efficient_production");
  await page.selectOption("#district", "wuming");
  await page.fill("#indicators", "断尾率 | % | ≤ 5\n含杂率 | % | ≤ 7");
  await page.fill("#acceptance", "在武鸣区 500 亩丘陵蔗地连续作业测试，第三方检测指标全部达到。");
  await page.fill("#city_fund", "300");
  await page.fill("#enterprise_fund", "150");
  await page.fill("#opens_at", beijing(0));
  await page.fill("#closes_at", beijing(4));
  await page.fill("#criteria", "技术方案 | 50\n团队能力 | 30");
  await page.click('[data-testid="save-publish"]');
  await expect(page.locator("#criteria-error")).toContainText("合计应为 100");
  await expect(page.locator("#title")).toHaveValue(title);
  await page.fill("#criteria", "技术方案 | 50\n团队能力 | 30\n经费合理性 | 20");
  await page.click('[data-testid="save-publish"]');
  await expect(page).toHaveURL(/\/calls\/[0-9a-f-]{36}$/);
  const callUrl = page.url();
  await expect(page.locator('[data-testid="call-title"]')).toHaveText(title);
  await expect(page.locator('.page-desc [data-status="published"]')).toBeVisible();

  // A visitor sees the indicators, funding and a count of bids.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto("/calls");
  await expect(visitor.locator('[data-testid="call-item"]', { hasText: title })).toBeVisible();
  await visitor.goto(callUrl);
  await expect(visitor.locator('[data-testid="indicators"]')).toContainText("断尾率");
  await expect(visitor.locator('[data-testid="call-key"]')).toContainText("450");
  await expect(visitor.locator('[data-testid="bids-submitted"]')).toHaveText("0");

  // Team A (a university researcher) bids and gets a receipt.
  const a = await (await browser.newContext()).newPage();
  await login(a, DEMO.researcher.email, DEMO.researcher.password);
  await a.goto(callUrl);
  await hydrated(a);
  await a.click('[data-testid="start-bid"]');
  await hydrated(a);
  await fillBid(a, `A 队方案 ${stamp}`);
  await a.fill("#milestone_plan", "只有一行");
  await a.click('[data-testid="save-submit"]');
  await expect(a.locator("#milestone_plan-error")).toContainText("3 个里程碑");
  await a.fill("#milestone_plan", "完成方案设计\n完成样机并台架试验\n田间验收");
  await a.click('[data-testid="save-submit"]');
  await expect(a).toHaveURL(/\/bids\/[0-9a-f-]{36}$/);
  const bidA = a.url();
  await expect(a.locator('[data-testid="receipt"]')).toHaveText(/^[0-9a-f]{64}$/);
  const receiptA = (await a.locator('[data-testid="receipt"]').textContent())!.trim();

  // Team B registers a research institute and bids too.
  const b = await (await browser.newContext()).newPage();
  await b.goto("/register");
  await hydrated(b);
  await b.fill("#email", `e2e-team-b-${stamp}@example.cn`);
  await b.fill("#display_name", "覃研究员");
  await b.fill("#password", "Correct-horse-9");
  await b.fill("#password_confirm", "Correct-horse-9");
  await b.fill("#credit_code", creditCode());
  await b.fill("#org_name", `南宁端到端研究院 ${stamp}`);
  await b.selectOption("#org_type", "institute");
  await b.selectOption("#district", "xixiangtang");
  await b.fill("#contact_name", "覃研究员");
  await b.fill("#contact_phone", "0771-5550001");
  await b.check("#privacy");
  await b.click('[data-testid="register-submit"]');
  await expect(b).toHaveURL(/\/account\?welcome=1/);
  await b.goto(callUrl.replace(/$/, "/bid"));
  await hydrated(b);
  await fillBid(b, `B 队方案 ${stamp}`);
  await b.click('[data-testid="save-draft"]');
  await expect(b).toHaveURL(/\/bids\/[0-9a-f-]{36}$/);
  const bidB = b.url();
  // Team B attaches its proposal as a PDF; a file named .pdf that is not one is refused.
  const pdf = Buffer.from(`%PDF-1.4\n1 0 obj<<>>endobj\n% B 队附件 ${stamp}\ntrailer<<>>\n%%EOF\n`);
  await b.setInputFiles("#attachment-file", { name: "B队申报书.pdf", mimeType: "application/pdf", buffer: pdf });
  await b.click('[data-testid="upload"]');
  await expect(b.locator('[data-testid="upload-ok"]')).toBeVisible();
  await expect(b.locator('[data-testid="attachment"]')).toHaveCount(1);
  await expect(b.locator('[data-testid="attachment"]')).toContainText("B队申报书.pdf");
  await b.setInputFiles("#attachment-file", { name: "伪装.pdf", mimeType: "application/pdf", buffer: Buffer.from("MZ not a pdf") });
  await b.click('[data-testid="upload"]');
  await expect(b.locator('[data-testid="upload-error"]')).toContainText("不是有效的 PDF");
  await expect(b.locator('[data-testid="attachment"]')).toHaveCount(1);
  const fileB = await b.locator('[data-testid="attachment"] a').getAttribute("href");
  expect((await visitor.request.get(fileB!)).status(), "the file is sealed too").toBe(404);
  await hydrated(b);
  await b.click('[data-testid="submit"]');
  await expect(b.locator('[data-testid="receipt"]')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(b.locator('[data-testid="receipts"]')).toContainText("含 1 个附件");

  // Sealed: the public sees two bids and nothing else; no one but the team opens a bid.
  await visitor.goto(callUrl);
  await expect(visitor.locator('[data-testid="bids-submitted"]')).toHaveText("2");
  await expect(visitor.locator("body")).not.toContainText(`A 队方案 ${stamp}`);
  const expert = await (await browser.newContext()).newPage();
  await login(expert, DEMO.expert.email, DEMO.expert.password);
  for (const [who, p] of [["visitor", visitor], ["team B", b], ["expert", expert], ["official", page]] as const) {
    const res = await p.goto(bidA);
    expect(res?.status(), `${who} before the close`).toBe(404);
    await expect(p.locator("body")).not.toContainText(`A 队方案 ${stamp}`);
  }
  await visitor.goto("/receipts");
  await hydrated(visitor);
  await visitor.fill("#receipt", receiptA);
  await visitor.click('[data-testid="verify"]');
  await expect(visitor.locator('[data-testid="receipt-result"]')).toContainText("密封");

  // The window closes by the server clock; nobody presses anything.
  await expect(async () => {
    await visitor.goto(callUrl);
    await expect(visitor.locator('.page-desc [data-status="screening"]')).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 5 * 60_000, intervals: [5_000] });

  // Opened: the official screens both bids; the expert, not yet a reviewer, still reads nothing.
  expect((await expert.goto(bidA))?.status()).toBe(404);
  await page.goto(callUrl);
  await expect(page.locator('[data-testid="bid-row"]')).toHaveCount(2);
  await page.goto(bidA);
  await hydrated(page);
  await expect(page.locator('[data-testid="bid-title"]')).toHaveText(`A 队方案 ${stamp}`);
  await page.click('[data-testid="qualify"]');
  await expect(page.locator('.page-desc [data-status="qualified"]')).toBeVisible();
  await page.goto(bidB);
  await hydrated(page);
  // Opened, the official downloads team B's file, as it was submitted.
  const file = await page.request.get(fileB!);
  expect(file.status()).toBe(200);
  expect(file.headers()["content-type"]).toBe("application/pdf");
  expect((await file.body()).toString()).toContain(`B 队附件 ${stamp}`);
  await page.fill("#reason", "x");
  await page.click('[data-testid="disqualify"]');
  await expect(page.locator("#reason-error")).toBeVisible();
  await page.click('[data-testid="qualify"]');
  await expect(page.locator('.page-desc [data-status="qualified"]')).toBeVisible();
  await page.goto(callUrl);
  await hydrated(page);
  await page.click('[data-testid="start_review"]');
  await expect(page.locator('.page-desc [data-status="reviewing"]')).toBeVisible();

  // Review: the official puts the demo expert on the panel.
  await page.click('[data-testid="review-panel"]');
  await hydrated(page);
  await page.locator('[data-testid="reviewer-option"]', { hasText: "覃丽萍" }).locator("input").check();
  await page.click('[data-testid="assign"]');
  await expect(page.locator('[data-testid="assignment"]')).toHaveCount(2);
  const reviewUrl = page.url();

  // The reviewer declares no conflict, reads each bid and scores it.
  for (const [title, s] of [[`A 队方案 ${stamp}`, ["90", "85", "80"]], [`B 队方案 ${stamp}`, ["70", "65", "60"]]] as const) {
    await expert.goto("/my/reviews");
    await expert.locator('[data-testid="review-row"] a', { hasText: title }).click();
    await hydrated(expert);
    await expect(expert.locator('[data-testid="review-bid"]')).toHaveCount(0);
    await expert.click('[data-testid="declare_no_conflict"]');
    await expect(expert.locator('[data-testid="review-bid"]')).toContainText(title);
    const scores = expert.locator('[data-testid="score"]');
    const notes = expert.locator('[data-testid="score-comment"]');
    for (let i = 0; i < 3; i++) {
      await scores.nth(i).fill(i === 0 && title.startsWith("A") ? "101" : s[i]);
      await notes.nth(i).fill(`${title.slice(0, 1)}队第${i + 1}项意见：论证充分`);
    }
    await expert.click('[data-testid="submit-scores"]');
    if (title.startsWith("A")) {
      // A score above the scale is refused with the field named.
      await expect(expert.locator('[data-testid="error-summary"]')).toContainText("0–100");
      await scores.nth(0).fill(s[0]);
      await expert.click('[data-testid="submit-scores"]');
    }
    await expect(expert.locator('[data-testid="my-scores"]')).toBeVisible();
  }

  // The official reads the ranking and awards the top bid; the 公示 opens.
  await page.goto(reviewUrl);
  await hydrated(page);
  await expect(page.locator('[data-testid="rank-row"]').first()).toContainText(`A 队方案 ${stamp}`);
  await expect(page.locator('[data-testid="rank-row"]').first()).toContainText("86.50");
  await page.locator('[data-testid="pick"]').first().check();
  await page.locator('input[name="reasons[]"]').first().fill("评审排名第一，方案可行");
  await page.click('[data-testid="award"]');
  await expect(page).toHaveURL(callUrl);
  await expect(page.locator('.page-desc [data-status="publicity"]')).toBeVisible();
  await expect(page.locator('[data-testid="winner"]')).toContainText("86.50");

  // During the 公示 a visitor sees the winner but may not object; team B objects, signed.
  await visitor.goto(callUrl);
  await expect(visitor.locator('[data-testid="winner"]')).toContainText("广西大学");
  await expect(visitor.locator('[data-testid="file-objection"]')).toHaveCount(0);
  await b.goto(callUrl);
  await hydrated(b);
  await b.fill("#body", "我方样机测试数据更完整，请复核评分。");
  await b.click('[data-testid="file-objection"]');
  await expect(b.locator('[data-testid="objection"]')).toContainText("请复核评分");
  await page.goto(callUrl);
  await hydrated(page);
  await page.locator('[data-testid="objection"] textarea').fill("经复核，评分程序合规，维持定榜结果。");
  await page.click('[data-testid="answer-objection"]');
  await expect(page.locator('[data-testid="answer"]')).toContainText("维持定榜结果");
  await visitor.goto(callUrl);
  await expect(visitor.locator('[data-testid="answer"]')).toContainText("维持定榜结果");

  // The losing team reads its feedback: scores per criterion, its band, comments, no names.
  await b.goto(bidB);
  await expect(b.locator('[data-testid="feedback"]')).toContainText("B队第1项意见");
  await expect(b.locator('[data-testid="band"]')).not.toBeEmpty();
  await expect(b.locator('[data-testid="feedback"]')).not.toContainText("覃丽萍");

  // The receipt verifies against the opened bid.
  await visitor.goto("/receipts");
  await hydrated(visitor);
  await visitor.fill("#receipt", receiptA);
  await visitor.click('[data-testid="verify"]');
  await expect(visitor.locator('[data-testid="receipt-result"]')).toContainText("核验一致");
});
