import { test, expect } from "@playwright/test";
import { hydrated, newConfirmedVoter, outboxLink } from "./helpers";

test("a submitter fills the form, sees the live word count, saves a draft and submits", async ({ page }) => {
  await newConfirmedVoter(page);
  await page.goto("/submit");
  await hydrated(page);
  const form = page.getByTestId("submission-form");
  const title = `Open Village Broadband ${Date.now()}`;
  await form.locator('[name="input[category]"]').selectOption("c3");
  await form.locator('[name="input[title]"]').fill(title);

  // the counter follows typing
  const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(" ");
  await form.locator('[name="input[short_description]"]').fill(words(12));
  await expect(page.getByTestId("word-count")).toHaveText("12");
  await page.getByTestId("save-draft").click();
  await expect(page).toHaveURL(/\/submissions\/[0-9a-f-]{36}$/);
  await hydrated(page);

  const edit = page.getByTestId("submission-form");
  await expect(edit.locator('[name="input[title]"]')).toHaveValue(title);
  await edit.locator('[name="input[short_description]"]').fill(words(160));
  await expect(page.getByTestId("word-count")).toHaveText("160");
  await edit.locator('[name="input[action_line_linkage]"]').fill("Implements Action Line C3 by opening public data.");
  await edit.locator('input[name="input[sdgs][]"][value="4"]').check();
  await edit.locator('input[name="input[sdgs][]"][value="9"]').check();
  await edit.locator('[name="input[impact_qualitative]"]').fill("Villagers use online services.");
  await edit.locator('[name="input[impact_quantitative]"]').fill("12,000 people connected.");
  await edit.locator('[name="input[partnerships]"]').fill("Local council and a national operator.");
  await edit.locator('[name="input[challenges]"]').fill("Maintenance in the rainy season.");
  await edit.locator('[name="input[organisation]"]').fill(`Village Net ${Date.now()}`);
  await edit.locator('[name="input[stakeholder_type]"]').selectOption("civil-society");
  await edit.locator('[name="input[country]"]').fill("Kenya");
  await edit.locator('[name="input[region]"]').selectOption("africa");
  await edit.locator('[name="input[website]"]').fill("https://example.org/village");
  await edit.locator('[name="input[contact]"]').fill("team@example.org");
  await page.getByTestId("submit-project").click();
  await expect(page.getByTestId("submission-status")).toHaveAttribute("data-status", "submitted");

  await page.goto("/submissions");
  await expect(page.getByTestId("my-submissions")).toContainText(title);
});

test("an owner invites a co-editor by e-mail, who joins from the link and edits the draft", async ({ page, browser }) => {
  // the invitee has an account of the invited address
  const other = await browser.newContext({ baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3100" });
  const invitee = await other.newPage();
  const coEmail = await newConfirmedVoter(invitee);

  await newConfirmedVoter(page);
  await page.goto("/submit");
  await hydrated(page);
  const title = `Team Project ${Date.now()}`;
  await page.getByTestId("submission-form").locator('[name="input[category]"]').selectOption("c5");
  await page.getByTestId("submission-form").locator('[name="input[title]"]').fill(title);
  await page.getByTestId("save-draft").click();
  await expect(page).toHaveURL(/\/submissions\/[0-9a-f-]{36}$/);
  await hydrated(page);
  const team = page.getByTestId("team");
  await team.getByTestId("team-invite-email").fill(coEmail);
  await team.getByTestId("team-invite").click();
  await expect(team.getByTestId("team-invited")).toContainText(coEmail);

  const link = await outboxLink(coEmail, "/invitations/");
  await invitee.goto(link.replace(/^https?:\/\/[^/]+/, ""));
  await hydrated(invitee);
  await expect(invitee.getByTestId("invitation")).toContainText(title);
  await invitee.getByTestId("accept-invitation").click();
  await expect(invitee.getByTestId("invitation-project")).toBeVisible();
  await invitee.getByTestId("invitation-project").click();
  await hydrated(invitee);
  // the co-editor edits the draft; the owner sees the change and the team
  await invitee.getByTestId("submission-form").locator('[name="input[title]"]').fill(`${title} (edited)`);
  await invitee.getByTestId("save-draft").click();
  await expect(async () => {
    await page.reload();
    await hydrated(page);
    await expect(page.getByTestId("submission-form").locator('[name="input[title]"]')).toHaveValue(`${title} (edited)`, { timeout: 1000 });
  }).toPass({ timeout: 15000 });
  await expect(page.getByTestId("team").getByTestId("team-editor")).toContainText(coEmail);
  await other.close();
});
