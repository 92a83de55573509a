import { test, expect } from "@playwright/test";
import { hydrated, newConfirmedVoter } from "./helpers";

async function voteFirstIn(page, slug: string): Promise<string> {
  await page.goto(`/categories/${slug}`);
  await hydrated(page);
  const card = page.getByTestId("nominee-card").first();
  const title = (await card.getByRole("heading").textContent())!.trim();
  await card.getByRole("link", { name: "Vote for this project" }).click();
  await expect(page.getByRole("heading", { name: "Confirm your vote" })).toBeVisible();
  await hydrated(page);
  await page.getByTestId("confirm-vote").click();
  await expect(page.getByTestId("vote-recorded")).toBeVisible();
  return (await page.getByTestId("receipt").textContent())!.trim();
}

test("vote in two categories, see progress, my votes and a receipt; a second vote is refused", async ({ page, context }) => {
  await newConfirmedVoter(page);
  const r1 = await voteFirstIn(page, "c3");
  await voteFirstIn(page, "c8");

  await page.goto("/categories");
  await hydrated(page);
  await expect(page.getByTestId("vote-progress")).toHaveText("You voted in 2 of 18 categories.");

  await page.goto("/my-votes");
  await hydrated(page);
  await expect(page.getByTestId("my-votes").locator("tbody tr")).toHaveCount(2);
  await expect(page.getByTestId("my-votes")).toContainText(r1);
  // one reminder before voting closes, asked for and cancelled on the same page
  await page.getByTestId("reminder-toggle").click();
  await expect(page.getByTestId("reminder-set")).toBeVisible();
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("reminder-set")).toBeVisible();
  await page.getByTestId("reminder-toggle").click();
  await expect(page.getByTestId("reminder-set")).toHaveCount(0);

  await page.goto(`/receipt?receipt=${encodeURIComponent(r1)}`);
  await expect(page.getByTestId("receipt-status")).toContainText("C3");

  // two tabs open on two nominees of one category: the second confirmation is refused
  await page.goto("/categories/c11");
  await hydrated(page);
  const links = page.getByTestId("nominee-card").getByRole("heading").getByRole("link");
  const a = await links.nth(0).getAttribute("href");
  const b = await links.nth(1).getAttribute("href");
  const other = await context.newPage();
  await page.goto(`${a}?confirm=1`);
  await hydrated(page);
  await other.goto(`${b}?confirm=1`);
  await hydrated(other);
  await page.getByTestId("confirm-vote").click();
  await expect(page.getByTestId("vote-recorded")).toBeVisible();
  await other.getByTestId("confirm-vote").click();
  await expect(other.getByTestId("vote-error")).toContainText("already voted");
});
