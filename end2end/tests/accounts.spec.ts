import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, newConfirmedVoter } from "./helpers";

test("sign up → confirm from the outbox → sign in", async ({ page }) => {
  const email = await newConfirmedVoter(page);
  await page.goto("/account");
  await expect(page.getByTestId("account-details")).toContainText(email);
  await expect(page.getByTestId("account-details")).toContainText("Yes");
});

test("an admin grants the expert role", async ({ page }) => {
  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("E-mail address").fill("admin@wsis.example");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("signed-in-as")).toContainText("Ada Admin");
  await page.goto("/admin/accounts?q=announcer");
  await hydrated(page);
  const row = page.locator("tr[data-email='announcer@wsis.example']");
  await expect(row.getByTestId("role-expert")).toHaveAttribute("aria-pressed", "false");
  await row.getByTestId("role-expert").click();
  await expect(row.getByTestId("role-expert")).toHaveAttribute("aria-pressed", "true");
});
