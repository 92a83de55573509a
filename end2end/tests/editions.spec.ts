import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, hydrated } from "./helpers";

test("an admin clones an edition, sets a deadline in Geneva time and sees the timeline", async ({ page }) => {
  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("E-mail address").fill("admin@wsis.example");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("signed-in-as")).toContainText("Ada Admin");

  await page.goto("/admin/editions/new");
  await hydrated(page);
  await page.getByTestId("clone-submit").click();
  await expect(page).toHaveURL(/\/admin\/editions\/\d{4}$/);
  await hydrated(page);
  const year = page.url().match(/(\d{4})$/)![1];

  const input = page.locator("#instant-voting_closes");
  const before = await input.inputValue();
  expect(before.startsWith(year)).toBeTruthy();
  const date = before.slice(0, 10);
  await input.fill(`${date}T22:15`);
  await page.getByTestId("schedule-submit").click();
  await expect(page.getByTestId("form-ok")).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.locator("#instant-voting_closes")).toHaveValue(`${date}T22:15`);
  // shown in Geneva time with the UTC instant beside it, and on the timeline, as English
  // writes dates: "28 April 2028, 22:15 CEST"
  const [y, m, d] = date.split("-").map(Number);
  const month = new Date(Date.UTC(y, m - 1, 1)).toLocaleString("en-GB", { month: "long", timeZone: "UTC" });
  const geneva = `${d} ${month} ${y}, 22:15`;
  await expect(page.locator("#voting_closes-utc")).toContainText(geneva);
  await expect(page.locator("#voting_closes-utc")).toContainText("UTC");
  await expect(page.getByTestId("edition-timeline")).toContainText(geneva);
});
