// Real-browser test of the sandbox chat page, in headless Debian Chromium via playwright-core.
//
// Usage: node web/chat/browser-test.mjs PAGE_URL SCREENSHOT.png [--smoke]
//
// Default (needs the bot running against the sandbox, as `roombot sandbox` does): as Oscar
// (operator) in his 1:1 space, send `mute room 4B`, wait for the bot's card, see 4B's Room Kit
// Pro microphones `On` in the side panel, click the card's `Unmute`, wait until they show `Off`.
// --smoke (no bot needed): the page lists the people and spaces; a message typed in the 1:1 space
// and an @mention in "Ops Barcelona" are posted and come back through the message list.
// Prints a JSON summary on stdout. Any request leaving loopback, page error, console error or
// timeout fails the run: exit 1 with the reason on stderr (a screenshot is still saved).
import { mkdtempSync, mkdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { chromium } from "playwright-core";

const [pageUrl, screenshot, ...flags] = process.argv.slice(2);
if (!pageUrl || !screenshot) {
  process.stderr.write("usage: node browser-test.mjs PAGE_URL SCREENSHOT.png [--smoke]\n");
  process.exit(2);
}
const smoke = flags.includes("--smoke");
const BOT_WAIT_MS = 30_000;
const PAGE_WAIT_MS = 15_000;

const isLoopback = (url) => {
  try {
    const { protocol, hostname } = new URL(url);
    if (["data:", "blob:", "about:"].includes(protocol)) return true;
    return ["127.0.0.1", "localhost", "[::1]"].includes(hostname);
  } catch {
    return false;
  }
};

class Failure extends Error {}

/** Runs `wait` and turns a timeout into a failure saying what was awaited. */
async function step(what, wait) {
  try {
    return await wait();
  } catch (error) {
    throw new Failure(`${what}: ${error.message.split("\n")[0]}`);
  }
}

async function sendMessage(page, text) {
  await page.fill("#message-input", text);
  await page.press("#message-input", "Enter");
}

/** The device row of `product` in workspace `workspace` in the side panel. */
function deviceRow(page, workspace, product) {
  return page.locator(`#org [data-workspace="${workspace}"] .device[data-product*="${product}"]`).first();
}

async function microphones(page) {
  return deviceRow(page, "4B", "Room Kit Pro").locator('[data-status="Audio.Microphones.Mute"] .value');
}

async function chooseOscarDirect(page, summary) {
  await step("the page lists the demo people", () =>
    page.locator("#people .person").nth(3).waitFor({ timeout: PAGE_WAIT_MS }));
  summary.people = await page.locator("#people .person").evaluateAll((buttons) =>
    buttons.map((b) => ({ role: b.dataset.role, name: b.querySelector(".name").textContent })));
  await page.click('#people [data-role="operator"]');
  await step("the page lists the spaces", () =>
    page.locator('#spaces [data-space="ops"]').waitFor({ timeout: PAGE_WAIT_MS }));
  summary.spaces = await page.locator("#spaces .space .name").allTextContents();
  await page.click('#spaces [data-space="direct"]');
}

async function fullFlow(page, summary) {
  await chooseOscarDirect(page, summary);
  await sendMessage(page, "mute room 4B");
  const reply = page
    .locator('#messages .message[data-from="bot"]')
    .filter({ has: page.getByRole("button", { name: "Unmute", exact: true }) })
    .last();
  await step("the bot answers `mute room 4B` with a card that has an Unmute button", () =>
    reply.waitFor({ timeout: BOT_WAIT_MS }));
  summary.reply = (await reply.innerText()).slice(0, 400);
  const mics = await microphones(page);
  await step("the side panel shows 4B's Room Kit Pro microphones muted (On)", () =>
    mics.filter({ hasText: /^On$/ }).waitFor({ timeout: PAGE_WAIT_MS }));
  await reply.getByRole("button", { name: "Unmute", exact: true }).click();
  await step("the Unmute click is sent as an attachment action", () =>
    reply.locator(".card-status.sent").waitFor({ timeout: PAGE_WAIT_MS }));
  await step("the side panel shows 4B's Room Kit Pro microphones unmuted (Off)", () =>
    mics.filter({ hasText: /^Off$/ }).waitFor({ timeout: BOT_WAIT_MS }));
  summary.microphones = await mics.textContent();
}

async function smokeFlow(page, summary) {
  await chooseOscarDirect(page, summary);
  const direct = "hello from the browser <b>not bold</b>";
  await sendMessage(page, direct);
  const mine = page.locator('#messages .message[data-from="me"] .text').filter({ hasText: direct });
  await step("the 1:1 message comes back in the list, shown literally", () =>
    mine.first().waitFor({ timeout: PAGE_WAIT_MS }));
  if ((await mine.first().locator("b").count()) > 0) throw new Failure("a person's text was rendered as HTML");
  await page.click('#spaces [data-space="ops"]');
  if ((await page.getAttribute("#mention", "aria-pressed")) !== "true") {
    throw new Failure("the @Roombot mention is not on in Ops Barcelona");
  }
  await sendMessage(page, "status room 4B");
  const mention = page.locator('#messages .message[data-from="me"]').filter({ hasText: "status room 4B" });
  await step("the Ops message comes back with its @mention", () =>
    mention.locator(".mention-chip").first().waitFor({ timeout: PAGE_WAIT_MS }));
  summary.sent = [
    { space: "direct", text: direct },
    { space: "ops", text: (await mention.first().locator(".text").textContent()).trim() },
  ];
}

const userDataDir = mkdtempSync(join(tmpdir(), "roombot-chat-"));
const external = [];
const problems = [];
const summary = { mode: smoke ? "smoke" : "full" };
let context;
let code = 0;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 1400, height: 900 },
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    if (isLoopback(url)) return route.continue();
    external.push(url);
    return route.abort();
  });
  const page = context.pages()[0] || (await context.newPage());
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`console error: ${message.text()}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 500) problems.push(`${response.status()} from ${response.url()}`);
  });
  const loaded = await page.goto(pageUrl);
  if (!loaded || !loaded.ok()) throw new Failure(`the page did not load: ${loaded ? loaded.status() : "no answer"}`);
  await (smoke ? smokeFlow(page, summary) : fullFlow(page, summary));
  if (external.length > 0 || problems.length > 0) {
    const failure = new Failure([...external.map((u) => `request left loopback: ${u}`), ...problems].join("; "));
    failure.final = true;
    throw failure;
  }
} catch (error) {
  code = 1;
  const extra = error instanceof Failure && error.final ? [] : [...problems, ...external.map((u) => `left loopback: ${u}`)];
  process.stderr.write(`browser test failed: ${error.message}\n${extra.map((p) => `  ${p}\n`).join("")}`);
} finally {
  if (context) {
    const page = context.pages()[0];
    if (page) {
      mkdirSync(dirname(screenshot), { recursive: true });
      await page.screenshot({ path: screenshot, fullPage: false }).catch(() => {});
    }
    await context.close();
  }
  rmSync(userDataDir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify({ ...summary, external })}\n`);
process.exit(code);
