// Measures how long pages take to hydrate in Chromium: from the start of navigation to
// the moment the browser build has taken over (`body[data-hydrated]`), each page loaded
// `ROUNDS` times with a warm cache (the bundle is cached for a year, as for a returning
// admin) after one cold load. Run by the benchmark (server/src/bin/bench.rs):
//   node end2end/bench/hydration.mjs BASE_URL SESSION_COOKIE PATH...
// prints one line per page: `hydration PATH cold_ms median_ms max_ms`.
import { chromium } from "@playwright/test";

const [base, cookie, ...paths] = process.argv.slice(2);
const ROUNDS = Number(process.env.HYDRATION_ROUNDS ?? 5);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const context = await browser.newContext();
const [name, value] = cookie.split("=");
await context.addCookies([{ name, value, url: base }]);
const page = await context.newPage();
async function load(path) {
  const t0 = Date.now();
  await page.goto(base + path, { waitUntil: "commit" });
  await page.waitForSelector("body[data-hydrated]", { timeout: 60_000 });
  // the navigation's own clock: from its start to now
  const ms = await page.evaluate(() => performance.now());
  return Math.max(ms, 0) || Date.now() - t0;
}
for (const path of paths) {
  const cold = await load(path);
  const warm = [];
  for (let i = 0; i < ROUNDS; i++) warm.push(await load(path));
  warm.sort((a, b) => a - b);
  console.log(`hydration ${path} ${cold.toFixed(0)} ${warm[Math.floor(warm.length / 2)].toFixed(0)} ${warm[warm.length - 1].toFixed(0)}`);
}
await browser.close();
