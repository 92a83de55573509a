import { test, expect, Page } from "@playwright/test";
import { giveProfileAndVote, hydrated, powSolved, uniqueEmail } from "./helpers";

// Sign-in with an organisation's identity provider: the real OpenID provider the test
// command starts, its own sign-in and consent pages, in Chromium.
async function atProvider(page: Page, login: string) {
  await page.locator("input[name=login]").fill(login);
  await page.locator("input[name=password]").fill("any password");
  await page.locator("button[type=submit]").click();
  await page.getByRole("button", { name: "Continue" }).click();
}

test("a new voter signs in with their organisation from a shared link and votes", async ({ page }) => {
  const email = uniqueEmail("idp");
  await page.goto("/categories/c4");
  const nominee = await page.locator("main a[href^='/nominees/']").first().getAttribute("href");
  await page.goto(nominee!);
  await hydrated(page);
  await page.getByTestId("vote-sign-in").click();
  await expect(page).toHaveURL(/\/signin\/email\?next=/);
  await hydrated(page);
  await page.getByTestId("use-oidc").click();
  await expect(page.locator("input[name=login]")).toBeVisible();
  expect(new URL(page.url()).port).not.toBe(new URL(nominee!, "http://x").port);
  await atProvider(page, email);
  // back on the platform: a new address gives its name and country once
  await expect(page).toHaveURL(/\/signin\/code\?token=/);
  await hydrated(page);
  await powSolved(page);
  await page.getByTestId("code-submit").click();
  await expect(page.getByTestId("error-profile")).toBeVisible();
  await giveProfileAndVote(page, nominee!, "Idp Voter", "Chile");
});

test("an existing voter is signed in at once; an admin keeps the password", async ({ page }) => {
  await page.goto("/signin");
  await hydrated(page);
  await page.getByTestId("use-oidc").click();
  await atProvider(page, "voter@wsis.example");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("signed-in-as")).toHaveCount(1);

  await page.context().clearCookies();
  await page.goto("/signin");
  await hydrated(page);
  await page.getByTestId("use-oidc").click();
  await atProvider(page, "admin@wsis.example");
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByText("signs in with its password only")).toBeVisible();
  await expect(page.getByTestId("signed-in-as")).toHaveCount(0);
});
