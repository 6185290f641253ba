import { test, expect, hydrated, login, DEMO } from "./fixtures";

// 揭榜挂帅 part 2 on the demo 赛马制 call, awarded to two teams (its 公示 is over): the official
// records both task contracts (a tranche plan that overruns the funding is refused with the
// values kept), team A's milestone (with a file) is rejected and then accepted, the mid-term
// review cuts team B with a reason (cutting both is refused), an assigned expert gives an
// opinion on team A's final report, team A passes its final acceptance with the final payment,
// and the call's open data shows both contracts. The demo database is fresh per run.
const RACE = "高强韧铝合金型材在线表面缺陷检测与分级";

test("a 赛马制 call runs from 立项 through a rejected and accepted milestone and a mid-term cut to final acceptance", async ({ page, browser }) => {
  test.setTimeout(5 * 60_000);
  await login(page, DEMO.official.email, DEMO.official.password);
  await page.goto("/calls?status=awarded");
  await page.locator('[data-testid="call-item"]', { hasText: RACE }).locator("a").first().click();
  await hydrated(page);
  const callUrl = page.url();
  await expect(page.locator('.page-desc [data-status="awarded"]')).toBeVisible();
  const card = page.locator('[data-testid="implementation"]');
  await expect(card.locator('[data-testid="start-task"]')).toHaveCount(2);

  // 立项 of team A (广西大学): an overrun is refused with the values kept, then recorded.
  await card.locator("li", { hasText: "广西大学" }).locator('[data-testid="start-task"]').click();
  await hydrated(page);
  const plan = await page.locator("#milestones").inputValue();
  expect(plan.split("\n")).toHaveLength(3);
  const overrun = plan.replace(/\| ([0-9.]+)$/m, "| 999");
  await page.fill("#milestones", overrun);
  await page.click('[data-testid="record-task"]');
  await expect(page.locator('[data-testid="error-summary"]')).toContainText("超过资助经费");
  await expect(page.locator("#milestones")).toHaveValue(overrun);
  await page.fill("#milestones", plan);
  await page.click('[data-testid="record-task"]');
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  const taskA = page.url();
  await expect(page.locator('[data-testid="task-title"]')).toContainText("广西大学");
  await expect(page.locator('[data-testid="paid"]')).toContainText("50%");
  await expect(page.locator('[data-testid="milestone-row"]').first()).toHaveAttribute("data-status", "accepted");

  // 立项 of team B as pre-filled.
  await page.goto(callUrl);
  await hydrated(page);
  await expect(page.locator('.page-desc [data-status="in_progress"]')).toBeVisible();
  await card.locator('[data-testid="start-task"]').click();
  await hydrated(page);
  await page.click('[data-testid="record-task"]');
  await expect(page).toHaveURL(/\/tasks\/[0-9a-f-]{36}$/);
  await expect(page.locator('[data-testid="task-title"]')).toContainText("桂林电子科技大学");

  // Team A submits its mid-term milestone: a value in another unit is refused, then it goes in.
  const team = await (await browser.newContext()).newPage();
  await login(team, DEMO.researcher.email, DEMO.researcher.password);
  await team.goto(taskA);
  await hydrated(team);
  const form = team.locator('[data-testid="submit-milestone"]');
  // The test data goes with the submission as a file, checked by its content.
  const pdf = Buffer.from("%PDF-1.4\n1 0 obj<<>>endobj\n% 产线数据\ntrailer<<>>\n%%EOF\n");
  await form.locator("#attachment-file").setInputFiles({ name: "产线试运行数据.pdf", mimeType: "application/pdf", buffer: pdf });
  await form.locator('[data-testid="upload"]').click();
  await expect(team.locator('[data-testid="upload-ok"]')).toBeVisible();
  await expect(form.locator('[data-testid="attachment"]')).toContainText("产线试运行数据.pdf");
  await hydrated(team);
  await form.locator("#report").fill("样机已在合作企业产线试运行 30 天，检出率与误报率数据见附件。");
  const values = form.locator('input[name="values[]"]');
  await values.nth(0).fill("97 kg");
  await form.locator('[data-testid="submit-deliverable"]').click();
  await expect(form.locator('[data-testid="error-summary"]')).toContainText("单位");
  await expect(form.locator("#report")).toHaveValue(/样机已在合作企业产线试运行/);
  await values.nth(0).fill("97.5");
  await values.nth(1).fill("2.5");
  await form.locator('[data-testid="submit-deliverable"]').click();
  await expect(team.locator('[data-testid="milestone-row"]').nth(1)).toHaveAttribute("data-status", "submitted");

  // The official rejects it with a reason; the team reads the reason and resubmits.
  await page.goto(taskA);
  await hydrated(page);
  const decide = page.locator('[data-testid="decide-milestone"]');
  await expect(decide.locator('[data-testid="readings"]')).toContainText("未达标");
  const href = await decide.locator('[data-testid="attachment"] a').getAttribute("href");
  const file = await page.request.get(new URL(href ?? "", page.url()).toString());
  expect(file.status()).toBe(200);
  expect(await file.body()).toEqual(pdf);
  await decide.locator('input[name="verdict"][value="reject"]').check();
  await decide.locator('[data-testid="decide"]').click();
  await expect(decide.locator('[data-testid="error-summary"]')).toContainText("理由");
  await decide.locator("#decide-reason").fill("检出率 97.5% 未达到中期 98% 的要求，请优化模型后补充数据。");
  await decide.locator('[data-testid="decide"]').click();
  await expect(page.locator('[data-testid="milestone-row"]').nth(1)).toHaveAttribute("data-status", "rejected");
  await team.goto(taskA);
  await hydrated(team);
  await expect(team.locator('[data-testid="rejection"]')).toContainText("请优化模型");
  await form.locator("#report").fill("优化检测模型后补充 30 天产线数据，检出率 98.6%，误报率 1.4%。");
  await values.nth(0).fill("98.6");
  await values.nth(1).fill("1.4");
  await values.nth(2).fill("65");
  await form.locator('[data-testid="submit-deliverable"]').click();
  await expect(team.locator('[data-testid="milestone-row"]').nth(1)).toHaveAttribute("data-status", "submitted");
  await page.goto(taskA);
  await hydrated(page);
  await expect(decide.locator('[data-testid="readings"]')).not.toContainText("未达标");
  await decide.locator('[data-testid="decide"]').click();
  await expect(page.locator('[data-testid="milestone-row"]').nth(1)).toHaveAttribute("data-status", "accepted");
  await expect(page.locator('[data-testid="paid"]')).toContainText("80%");

  // The mid-term review: cutting both teams is refused; team B is cut with its reason.
  await page.goto(callUrl);
  await hydrated(page);
  await page.click('[data-testid="manage-implementation"]');
  await hydrated(page);
  // Each team's fieldset names the others in its merge list: find it by its legend.
  const teamA = page.locator('[data-testid="midterm-team"]').filter({ has: page.locator("legend", { hasText: "广西大学" }) });
  const teamB = page.locator('[data-testid="midterm-team"]').filter({ has: page.locator("legend", { hasText: "桂林电子科技大学" }) });
  await teamA.locator("select").first().selectOption("cut");
  await teamA.locator("textarea").fill("进度滞后");
  await teamB.locator("select").first().selectOption("cut");
  await teamB.locator("textarea").fill("三维检测样机未达到中期指标");
  await page.click('[data-testid="submit-midterm"]');
  await expect(page.locator('[data-testid="midterm"] [data-testid="error-summary"]')).toContainText("不能淘汰全部团队");
  await teamA.locator("select").first().selectOption("continue");
  await teamA.locator("textarea").fill("中期指标全部达到，继续支持");
  await page.click('[data-testid="submit-midterm"]');
  await expect(page).toHaveURL(callUrl);
  await expect(page.locator('[data-testid="task-row"]', { hasText: "桂林电子科技大学" })).toContainText("中期淘汰");
  await expect(page.locator('[data-testid="task-row"]', { hasText: "桂林电子科技大学" })).toContainText("三维检测样机未达到中期指标");

  // Final acceptance of team A: every value, an expert's opinion, the official's opinion, the
  // final payment.
  await team.goto(taskA);
  await hydrated(team);
  await expect(form).toContainText("验收");
  await form.locator("#report").fill("产线连续运行 30 天第三方检测：检出率 98.9%，误报率 1.2%，检测速度 72 米/分钟。");
  await values.nth(0).fill("98.9");
  await values.nth(1).fill("1.2");
  await values.nth(2).fill("72 米/分钟");
  await form.locator('[data-testid="submit-deliverable"]').click();
  await expect(team.locator('[data-testid="milestone-row"]').nth(2)).toHaveAttribute("data-status", "submitted");
  await page.goto(taskA);
  await hydrated(page);
  // Without an expert's opinion the acceptance cannot be decided; the official assigns one.
  await decide.locator("#decide-reason").fill("同意通过验收。");
  await decide.locator('[data-testid="decide"]').click();
  await expect(decide.locator('[data-testid="error-summary"]')).toContainText("评审专家");
  const stage = page.locator('[data-testid="stage-reviews"]').last();
  await stage.locator('[data-testid="assign-stage"] summary').click();
  await stage.locator('[data-testid="reviewer-option"]', { hasText: "广西科学院" }).first().locator("input").check();
  await stage.locator('[data-testid="assign-experts"]').click();
  await expect(stage.locator('[data-testid="stage-opinion"]')).toHaveCount(1);
  const expert = await (await browser.newContext()).newPage();
  await login(expert, DEMO.expert.email, DEMO.expert.password);
  await expert.goto("/my/reviews");
  await expert.locator('[data-testid="stage-assignment"] a', { hasText: "广西大学" }).click();
  await hydrated(expert);
  await expect(expert.locator('[data-testid="review-submission"]')).toContainText("第三方检测");
  const mine = expert.locator('[data-testid="stage-reviews"]');
  await mine.locator('input[name="opinion"][value="pass"]').check();
  await mine.locator("textarea").fill("现场核验产线运行数据，三项指标均达到任务书要求，同意通过验收。");
  await mine.locator('[data-testid="give-opinion"]').click();
  await expect(mine.locator('[data-testid="stage-opinion"]')).toContainText("同意通过");
  await page.goto(taskA);
  await hydrated(page);
  await expect(page.locator('[data-testid="stage-opinion"]').last()).toContainText("现场核验");
  await decide.locator("#decide-reason").fill("专家组认为各项考核指标均达到任务书要求，同意通过验收。");
  await decide.locator('input[name="breakthrough"]').check();
  await decide.locator('[data-testid="decide"]').click();
  await expect(page.locator('.page-desc [data-status="accepted"]')).toBeVisible();
  await expect(page.locator('[data-testid="paid"]')).toContainText("100%");
  await expect(page.locator('[data-testid="breakthrough"]')).toBeVisible();

  // The call closed as accepted, publicly; its open data holds both contracts and the payments.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(callUrl);
  await expect(visitor.locator('.page-desc [data-status="accepted"]')).toBeVisible();
  await expect(visitor.locator('[data-testid="task-row"]')).toHaveCount(2);
  const ocds = await visitor.request.get(`${callUrl.replace("/calls/", "/api/v1/calls/")}/ocds`);
  expect(ocds.status()).toBe(200);
  const pkg = await ocds.json();
  const release = pkg.releases[0];
  expect(release.tag).toEqual(["contract", "implementation"]);
  expect(release.contracts).toHaveLength(2);
  const a = release.contracts.find((c: { title: string }) => c.title.includes("广西大学"));
  expect(a.implementation.transactions).toHaveLength(3);
  expect(JSON.stringify(pkg)).not.toContain("检出率 97.5% 未达到");
});
