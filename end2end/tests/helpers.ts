import { expect, Page } from "@playwright/test";
import * as fs from "fs";
import * as path from "path";

export const DEMO_PASSWORD = "wsis-demo-2026";

/** Waits until the browser build has hydrated the page. */
export async function hydrated(page: Page) {
  await expect(page.locator("body[data-hydrated='true']")).toHaveCount(1);
}

/** What `pick` finds in the newest mail to a recipient that has it, waiting up to 10 s. */
async function fromOutbox(to: string, missing: string, pick: (text: string) => string | undefined): Promise<string> {
  const dir = process.env.OUTBOX_DIR;
  if (!dir) throw new Error("OUTBOX_DIR is not set");
  for (let i = 0; i < 50; i++) {
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).sort().reverse() : [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), "utf8");
      if (text.split("\n").some((l) => l.toLowerCase() === `to: ${to.toLowerCase()}`)) {
        const found = pick(text);
        if (found) return found;
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(missing);
}

/** The newest link in the outbox for a recipient that contains `needle`. */
export async function outboxLink(to: string, needle: string): Promise<string> {
  return fromOutbox(to, `no mail to ${to} with ${needle}`, (text) => text.split(/\s+/).find((w) => w.startsWith("http") && w.includes(needle)));
}

/** The sign-in code of the newest code mail to a recipient (its subject ends with it). */
export async function outboxCode(to: string): Promise<string> {
  return fromOutbox(to, `no sign-in code mailed to ${to}`, (text) =>
    text.includes("/signin/code?token=") ? text.split("\n").find((l) => l.startsWith("Subject:"))?.match(/(\d{6})$/)?.[1] : undefined,
  );
}

export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.org`;
}

/** Waits until the browser has answered the form's proof of work (see wsis::pow). */
export async function powSolved(page: Page) {
  await expect(page.getByTestId("pow-nonce")).not.toHaveValue("wait");
}

/** Signs up, confirms from the outbox (which signs in), all in the browser (JS on). */
export async function newConfirmedVoter(page: Page): Promise<string> {
  const email = uniqueEmail("voter");
  await page.goto("/signup");
  await hydrated(page);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByLabel("Display name").fill("Playwright Voter");
  await page.getByLabel("Organisation").fill("Test Org");
  await page.getByLabel("Country").fill("Kenya");
  await powSolved(page);
  await page.getByTestId("sign-up-submit").click();
  await expect(page.getByTestId("form-ok")).toContainText("confirmation link");
  const link = await outboxLink(email, "/confirm?token=");
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await hydrated(page);
  // the password chosen at sign-up opens the link, which signs in
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByTestId("confirm-submit").click();
  await expect(page.getByTestId("signed-in-as")).toContainText("Playwright Voter");
  return email;
}

/** Chooses the interface language as the language links do (the i18n cookie). */
export async function setLanguage(page: Page, lang: string) {
  const url = new URL(process.env.BASE_URL ?? "http://127.0.0.1:3000");
  await page.context().addCookies([{ name: "i18n_pref_locale", value: lang, domain: url.hostname, path: "/" }]);
}

/** A new address's profile on the code page (name and country), then the vote's confirmation on `nominee`. */
export async function giveProfileAndVote(page: Page, nominee: string, name: string, country: string) {
  await page.locator("input[name='input[display_name]']").fill(name);
  await page.locator("input[name='input[country]']").fill(country);
  await powSolved(page);
  await page.getByTestId("code-submit").click();
  await expect(page).toHaveURL(new RegExp(`${nominee}\\?confirm=1$`));
  await hydrated(page);
  await page.getByTestId("confirm-vote").click();
  await expect(page.getByTestId("vote-recorded")).toBeVisible();
}
