import { test, expect, hydrated, login, DEMO, Page } from "./fixtures";

// The header holds every section for every role at desktop and phone widths: no two of its
// elements overlap, nothing runs off the side, and every link is reachable by keyboard (menus
// open with Enter on their summary).
const WIDTHS = [1366, 1920, 390];
const ROLES = [
  ["visitor", null],
  ["enterprise", DEMO.enterprise],
  ["researcher", DEMO.researcher],
  ["expert", DEMO.expert],
  ["official", DEMO.official],
] as const;

const PARTS = [
  ".brand",
  ".header-search",
  ".lang-switch",
  ".user-menu > *",
  ".main-nav > a",
  ".nav-menu > summary",
];

async function boxes(page: Page) {
  const out: { name: string; x: number; y: number; w: number; h: number }[] = [];
  for (const sel of PARTS) {
    for (const el of await page.locator(`header ${sel}`).all()) {
      if (!(await el.isVisible())) continue;
      const b = await el.boundingBox();
      if (!b || b.width === 0 || b.height === 0) continue;
      const name = `${sel} "${((await el.textContent()) || "").trim().slice(0, 20)}"`;
      out.push({ name, x: b.x, y: b.y, w: b.width, h: b.height });
    }
  }
  return out;
}

for (const [role, who] of ROLES) {
  test(`the header fits and is keyboard-reachable for ${role} at every width`, async ({ browser }) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    if (who) await login(page, who.email, who.password);
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto("/");
      await hydrated(page);
      if (who) await expect(page.locator('[data-testid="nav-mine"]')).toBeVisible();
      const bs = await boxes(page);
      expect(bs.length).toBeGreaterThan(5);
      for (let i = 0; i < bs.length; i++) {
        const a = bs[i];
        expect(a.x, `${a.name} starts inside the page at ${width}px`).toBeGreaterThanOrEqual(-0.5);
        expect(a.x + a.w, `${a.name} ends inside the page at ${width}px`).toBeLessThanOrEqual(width + 0.5);
        for (let j = i + 1; j < bs.length; j++) {
          const b = bs[j];
          const overlap = a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
          expect(overlap, `${a.name} overlaps ${b.name} at ${width}px (${role})`).toBe(false);
        }
      }
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `no sideways scroll at ${width}px`).toBeLessThanOrEqual(width);
    }

    // Keyboard: Tab reaches every visible header link and menu; Enter opens a menu and Tab
    // then walks its links.
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.goto("/");
    await hydrated(page);
    const targets = await page
      .locator("header a:visible, header summary:visible, header input:visible, header button:visible")
      .evaluateAll((els) => els.map((e) => e.getAttribute("href") || e.getAttribute("id") || e.textContent!.trim()));
    const reached = new Set<string>();
    await page.locator("body").focus();
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press("Tab");
      const here = await page.evaluate(() => {
        const e = document.activeElement as HTMLElement | null;
        if (!e || !e.closest("header")) return null;
        return e.getAttribute("href") || e.getAttribute("id") || (e.textContent || "").trim();
      });
      if (here) reached.add(here);
    }
    for (const t of targets) expect(reached.has(t!), `Tab reaches ${t} (${role})`).toBe(true);
    for (const menu of await page.locator("header details.nav-menu").all()) {
      await menu.locator("summary").focus();
      await page.keyboard.press("Enter");
      await expect(menu).toHaveAttribute("open", "");
      const links = await menu.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
      expect(links.length).toBeGreaterThan(0);
      for (const href of links) {
        await page.keyboard.press("Tab");
        expect(await page.evaluate(() => document.activeElement?.getAttribute("href"))).toBe(href);
      }
      await menu.locator("summary").click();
    }
    await context.close();
  });
}

test("an official's workbench and administration menus lead to their pages", async ({ page }) => {
  await login(page, DEMO.official.email, DEMO.official.password);
  await page.goto("/");
  await hydrated(page);
  await page.click('[data-testid="nav-admin"] summary');
  await page.click('[data-testid="nav-admin"] a[href="/admin/import"]');
  await expect(page).toHaveURL(/\/admin\/import$/);
  await expect(page.locator("h1")).toHaveText("批量导入");
  await expect(page.locator('[data-testid="nav-admin"] summary')).toHaveClass(/current/);
});
