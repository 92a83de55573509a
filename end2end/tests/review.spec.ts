import { test, expect, Page } from "@playwright/test";
import * as fs from "fs";
import { DEMO_PASSWORD, hydrated } from "./helpers";

// These run against the second demo server, brought to its expert review phase.
test.use({ baseURL: process.env.REVIEW_BASE_URL ?? "http://127.0.0.1:3101" });

async function signIn(page: Page, email: string) {
  await page.goto("/signin");
  await hydrated(page);
  await page.getByLabel("E-mail address").fill(email);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByTestId("sign-in-submit").click();
  await expect(page.getByTestId("signed-in-as")).toBeVisible();
}

test("an expert scores a champion and then sees the other expert's scores", async ({ page }) => {
  await signIn(page, "expert@wsis.example");
  await page.getByRole("link", { name: "Review", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Champions to review" })).toBeVisible();
  const c1 = page.getByTestId("review-c1");
  await expect(c1.getByTestId("review-status").first()).toHaveText("Not started");
  await c1.getByRole("link").first().click();
  await hydrated(page);
  await expect(page.getByTestId("sheet-status")).toContainText("Not started");
  await expect(page.getByTestId("peer-scores")).toHaveCount(0);

  // a draft first
  await page.getByLabel("Relevance to the Action Line").fill("8");
  await page.getByTestId("save-review").click();
  await expect(page.getByTestId("form-ok")).toContainText("Draft saved");
  await expect(page.getByTestId("sheet-status")).toContainText("Draft saved");

  // an out-of-scale score is refused by the server with a clear message
  const inputs = page.locator("input[type=number]");
  const n = await inputs.count();
  expect(n).toBe(8);
  for (let i = 0; i < n; i++) await inputs.nth(i).fill(String(6 + (i % 4)));
  await page.getByTestId("review-comment").fill("Convincing results, a clear plan for replication.");
  await page.getByTestId("review-final").check();
  await page.getByTestId("save-review").click();
  await expect(page.getByTestId("form-ok")).toContainText("Review submitted");
  await expect(page.getByTestId("sheet-status")).toContainText("Submitted");
  await expect(page.getByTestId("peer-scores")).toContainText("Eva Examiner");
  await expect(page.getByTestId("save-review")).toHaveCount(0);

  await page.goto("/review");
  await hydrated(page);
  await expect(page.getByTestId("review-c1").getByTestId("review-status").filter({ hasText: "Submitted" })).toHaveCount(1);
});

test("an admin sees the ranking and stages a winner", async ({ page }) => {
  await signIn(page, "admin@wsis.example");
  await page.goto("/admin/review");
  await hydrated(page);
  const c1 = page.getByTestId("category-c1");
  await expect(c1.getByTestId("ranking-row").first()).toBeVisible();
  expect(await c1.getByTestId("ranking-row").count()).toBeGreaterThanOrEqual(5);
  await expect(c1.getByTestId("progress")).toContainText("/");
  // the top-ranked champion is ticked by default
  await expect(c1.getByTestId("winner-box").first()).toBeChecked();
  await c1.getByTestId("winner-reason").fill("Confirmed by the expert group.");
  await c1.getByTestId("select-winners").click();
  await expect(page.getByTestId("form-ok")).toContainText("Winners staged");
  await expect(page.getByTestId("category-c1").getByTestId("decided")).toContainText("Winners chosen");
  await expect(page.getByTestId("category-c1").getByTestId("ranking-row").first()).toContainText("★");
});

test("the expert group's deliberation: notes kept, and the history of every saved review", async ({ page }) => {
  await signIn(page, "admin@wsis.example");
  await page.goto("/admin/review");
  await hydrated(page);
  const c2 = page.getByTestId("category-c2");
  // the demo's second expert submitted scores: they are in the history
  await c2.getByTestId("review-history").locator("summary").click();
  await expect(c2.getByTestId("revision").first()).toContainText("Eva Examiner");
  await c2.getByTestId("notes").fill("Two projects tied on impact; the group prefers the one with measured results.");
  await c2.getByTestId("save-notes").click();
  await expect(page.getByTestId("form-ok")).toContainText("Deliberation notes saved");
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("category-c2").getByTestId("notes")).toHaveValue(/Two projects tied on impact/);
});

test("results stay embargoed until an admin releases them; then the public sees all 18 categories", async ({ page, browser }) => {
  // the public cannot read or download the results yet
  const anon = await browser.newContext({ baseURL: process.env.REVIEW_BASE_URL ?? "http://127.0.0.1:3101" });
  const pub = await anon.newPage();
  const year = (await (await pub.request.post("/api/home", { form: {} })).json()).edition.year;
  const refused = await pub.request.get(`/results/${year}/export.csv`);
  expect(refused.status()).toBe(403);
  await pub.goto(`/results/${year}`);
  await expect(pub.getByRole("alert")).toContainText("embargoed");

  // an announcer downloads the CSV before release
  await signIn(page, "announcer@wsis.example");
  await page.goto(`/results/${year}`);
  await hydrated(page);
  await expect(page.getByTestId("embargoed")).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(download.suggestedFilename()).toBe(`wsis-prizes-${year}-results.csv`);
  expect(fs.readFileSync(await download.path(), "utf8")).toContain("edition,category_code,category_name,rank,result");

  // the admin stages a winner in every other category, then releases
  await page.context().clearCookies();
  await signIn(page, "admin@wsis.example");
  const review = await (await page.request.post("/api/admin_review", { form: {} })).json();
  for (const c of review.categories) {
    if (c.decided) continue;
    const r = await page.request.post("/api/admin_select_winners", {
      form: { category: c.slug, "winners[0]": c.ranking[0].nominee, reason: "Confirmed by the expert group." },
    });
    expect(r.status()).toBe(200);
  }
  await page.goto("/admin/review");
  await hydrated(page);
  // a comment kept from its team before the release
  const comments = page.getByTestId("category-c1").getByTestId("team-comments");
  await comments.locator("summary").click();
  const last = comments.getByTestId("team-comment").last();
  await expect(last).toHaveAttribute("data-hidden", "false");
  await last.getByTestId("toggle-comment").click();
  await expect(page.getByTestId("form-ok")).toContainText("feedback is updated");
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("category-c1").getByTestId("team-comment").last()).toHaveAttribute("data-hidden", "true");
  await page.getByTestId("release-confirm").check();
  await page.getByTestId("release-results").click();
  await expect(page.getByTestId("form-ok")).toContainText("Results released");

  await pub.goto(`/results/${year}`);
  await expect(pub.getByTestId("released")).toBeVisible();
  await expect(pub.locator("[data-testid^='results-']")).toHaveCount(18);
  await expect(pub.locator("li.winner")).toHaveCount(18);
  await expect(pub.locator("figure.chart svg").first()).toBeVisible();
  expect((await pub.request.get(`/results/${year}/export.csv`)).status()).toBe(200);
  await anon.close();

  // the team of C1's most voted champion reads its feedback: result, the category's mean, comments unnamed
  await page.context().clearCookies();
  await signIn(page, "team@wsis.example");
  const mine = await (await page.request.post("/api/my_submissions", { form: {} })).json();
  const champion = mine.find((s: { status: string }) => s.status === "Champion" || s.status === "Winner");
  expect(champion).toBeTruthy();
  await page.goto(`/submissions/${champion.id}`);
  await hydrated(page);
  const feedback = page.getByTestId("feedback");
  await expect(feedback).toBeVisible();
  await expect(feedback.getByTestId("feedback-mean")).toHaveText(/^\d+\.\d$/);
  await expect(feedback.getByTestId("feedback-result")).toHaveText(/^\d+\.\d$/);
  await expect(feedback).not.toContainText("Eva Examiner");
});
