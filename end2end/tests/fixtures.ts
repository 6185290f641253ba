import { test as base, expect, Page, BrowserContext } from "@playwright/test";

// Every spec imports `test` from here: it fails any test during which Chromium reported a
// Content-Security-Policy violation or a page error, in any browser context the test opened
// (its own and those made with `browser.newContext()`).
const watched = new WeakSet<BrowserContext>();

function watch(context: BrowserContext, problems: string[]) {
  if (watched.has(context)) return;
  watched.add(context);
  context.on("console", (msg) => {
    const text = msg.text();
    if (/Content Security Policy|Content-Security-Policy/i.test(text)) {
      problems.push(`CSP violation on ${msg.location().url}: ${text}`);
    }
  });
  context.on("weberror", (e) => problems.push(`page error: ${e.error()}`));
}

export const test = base.extend<{ policyWatch: void }>({
  policyWatch: [
    async ({ context, browser }, use) => {
      const problems: string[] = [];
      watch(context, problems);
      const original = browser.newContext.bind(browser);
      browser.newContext = async (...args: Parameters<typeof browser.newContext>) => {
        const c = await original(...args);
        watch(c, problems);
        return c;
      };
      await use();
      browser.newContext = original;
      expect(problems, "no CSP violation or page error").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
export type { Page };

// GB 32100-2015 check character, so every run registers a fresh, valid credit code.
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
export function creditCode(): string {
  let body = "91450100";
  for (let i = 0; i < 9; i++) body += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  const sum = [...body].reduce((s, c, i) => s + ALPHABET.indexOf(c) * WEIGHTS[i], 0);
  const check = (31 - (sum % 31)) % 31;
  return body + ALPHABET[check];
}

export async function hydrated(page: Page) {
  await expect(page.locator('[data-hydrated="true"]')).toBeAttached();
}

export async function login(page: Page, email: string, password: string) {
  await page.goto("/login");
  await hydrated(page);
  await page.fill("#email", email);
  await page.fill("#password", password);
  await page.click('[data-testid="login-submit"]');
  await expect(page.locator(".user-menu .user-name")).toBeVisible();
}

export async function logout(page: Page) {
  await page.click('[data-testid="logout"]');
  await expect(page.locator('a[href="/login"]').first()).toBeVisible();
}

export const DEMO = {
  enterprise: { email: "enterprise@demo.jiebang.local", password: "Demo-2026-enterprise_member", org: "91450100JBRMD0TQJ5" },
  researcher: { email: "researcher@demo.jiebang.local", password: "Demo-2026-researcher", org: "12450000JB109Y03WR" },
  expert: { email: "expert@demo.jiebang.local", password: "Demo-2026-expert", org: "12450000JBYY1CNW0T" },
  official: { email: "official@demo.jiebang.local", password: "Demo-2026-official", org: "11450100JBDXJP1EQY" },
  clerk: { email: "clerk@demo.jiebang.local", password: "Demo-2026-clerk" },
};
