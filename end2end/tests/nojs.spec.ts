import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, outboxCode, outboxLink, uniqueEmail } from "./helpers";

test("pages work without JavaScript", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByTestId("current-phase")).toContainText("Public voting");
  await page.getByRole("link", { name: "Categories" }).first().click();
  await expect(page.locator(".category-grid > li")).toHaveCount(18);
  await page.getByRole("link", { name: "C2", exact: true }).click();
  await expect(page.getByTestId("nominee-card")).toHaveCount(20);
  const first = page.getByTestId("nominee-card").first().getByRole("heading").getByRole("link");
  const title = (await first.textContent())!.trim();
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
});

test("sign in and vote with plain form posts", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("E-mail address").fill("submitter@wsis.example");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("signed-in-as")).toContainText("Sami Submitter");

  await page.goto("/categories/c9");
  await page.getByRole("link", { name: "Vote for this project" }).first().click();
  await expect(page.getByRole("heading", { name: "Confirm your vote" })).toBeVisible();
  await page.getByTestId("confirm-vote").click();
  await expect(page).toHaveURL(/\/categories\/c9/);
  await expect(page.getByText("Your vote is recorded")).toBeVisible();
  await expect(page.getByTestId("my-choice")).toBeVisible();

  // a refused form post comes back with the message
  await page.goto("/signin");
  await page.getByLabel("E-mail address").fill("submitter@wsis.example");
  await page.getByLabel("Password").fill("not the password");
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByRole("alert")).toContainText("not right");
});

test("sign up and confirm with plain form posts: the proof of work's time lock", async ({ page }) => {
  const email = uniqueEmail("nojs");
  await page.goto("/signup");
  await expect(page.locator("noscript")).toHaveCount(1);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByLabel("Display name").fill("No Script");
  await page.getByLabel("Country").fill("Peru");
  // without JavaScript the form waits out the time lock (POW_WAIT_SECS of the test server)
  await page.waitForTimeout(2500);
  await page.getByTestId("sign-up-submit").click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByTestId("flash")).toContainText("confirmation link");
  const link = await outboxLink(email, "/confirm?token=");
  await page.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await page.getByLabel("Password").fill("correct horse battery");
  await page.getByTestId("confirm-submit").click();
  await expect(page).toHaveURL(/\/categories$/);
  await expect(page.getByTestId("signed-in-as")).toContainText("No Script");
});

test("a shared link's vote button signs in and comes back to the vote, with plain form posts", async ({ page }) => {
  await page.goto("/categories/c10");
  const nominee = await page.locator("main a[href^='/nominees/']").first().getAttribute("href");
  await page.goto(nominee!);
  await page.getByTestId("vote-sign-in").click();
  await expect(page).toHaveURL(/\/signin\/email\?next=/);
  // a voter with a password takes the password form, which keeps the way back
  await page.getByTestId("use-password").click();
  await expect(page).toHaveURL(/\/signin\?next=/);
  await page.getByLabel("E-mail address").fill("submitter@wsis.example");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByTestId("sign-in-submit").click();
  await expect(page).toHaveURL(new RegExp(`${nominee}\\?confirm=1$`));
  await page.getByTestId("confirm-vote").click();
  await expect(page.getByText("Your vote is recorded")).toBeVisible();
});

test("a first-time voter signs in with an e-mailed code and votes, with plain form posts", async ({ page }) => {
  const email = uniqueEmail("nojs-code");
  await page.goto("/categories/c11");
  const nominee = await page.locator("main a[href^='/nominees/']").first().getAttribute("href");
  await page.goto(nominee!);
  await page.getByTestId("vote-sign-in").click();
  await expect(page).toHaveURL(/\/signin\/email\?next=/);
  await page.getByLabel("E-mail address").fill(email);
  // past the address's mail requests a proof of work is asked: the form waits it out
  await page.waitForTimeout(2500);
  await page.getByTestId("send-code").click();
  await expect(page).toHaveURL(/\/signin\/code\?next=/);
  await expect(page.getByTestId("flash")).toContainText("sign-in code is on its way");
  const code = await outboxCode(email);
  await page.getByTestId("code-input").fill(code);
  await page.waitForTimeout(2500);
  await page.getByTestId("code-submit").click();
  // the page asks for a name and country, with the fields open
  await expect(page.getByTestId("flash")).toContainText("name and country");
  await expect(page.getByTestId("new-account")).toHaveAttribute("open", "");
  await page.getByTestId("code-input").fill(code);
  await page.locator("input[name='input[display_name]']").fill("Plain Form");
  await page.locator("input[name='input[country]']").fill("Nepal");
  await page.waitForTimeout(2500);
  await page.getByTestId("code-submit").click();
  await expect(page).toHaveURL(new RegExp(`${nominee}\\?confirm=1$`));
  await expect(page.getByTestId("signed-in-as")).toContainText("Plain Form");
  await page.getByTestId("confirm-vote").click();
  await expect(page.getByText("Your vote is recorded")).toBeVisible();
});
