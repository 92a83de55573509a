import { test, expect } from "@playwright/test";
import { hydrated } from "./helpers";

test("home → category → nominee after hydration", async ({ page }) => {
  await page.goto("/");
  await hydrated(page);
  await expect(page).toHaveTitle(/WSIS Prizes/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("WSIS Prizes");
  await expect(page.getByTestId("current-phase")).toContainText("Public voting");
  await expect(page.getByTestId("countdown").first()).toBeVisible();
  await expect(page.getByTestId("local-time").first()).toContainText("your time");

  await page.getByRole("link", { name: "Categories" }).first().click();
  await expect(page).toHaveURL(/\/categories$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Categories");
  await expect(page.locator(".category-grid > li")).toHaveCount(18);

  await page.getByRole("link", { name: "C7 e-health" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("C7 e-health");
  const cards = page.getByTestId("nominee-card");
  await expect(cards).toHaveCount(20);
  const first = cards.first().getByRole("heading").getByRole("link");
  const title = (await first.textContent())!.trim();
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page).toHaveTitle(new RegExp(title));
  await expect(page.getByRole("heading", { name: "Short description" })).toBeVisible();
});

test("category search filters nominees in place", async ({ page }) => {
  await page.goto("/categories/c1");
  await hydrated(page);
  await page.getByLabel("Search").fill("zzzz-nothing");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("result-count")).toHaveText("0 nominees shown");
});

test("unknown nominee shows a readable page", async ({ page }) => {
  const res = await page.goto("/nominees/00000000-0000-0000-0000-000000000000");
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Not found");
});

test("every page shows the phase and a live countdown to the next deadline", async ({ page }) => {
  for (const path of ["/signin", "/results", "/categories/c3"]) {
    await page.goto(path);
    await hydrated(page);
    const strip = page.getByTestId("phase-strip");
    await expect(strip).toContainText("Public voting — open");
    await expect(strip).toContainText("Public voting closes");
    const countdown = page.getByTestId("strip-countdown");
    const before = await countdown.textContent();
    // the seconds tick in the browser
    await expect(countdown).not.toHaveText(before!, { timeout: 5000 });
  }
});

test("the bundle is served under its content hash with year-long caching", async ({ page, request }) => {
  await page.goto("/");
  await hydrated(page);
  const css = await page.locator('link[rel="stylesheet"]').first().getAttribute("href");
  expect(css).toMatch(/^\/v\/[0-9a-f]{16}\/pkg\/wsis\.css$/);
  const hashed = await request.get(css!);
  expect(hashed.status()).toBe(200);
  expect(hashed.headers()["cache-control"]).toContain("immutable");
  expect(hashed.headers()["cache-control"]).toContain("max-age=31536000");
  const js = await page.locator('link[rel="modulepreload"]').first().getAttribute("href");
  expect(js).toMatch(/^\/v\/[0-9a-f]{16}\/pkg\/wsis\.js$/);
  expect((await request.get(js!)).headers()["cache-control"]).toContain("immutable");
  // the unversioned path stays, with a short cache
  const plain = await request.get("/pkg/wsis.css");
  expect(plain.status()).toBe(200);
  expect(plain.headers()["cache-control"]).toContain("max-age=300");
  // a hash that is not this build's is not served
  expect((await request.get("/v/0000000000000000/pkg/wsis.css")).status()).toBe(404);
});
