/**
 * The web UI in real Chromium (playwright-core driving Debian's /usr/bin/chromium) against the
 * control server and the fake port: the dashboard shows the positions, the statechart highlights
 * the position's state and follows a pushed transition, the timeline travels back in time, the
 * emergency stop reaches the daemon, and a wrong token gets the login form. Screenshots are kept
 * under artifacts/ (gitignored) for a human to look at.
 */
import { existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startControlServer, type ControlServer } from "../../runtime/http/server.js";
import { FakeDaemonControl, silentLogger, TEST_TOKEN } from "../../runtime/http/testing.js";
import { eventually } from "../../testkit/eventually.js";

const CHROMIUM = "/usr/bin/chromium";
const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "artifacts");
const hasChromium = existsSync(CHROMIUM);

if (!hasChromium) {
  it.skip(`SKIPPED: ${CHROMIUM} is not installed (apt-get install -y chromium); the browser test needs it`, () => {});
}

describe.runIf(hasChromium)("dashboard and statechart viewer in Chromium", () => {
  let fake: FakeDaemonControl;
  let server: ControlServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    fake = new FakeDaemonControl();
    server = await startControlServer({ control: fake, registry: new Registry(), token: TEST_TOKEN, logger: silentLogger(), port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    page.on("pageerror", (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const activeStates = () => page.$$eval("#statechart g.sc-node.active", (gs) => gs.map((g) => g.getAttribute("data-state")));

  it("loads with #token=, forgets it from the URL, and shows the positions with PnL at current prices", async () => {
    await page.goto(`${server.url}/#token=${TEST_TOKEN}`);
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector("#live.on");
    expect(page.url()).not.toContain(TEST_TOKEN);
    const rows = await page.$$eval("#positions tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)));
    expect(rows.map((r) => r[0])).toEqual(["DOGX", "PEPE3", "WIFHAT", "BONK2"]);
    expect(rows[3]).toEqual(expect.arrayContaining(["BONK2", "open", "0.0800", "+4.0%"]));
    expect(await page.textContent("#wallet")).toBe("12.346 SOL");
    expect(await page.textContent("#formula")).toBe("((RET * LOG_VOL) + PRESSURE)");
  });

  it("draws the position machine and highlights the selected position's state", async () => {
    await page.click('#positions tr[data-id="pos-0001"]');
    await page.waitForSelector('#statechart g.sc-node.active[data-state="open"]');
    expect(await activeStates()).toEqual(["open"]);
    expect(await page.$$eval("#statechart g.sc-node", (gs) => gs.length)).toBeGreaterThan(25);
    expect(await page.$$eval("#timeline li", (lis) => lis.map((li) => li.dataset["state"]))).toEqual(["entering", "open"]);
  });

  it("follows a transition pushed over the WebSocket", async () => {
    fake.transition("pos-0001", "trailing", "price.tick", "trailing_armed");
    await page.waitForSelector('#statechart g.sc-node.active[data-state="trailing"]');
    expect(await activeStates()).toEqual(["trailing"]);
    await page.waitForSelector('#positions tr[data-id="pos-0001"][data-state="trailing"]');
    expect(await page.$$eval("#statechart g.sc-edge.taken", (gs) => gs.map((g) => `${g.dataset["from"]}>${g.dataset["to"]}`))).toEqual(["open>trailing"]);
  });

  it("travels back to a past transition and returns to live", async () => {
    await page.click('#timeline li[data-seq="2"] button');
    await page.waitForSelector('#statechart g.sc-node.active[data-state="open"]');
    expect(await page.getAttribute('#timeline li[data-seq="3"]', "class")).toBe("future");
    fake.transition("pos-0001", "tp1", "price.tick", "tp1"); // arrives while travelling: listed, not shown
    await page.waitForSelector('#timeline li[data-seq="4"]');
    expect(await activeStates()).toEqual(["open"]);
    await page.click("#live-btn");
    await page.waitForSelector('#statechart g.sc-node.active[data-state="tp1"]');
    await page.screenshot({ path: join(ARTIFACTS, "ui-dashboard.png"), fullPage: true });
  });

  it("the emergency stop asks first, then stops entries and flattens through the API", async () => {
    await page.click("#stop-btn");
    await page.waitForSelector("#stop-dialog[open]");
    await page.check("#flatten");
    await page.screenshot({ path: join(ARTIFACTS, "ui-stop-dialog.png") });
    await page.click("#stop-confirm");
    await eventually(() => expect(fake.calls).toContainEqual({ method: "stop", request: { flatten: true, source: "api", reason: "api request" } }));
    await page.waitForSelector("#entries.off");
    await page.click("#resume-btn");
    await eventually(() => expect(fake.calls.at(-1)).toEqual({ method: "resume" }));
    await page.waitForSelector("#entries.on");
  });

  it("a wrong token gets the login form and changes nothing", async () => {
    const calls = fake.calls.length;
    const other = await browser.newPage();
    await other.goto(`${server.url}/#token=wrong-token-0123456789abcdef`);
    await other.waitForSelector("#login:not([hidden])");
    expect(await other.textContent("#login-error")).toBe("That token was refused.");
    expect(await other.isHidden("#app")).toBe(true);
    await other.close();
    expect(fake.calls).toHaveLength(calls);
    expect(pageErrors).toEqual([]);
  });
});
