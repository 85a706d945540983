// The side panel: the organisation's workspaces and devices with live status (from
// /_sandbox/org) and the bot's Webex calls as they happen (from /_sandbox/requests).

import { console_, every } from "./api.js";

const ORG_EVERY_MS = 600;
const CALLS_EVERY_MS = 400;
const MAX_CALLS = 300;

/** Small helper: an element with a class and text. */
function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined && text !== null) element.textContent = String(text);
  return element;
}

function access(permissions) {
  const list = permissions || [];
  if (list.includes("xapi:all") || list.includes("xapi")) return ["control", "ok", "the bot may run commands"];
  if (list.includes("xapi:readonly")) return ["read-only", "warn", "the bot may only read status"];
  return ["no access", "bad", "an admin grants access per workspace in Control Hub"];
}

function callsText(calls) {
  if (!calls || calls.length === 0) return "idle";
  return calls.map((c) => (c.remoteNumber ? `${c.status} ${c.remoteNumber}` : c.status)).join(", ");
}

/** One live value: a label and a value that flashes when it changed since the last refresh. */
function status(key, label, value, previous) {
  const item = el("span", "status");
  item.dataset.status = key;
  item.title = key;
  item.append(el("span", "label", label));
  const shown = value === null || value === undefined ? "–" : value;
  const valueElement = el("b", "value", shown);
  if (previous !== undefined && previous !== String(shown)) valueElement.classList.add("changed");
  item.append(valueElement);
  return item;
}

function deviceElement(device, previous) {
  const row = el("li", "device");
  row.dataset.device = device.displayName;
  row.dataset.product = device.product || "";
  const head = el("div", "device-head");
  head.append(el("span", "device-name", device.displayName));
  head.append(el("span", "product", device.product));
  const connection = device.connectionStatus || "unknown";
  const online = connection.startsWith("connected");
  const conn = el("span", `badge ${online ? "ok" : "bad"}`, connection);
  conn.dataset.status = "connectionStatus";
  const [label, tone, hint] = access(device.permissions);
  const perm = el("span", `badge ${tone}`, label);
  perm.title = `${(device.permissions || []).join(", ") || "no permissions"}: ${hint}`;
  const badges = el("span", "badges");
  badges.append(conn, perm);
  head.append(badges);
  row.append(head);
  const values = el("div", "values");
  const old = (key) => previous.get(`${device.id}/${key}`);
  values.append(status("Audio.Microphones.Mute", "mics muted", device.microphonesMute, old("Audio.Microphones.Mute")));
  values.append(status("Audio.Volume", "volume", device.volume, old("Audio.Volume")));
  values.append(status("Standby.State", "standby", device.standby, old("Standby.State")));
  values.append(status("Call", "call", callsText(device.calls), old("Call")));
  if (device.onScreen) values.append(status("UserInterface", "on screen", device.onScreen, old("UserInterface")));
  row.append(values);
  return row;
}

function rememberValues(workspaces) {
  const values = new Map();
  for (const workspace of workspaces) {
    for (const device of workspace.devices || []) {
      const shown = (v) => String(v === null || v === undefined ? "–" : v);
      values.set(`${device.id}/Audio.Microphones.Mute`, shown(device.microphonesMute));
      values.set(`${device.id}/Audio.Volume`, shown(device.volume));
      values.set(`${device.id}/Standby.State`, shown(device.standby));
      values.set(`${device.id}/Call`, shown(callsText(device.calls)));
      values.set(`${device.id}/UserInterface`, shown(device.onScreen));
    }
  }
  return values;
}

function renderOrg(container, workspaces, previous) {
  const list = el("ul", "workspaces");
  for (const workspace of workspaces) {
    const item = el("li", "workspace");
    item.dataset.workspace = workspace.displayName;
    const head = el("div", "workspace-head");
    head.append(el("span", "workspace-name", workspace.displayName));
    if (workspace.location) head.append(el("span", "location", workspace.location));
    item.append(head);
    const devices = el("ul", "devices");
    if ((workspace.devices || []).length === 0) devices.append(el("li", "empty", "no devices"));
    for (const device of workspace.devices || []) devices.append(deviceElement(device, previous));
    item.append(devices);
    list.append(item);
  }
  if (workspaces.length === 0) list.append(el("li", "empty", "The organisation has no workspaces."));
  container.replaceChildren(list);
}

/** Keeps #org up to date. */
export function startOrgPanel(container) {
  let previous = new Map();
  let last = "";
  return every(ORG_EVERY_MS, async () => {
    const answer = await console_("org");
    const json = JSON.stringify(answer.workspaces);
    if (json === last) return;
    last = json;
    renderOrg(container, answer.workspaces || [], previous);
    previous = rememberValues(answer.workspaces || []);
  });
}

/** A path with its long Webex ids shortened (`messages/Y2lz…Q4`); the full one is the title. */
function shortPath(path) {
  return path
    .replace(/^\/v1\//, "")
    .split("/")
    .map((part) => (/^[A-Za-z0-9+_=-]{30,}$/.test(part) ? `${part.slice(0, 4)}…${part.slice(-4)}` : part))
    .join("/");
}

function callElement(call) {
  const row = el("li", `call ${call.status >= 400 || call.status === 0 ? "failed" : ""}`);
  row.dataset.seq = call.seq;
  row.append(el("time", "at", new Date().toLocaleTimeString()));
  row.append(el("span", `method m-${call.method.toLowerCase()}`, call.method));
  const path = el("span", "path", shortPath(call.path));
  path.title = call.query ? `${call.path}?${decodeURIComponent(call.query)}` : call.path;
  row.append(path);
  row.append(el("span", "code", call.status === 0 ? "dropped" : call.status));
  if (!call.bot) row.append(el("span", "who", call.caller || "no token"));
  if (call.fault) row.append(el("span", "fault", call.fault));
  return row;
}

/** Keeps #calls up to date; `allCalls` switches between the bot's calls and everyone's. */
export function startCallsPanel(container, allCalls) {
  let since = 0;
  let who = allCalls.checked ? "all" : "bot";
  allCalls.addEventListener("change", () => {
    who = allCalls.checked ? "all" : "bot";
    since = 0;
    container.replaceChildren();
  });
  return every(CALLS_EVERY_MS, async () => {
    const asked = who;
    const answer = await console_(`requests?since=${since}&who=${asked}`);
    if (asked !== who) return;
    if (answer.reset) container.replaceChildren();
    since = answer.next;
    const atBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 40;
    for (const call of answer.items) container.append(callElement(call));
    while (container.children.length > MAX_CALLS) container.firstElementChild.remove();
    if (container.children.length === 0) {
      container.append(el("li", "empty", "No calls yet: the bot calls Webex when you write to it."));
    } else {
      container.querySelector(".empty")?.remove();
    }
    if (atBottom && answer.items.length > 0) container.scrollTop = container.scrollHeight;
  });
}
