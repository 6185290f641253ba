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
  reviewer: { email: "reviewer@demo.jiebang.local", password: "Demo-2026-reviewer" },
};

/// The first sheet of an XLSX file as rows of cell texts (shared strings resolved, numbers as
/// written). A zip read by its central directory, entries inflated with Node's zlib: enough for
/// the workbooks the platform exports, and no spreadsheet library to install.
export function readXlsx(bytes: Buffer): string[][] {
  const zlib = require("zlib") as typeof import("zlib");
  let eocd = bytes.length - 22;
  while (eocd >= 0 && bytes.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  if (eocd < 0) throw new Error("not a zip");
  const count = bytes.readUInt16LE(eocd + 10);
  let p = bytes.readUInt32LE(eocd + 16);
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const method = bytes.readUInt16LE(p + 10);
    const size = bytes.readUInt32LE(p + 20);
    const nameLen = bytes.readUInt16LE(p + 28);
    const extraLen = bytes.readUInt16LE(p + 30);
    const commentLen = bytes.readUInt16LE(p + 32);
    const local = bytes.readUInt32LE(p + 42);
    const name = bytes.toString("utf8", p + 46, p + 46 + nameLen);
    const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const data = bytes.subarray(start, start + size);
    files[name] = (method === 8 ? zlib.inflateRawSync(data) : data).toString("utf8");
    p += 46 + nameLen + extraLen + commentLen;
  }
  const unescape = (s: string) =>
    s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
  const shared = [...(files["xl/sharedStrings.xml"] ?? "").matchAll(/<si>.*?<t[^>]*>(.*?)<\/t>.*?<\/si>/gs)].map((m) => unescape(m[1]));
  return [...files["xl/worksheets/sheet1.xml"].matchAll(/<row[^>]*>(.*?)<\/row>/gs)].map((row) =>
    [...row[1].matchAll(/<c r="[A-Z]+\d+"( t="s")?[^>]*><v>(.*?)<\/v><\/c>/g)].map((c) => (c[1] ? shared[Number(c[2])] : c[2])),
  );
}
