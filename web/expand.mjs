// Reference expansion with the official Adaptive Cards Templating SDK, for the differential test
// (tests/cards_differential.rs). Usage: node expand.mjs CASES.json
// CASES.json: [{"id": "...", "template": {...}, "data": {...}}]; prints [{"id", "value"} | {"id", "error"}].
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const { Template } = require("adaptivecards-templating");

const cases = JSON.parse(readFileSync(process.argv[2], "utf8"));
const results = cases.map(({ id, template, data }) => {
  try {
    const value = new Template(template).expand({ $root: data });
    return { id, value: value === undefined ? null : value };
  } catch (e) {
    return { id, error: String(e && e.message ? e.message : e) };
  }
});
process.stdout.write(JSON.stringify(results));
