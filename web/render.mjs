// Renders Adaptive Cards with the official `adaptivecards` renderer (markdown through markdown-it)
// in headless Debian Chromium driven by playwright-core, for tests/cards_browser.rs.
// Usage: node render.mjs CARDS.json OUT_DIR
//   CARDS.json: [{"name": "...", "card": {...}}]; screenshots go to OUT_DIR/<name>.png.
// Prints {"external": [urls], "cards": [{"name", "warnings": [...], "text", "height", "elements"}]}.
// Any request that does not go to loopback is blocked and listed in "external".
import { createServer } from "node:http";
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const [cardsFile, outDir] = process.argv.slice(2);
const cards = JSON.parse(readFileSync(cardsFile, "utf8"));
mkdirSync(outDir, { recursive: true });

const assets = {
  "/adaptivecards.js": join(here, "node_modules/adaptivecards/dist/adaptivecards.min.js"),
  "/adaptivecards.css": join(here, "node_modules/adaptivecards/dist/adaptivecards.css"),
  "/markdown-it.js": join(here, "node_modules/markdown-it/dist/browser/markdown-it.umd.min.js"),
};
const page_html = `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="/adaptivecards.css">
<script src="/markdown-it.js"></script><script src="/adaptivecards.js"></script>
<style>body{font-family:sans-serif;background:#f3f3f3;margin:0;padding:16px} #card{width:480px;background:#fff}</style>
</head><body><div id="card"></div></body></html>`;

const server = createServer((req, res) => {
  const file = assets[req.url];
  if (req.url === "/") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(page_html);
  } else if (file) {
    const type = file.endsWith(".css") ? "text/css" : "text/javascript";
    res.writeHead(200, { "content-type": type }).end(readFileSync(file));
  } else {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}`;

const isLoopback = (url) => {
  try {
    const { protocol, hostname } = new URL(url);
    if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return true;
    return hostname === "127.0.0.1" || hostname === "localhost" || hostname === "[::1]";
  } catch {
    return false;
  }
};

const userDataDir = mkdtempSync(join(tmpdir(), "roombot-chromium-"));
const external = [];
let context;
try {
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    viewport: { width: 520, height: 900 },
  });
  context.on("request", (request) => { if (!isLoopback(request.url())) external.push(request.url()); });
  await context.route("**/*", (route) => (isLoopback(route.request().url()) ? route.continue() : route.abort()));
  const page = context.pages()[0] || (await context.newPage());
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(String(e)));
  await page.goto(base + "/");
  const results = [];
  for (const { name, card } of cards) {
    const result = await page.evaluate((json) => {
      const md = window.markdownit();
      const AC = window.AdaptiveCards;
      AC.AdaptiveCard.onProcessMarkdown = (text, out) => { out.outputHtml = md.render(text); out.didProcess = true; };
      const adaptiveCard = new AC.AdaptiveCard();
      const context = new AC.SerializationContext();
      adaptiveCard.parse(json, context);
      const warnings = [];
      for (let i = 0; i < context.eventCount; i++) {
        const e = context.getEventAt(i);
        warnings.push(`parse: ${e.message}`);
      }
      for (const e of adaptiveCard.validateProperties().validationEvents) warnings.push(`validation: ${e.message}`);
      const host = document.getElementById("card");
      host.innerHTML = "";
      const element = adaptiveCard.render();
      if (element) host.appendChild(element);
      return {
        warnings,
        text: host.innerText,
        height: host.getBoundingClientRect().height,
        elements: host.querySelectorAll("*").length,
      };
    }, card);
    await page.locator("#card").screenshot({ path: join(outDir, `${name}.png`) });
    results.push({ name, ...result, warnings: [...result.warnings, ...pageErrors.splice(0)] });
  }
  process.stdout.write(JSON.stringify({ external, cards: results }));
} finally {
  if (context) await context.close();
  server.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
