/**
 * The dashboard served by the real daemon (not the fake port), in real Chromium: it loads with
 * the token from the URL, lists the daemon's live positions, draws the position statechart with
 * the selected position's current state highlighted, and its emergency stop (with flatten)
 * stops entries and closes every position of the running daemon. A screenshot is kept under
 * artifacts/ (gitignored).
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDaemon, type TestDaemon } from "../../runtime/daemon/testing.js";
import { eventually } from "../../testkit/eventually.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "artifacts");
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  it.skip(`SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium); the browser test needs it`, () => {});
}

describe.runIf(hasChromium)("the daemon's dashboard in Chromium", () => {
  let t: TestDaemon;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // A calmer market than the trading test's: states stay put long enough to look at them.
    t = await startTestDaemon({ daemon: { market: { seed: 3, tokens: 20, bars: 2_000, signalStrength: 1.2, speed: 120, sim: { launchWindow: 0.05, activity: 2 } } } });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 60_000);

  it("shows the daemon's positions and highlights the selected one's state in the statechart", async () => {
    await eventually(() => expect(t.daemon.positions.book?.list("active").length ?? 0).toBeGreaterThanOrEqual(1), { timeoutMs: 60_000, intervalMs: 50 });
    await page.goto(`${t.daemon.dashboardUrl}`);
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector("#live.on");
    expect(page.url()).not.toContain(t.daemon.token);
    await page.waitForSelector("#positions tbody tr[data-id]");
    expect(await page.textContent("#formula")).toBe("PRESSURE + PRESSURE");
    const id = await page.getAttribute("#positions tbody tr[data-id]", "data-id");
    expect(id).not.toBeNull();
    await page.click(`#positions tr[data-id="${id}"]`);
    // The highlighted state is the position's state as the book holds it (it may move on: poll).
    await eventually(async () => {
      const active = await page.$$eval("#statechart g.sc-node.active", (gs) => gs.map((g) => g.getAttribute("data-state")));
      const detail = await t.api<{ state: string }>("GET", `/positions/${id}`);
      expect(active).toEqual([detail.body.state]);
    }, { timeoutMs: 30_000, intervalMs: 100 });
    expect(await page.$$eval("#timeline li", (lis) => lis.map((li) => li.dataset["state"]).slice(0, 2))).toEqual(["entering", "open"]);
    await page.screenshot({ path: join(ARTIFACTS, "daemon-dashboard.png"), fullPage: true });
  }, 90_000);

  it("the emergency stop with flatten stops the daemon's entries and closes every position", async () => {
    await page.click("#stop-btn");
    await page.waitForSelector("#stop-dialog[open]");
    await page.check("#flatten");
    await page.click("#stop-confirm");
    await page.waitForSelector("#entries.off");
    expect(t.daemon.entriesOpen()).toBe(false);
    await eventually(() => expect(t.daemon.positions.book?.list("active")).toEqual([]), { timeoutMs: 30_000, intervalMs: 100 });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
