import { test, expect, Page } from "@playwright/test";
import { DEMO_PASSWORD, hydrated } from "./helpers";

async function signIn(page: Page, email: string) {
  await page.goto("/signin");
  await hydrated(page);
  await page.locator("input[name=email]").fill(email);
  await page.locator("input[name=password]").fill(DEMO_PASSWORD);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
}

test("a screener's queue: every project done, and the other screener's opinion beside theirs", async ({ page }) => {
  await signIn(page, "expert@wsis.example");
  await page.locator("header a[href='/screen']").click();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Your screening queue" })).toBeVisible();
  // the demo expert group screened C1–C3: 20 projects each
  await expect(page.getByTestId("screener-item")).toHaveCount(60);
  await expect(page.getByTestId("screener-progress")).toHaveAttribute("data-left", "0");
  await expect(page.getByTestId("screener-done")).toBeVisible();
  // the demo's screening phase is over: no form to change an opinion
  await expect(page.getByTestId("give-opinion")).toHaveCount(0);
  const first = page.getByTestId("screener-item").first();
  await expect(first.getByTestId("my-verdict")).toHaveText("Accept");
  await expect(first.getByTestId("opinions")).toContainText("Eva Examiner");
  // the second expert disagreed on two projects of each category
  await expect(page.getByTestId("opinions").filter({ hasText: "Reject" })).toHaveCount(6);
});

test("the secretariat sees the expert group: screeners, progress, and disagreements first", async ({ page }) => {
  await signIn(page, "admin@wsis.example");
  await page.goto("/admin/screening?category=c1");
  await hydrated(page);
  const screeners = page.getByTestId("screener-progress");
  await expect(screeners.locator("tr[data-email='expert@wsis.example']")).toBeVisible();
  await expect(screeners.locator("tr[data-email='expert@wsis.example'] [data-testid=screener-given]")).toHaveText("60 / 60");
  const entries = page.locator("[data-testid=screening-category] .screening-entry");
  await expect(entries.first().getByTestId("opinions")).toHaveAttribute("data-split", "true");
  await expect(entries.first().getByTestId("opinions")).toContainText("The expert group disagrees");
  await expect(entries.nth(2).getByTestId("opinions")).toHaveAttribute("data-split", "false");
});

test("the secretariat sees the mail queue", async ({ page }) => {
  await signIn(page, "admin@wsis.example");
  await page.goto("/admin/mail");
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Outgoing mail" })).toBeVisible();
  await expect(page.locator("[data-transport=outbox]")).toBeVisible();
  await expect(page.getByTestId("mail-no-failures")).toBeVisible();
});

test("the secretariat previews a broadcast, sees one rendered message, then sends it", async ({ page }) => {
  await signIn(page, "admin@wsis.example");
  await page.goto("/admin/broadcasts");
  await hydrated(page);
  await page.getByTestId("broadcast-group").selectOption("nominees");
  await page.getByTestId("broadcast-subject").fill("Voting is open, {name}");
  await page.getByTestId("broadcast-body").fill("Dear {name}, share your nominee page with your community.");
  await page.getByTestId("broadcast-preview").click();
  // the demo's one nominee team
  await expect(page.getByTestId("broadcast-count")).toHaveAttribute("data-count", "1");
  const sample = page.getByTestId("broadcast-sample");
  await expect(sample).toContainText("team@wsis.example");
  await expect(sample).toContainText("Voting is open, Tomás Team");
  await expect(sample).toContainText("Dear Tomás Team, share your nominee page");
  await page.getByTestId("broadcast-send").click();
  await expect(page.getByTestId("broadcast-sent")).toContainText("1");
  await expect(page.getByTestId("broadcasts")).toContainText("Voting is open, {name}");
  // pressing send again sends nothing more
  await page.getByTestId("broadcast-send").click();
  await expect(page.getByTestId("form-error")).toContainText("already sent");
});
