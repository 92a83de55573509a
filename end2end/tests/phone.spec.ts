import { test, expect, Page } from "@playwright/test";
import { DEMO_PASSWORD, giveProfileAndVote, hydrated, outboxCode, powSolved, setLanguage, uniqueEmail } from "./helpers";

// Most voters come from a shared link on a phone: every page fits a 360 px screen.
test.use({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });

async function fits(page: Page, label: string) {
  const { scroll, inner } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
  expect(scroll, `${label}: the page is ${scroll} px wide on a ${inner} px screen`).toBeLessThanOrEqual(inner);
}

const PUBLIC_PAGES = ["/", "/categories", "/categories/c1", "/signin", "/signin/email", "/signin/code", "/signup", "/forgot", "/resend", "/receipt", "/results"];
const VOTER_PAGES = ["/my-votes", "/account", "/submit", "/submissions"];
const ADMIN_PAGES = ["/admin", "/admin/accounts", "/admin/tally", "/admin/audit", "/admin/champions", "/admin/screening", "/admin/review", "/admin/editions/new"];

async function signIn(page: Page, email: string) {
  await page.goto("/signin");
  await hydrated(page);
  await page.locator("input[name=email]").fill(email);
  await page.locator("input[name=password]").fill(DEMO_PASSWORD);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("signed-in-as")).toHaveCount(1);
  await expect(page).toHaveURL(/\/$/);
}

for (const lang of ["en", "ar"]) {
  test(`no page scrolls sideways at 360 px in ${lang}`, async ({ page }) => {
    test.setTimeout(240_000);
    await setLanguage(page, lang);
    for (const path of PUBLIC_PAGES) {
      await page.goto(path);
      await hydrated(page);
      await fits(page, `${path} (${lang})`);
    }
    await page.goto("/categories/c1");
    const nominee = await page.locator("main a[href^='/nominees/']").first().getAttribute("href");
    for (const path of [nominee!, `${nominee}/poster`]) {
      await page.goto(path);
      await hydrated(page);
      await fits(page, `${path} (${lang})`);
    }
    await signIn(page, "voter@wsis.example");
    for (const path of VOTER_PAGES) {
      await page.goto(path);
      await hydrated(page);
      await fits(page, `${path} (${lang})`);
    }
    await page.context().clearCookies();
    await setLanguage(page, lang);
    await signIn(page, "admin@wsis.example");
    for (const path of ADMIN_PAGES) {
      await page.goto(path);
      await hydrated(page);
      await fits(page, `${path} (${lang})`);
    }
  });

  test(`the menu is one button that opens the links, in ${lang}`, async ({ page }) => {
    await setLanguage(page, lang);
    await page.goto("/");
    await hydrated(page);
    const categories = page.locator(".site-header a[href='/categories']");
    await expect(categories).toBeHidden();
    await page.getByTestId("menu-button").click();
    await expect(categories).toBeVisible();
    const box = await categories.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(360);
    await categories.click();
    await expect(page).toHaveURL(/\/categories$/);
  });

  test(`from a shared nominee link to a counted vote on a phone, in ${lang}`, async ({ page }) => {
    test.setTimeout(120_000);
    // a first-time voter: no account, no password
    const email = uniqueEmail(`phone-${lang}`);
    await setLanguage(page, lang);
    // the link a nominee shared
    await page.goto("/categories/c5");
    const nominee = await page.locator("main a[href^='/nominees/']").first().getAttribute("href");
    await page.goto(nominee!);
    await hydrated(page);
    // the way to vote is the page's main button, full width on a phone
    const cta = page.getByTestId("vote-sign-in");
    await expect(cta).toBeVisible();
    const box = await cta.boundingBox();
    expect(box!.width).toBeGreaterThan(250);
    await expect(page.getByTestId("share-kit")).toBeVisible();
    await cta.click();
    await expect(page).toHaveURL(/\/signin\/email\?next=/);
    await hydrated(page);
    await fits(page, `code request (${lang})`);
    await page.locator("input[name=email]").fill(email);
    await powSolved(page);
    await page.getByTestId("send-code").click();
    await expect(page).toHaveURL(/\/signin\/code\?next=/);
    await hydrated(page);
    await page.getByTestId("code-input").fill(await outboxCode(email));
    await powSolved(page);
    await page.getByTestId("code-submit").click();
    // a new address: the name and country, once
    await expect(page.getByTestId("error-profile")).toBeVisible();
    await expect(page.getByTestId("new-account")).toHaveAttribute("open", "");
    await fits(page, `code entry (${lang})`);
    // back on the nominee, at the confirmation
    await giveProfileAndVote(page, nominee!, "Phone Voter", "Ghana");
    await expect(page.getByTestId("receipt")).toHaveText(/[0-9A-F]{4}-/);
    await fits(page, `receipt (${lang})`);
  });
}

test("the share kit copies the page's address and offers the QR code, poster and badge", async ({ page, context }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/categories/c2");
  const nominee = await page.locator("main a[href^='/nominees/']").first().getAttribute("href");
  await page.goto(nominee!);
  await hydrated(page);
  const url = await page.getByTestId("share-url").inputValue();
  expect(url).toMatch(new RegExp(`${nominee}$`));
  await page.getByTestId("share-copy").click();
  await expect(page.getByText("Link copied")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(url);
  await expect(page.getByTestId("badge-snippet")).toHaveValue(new RegExp(`<a href="${url}"><img src="${url}/badge.svg`));
  const badge = page.locator(".share-kit img");
  await expect(badge).toHaveJSProperty("complete", true);
  expect(await badge.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(320);
  await page.getByTestId("share-poster").click();
  await expect(page.getByTestId("poster")).toBeVisible();
  const qr = page.locator(".poster-qr");
  await expect(qr).toHaveJSProperty("complete", true);
  expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
});
