// The sandbox chat page: choose a demo person and a space, read and write messages through the
// sandbox's Webex API with that person's token, render the bot's cards, submit card actions.
// People's text is always shown literally (textContent), never as HTML.

import { webex, console_, every } from "./api.js";
import { cardElement, cardOf, markdownElement } from "./cards.js";
import { startCallsPanel, startOrgPanel } from "./panel.js";

const MESSAGES_EVERY_MS = 500;
const EXAMPLES = ["help", "mute room 4B", "unmute room 4B", "status room 4B", "volume 40 room 4B", "status Audio.Volume in 4B"];

const $ = (id) => document.getElementById(id);
const state = { config: null, me: null, space: null, stopPolling: null, generation: 0, nodes: new Map() };

function el(tag, className, text) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined && text !== null) element.textContent = String(text);
  return element;
}

function item(child) {
  const li = el("li");
  li.append(child);
  return li;
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function nameOf(personId, email) {
  const { bot, people } = state.config;
  if (personId === bot.id) return bot.displayName;
  return people.find((p) => p.id === personId)?.displayName || email || "someone";
}

function choose(list, selected) {
  for (const button of list.querySelectorAll("button")) {
    button.setAttribute("aria-pressed", String(button === selected));
  }
}

function renderPeople() {
  const list = $("people");
  for (const person of state.config.people) {
    const button = el("button", "choice person");
    button.type = "button";
    button.dataset.role = person.role;
    button.setAttribute("aria-pressed", "false");
    button.append(el("span", "name", person.displayName));
    button.append(el("span", `role role-${person.role}`, person.role));
    button.title = `${person.email}: ${person.roleHint}`;
    button.addEventListener("click", () => {
      choose(list, button);
      selectPerson(person);
    });
    list.append(item(button));
  }
}

function spacesFor(person) {
  const { bot, opsRoom } = state.config;
  return [
    { kind: "direct", roomId: person.directRoomId, title: bot.displayName, hint: `Your 1:1 space with ${bot.displayName}: just write a command.` },
    { kind: "ops", roomId: opsRoom.id, title: opsRoom.title, hint: `A group space: the bot only sees messages that @mention it, and answers in a thread.` },
  ];
}

function renderSpaces(person) {
  const list = $("spaces");
  list.replaceChildren();
  for (const space of spacesFor(person)) {
    const button = el("button", "choice space");
    button.type = "button";
    button.dataset.space = space.kind;
    button.setAttribute("aria-pressed", "false");
    button.append(el("span", "name", space.title));
    button.append(el("span", "kind", space.kind === "direct" ? "1:1" : "group"));
    button.addEventListener("click", () => {
      choose(list, button);
      selectSpace(space);
    });
    list.append(item(button));
  }
}

function selectPerson(person) {
  state.me = person;
  renderSpaces(person);
  const current = state.space && spacesFor(person).find((s) => s.kind === state.space.kind);
  const button = current && $("spaces").querySelector(`[data-space="${current.kind}"]`);
  if (button) {
    choose($("spaces"), button);
    selectSpace(current);
  } else {
    stopConversation();
    $("space-title").textContent = `Hi ${person.firstName}: choose a space`;
    $("space-hint").textContent = person.roleHint;
  }
}

function stopConversation() {
  if (state.stopPolling) state.stopPolling();
  state.stopPolling = null;
  state.generation += 1;
  state.nodes.clear();
  $("messages").replaceChildren();
}

function selectSpace(space) {
  stopConversation();
  state.space = space;
  $("space-title").textContent = `${space.title} · as ${state.me.displayName}`;
  $("space-hint").textContent = space.hint;
  $("mention").hidden = space.kind !== "ops";
  $("message-input").disabled = false;
  $("send").disabled = false;
  $("message-input").focus();
  const generation = state.generation;
  state.stopPolling = every(MESSAGES_EVERY_MS, () => refreshMessages(generation));
}

async function refreshMessages(generation) {
  const { me, space } = state;
  const answer = await webex(me.token, "GET", `messages?roomId=${encodeURIComponent(space.roomId)}&max=50`);
  if (generation !== state.generation) return;
  const messages = (answer.items || []).slice().reverse();
  const list = $("messages");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 60;
  const ids = new Set(messages.map((m) => m.id));
  const oldest = messages[0]?.created || "";
  for (const [id, node] of state.nodes) {
    if (!ids.has(id) && node.dataset.created >= oldest) {
      node.remove();
      state.nodes.delete(id);
    }
  }
  let added = false;
  for (const message of messages) {
    const existing = state.nodes.get(message.id);
    const version = message.updated || message.created;
    if (existing && existing.dataset.version === version) continue;
    const node = messageElement(message, messages);
    if (existing) existing.replaceWith(node);
    else list.append(node);
    state.nodes.set(message.id, node);
    added = added || !existing;
  }
  if (messages.length === 0 && !list.querySelector(".empty")) {
    list.append(el("li", "empty", "No messages yet. Say hello, or try one of the commands on the left."));
  } else if (messages.length > 0) {
    list.querySelector(".empty")?.remove();
  }
  if (added && atBottom) list.scrollTop = list.scrollHeight;
}

function personText(message) {
  const text = message.text || "";
  const { bot } = state.config;
  const body = el("div", "text");
  const mentioned = (message.mentionedPeople || []).includes(bot.id);
  if (mentioned && text.startsWith(bot.firstName)) {
    body.append(el("span", "mention-chip", `@${bot.firstName}`));
    body.append(document.createTextNode(text.slice(bot.firstName.length)));
  } else {
    body.textContent = text;
  }
  return body;
}

function messageElement(message, messages) {
  const { bot } = state.config;
  const fromBot = message.personId === bot.id;
  const fromMe = message.personId === state.me.id;
  const row = el("li", `message ${fromBot ? "from-bot" : fromMe ? "from-me" : "from-other"}`);
  row.dataset.messageId = message.id;
  row.dataset.from = fromBot ? "bot" : fromMe ? "me" : "other";
  row.dataset.created = message.created;
  row.dataset.version = message.updated || message.created;
  const head = el("div", "meta");
  head.append(el("span", "author", nameOf(message.personId, message.personEmail)));
  head.append(el("time", "at", new Date(message.created).toLocaleTimeString()));
  if (message.updated) head.append(el("span", "edited", "edited"));
  row.append(head);
  if (message.parentId) {
    const parent = messages.find((m) => m.id === message.parentId);
    const quote = parent ? (parent.text || "").slice(0, 60) : "an earlier message";
    row.append(el("div", "thread", `↪ in reply to ${quote}`));
    row.classList.add("reply");
  }
  row.append(fromBot ? botBody(message) : personText(message));
  return row;
}

function botBody(message) {
  const content = cardOf(message);
  const wrapper = el("div", "bot-body");
  const card = content && cardElement(content, (inputs) => submit(message, inputs, wrapper));
  if (card) {
    wrapper.append(card);
  } else {
    wrapper.append(markdownElement(message.markdown || message.text || ""));
    if (content) wrapper.append(el("p", "note", "(this card could not be rendered: showing the message's markdown)"));
  }
  wrapper.append(el("p", "card-status"));
  return wrapper;
}

async function submit(message, inputs, wrapper) {
  const line = wrapper.querySelector(".card-status");
  line.className = "card-status pending";
  line.textContent = "sending…";
  try {
    await webex(state.me.token, "POST", "attachment/actions", { type: "submit", messageId: message.id, inputs });
    line.className = "card-status sent";
    line.textContent = `sent ${JSON.stringify(inputs)}`;
  } catch (error) {
    line.className = "card-status failed";
    line.textContent = `not sent: ${error.message}`;
  }
}

async function send(event) {
  event.preventDefault();
  const input = $("message-input");
  const text = input.value.trim();
  if (!text || !state.space) return;
  const { bot } = state.config;
  const mention = state.space.kind === "ops" && $("mention").getAttribute("aria-pressed") === "true";
  const mentionHtml = `<spark-mention data-object-type="person" data-object-id="${bot.id}">${bot.firstName}</spark-mention> `;
  const markdown = (mention ? mentionHtml : "") + escapeHtml(text);
  const status = $("composer-status");
  status.textContent = "";
  $("send").disabled = true;
  try {
    await webex(state.me.token, "POST", "messages", { roomId: state.space.roomId, markdown });
    input.value = "";
    if (state.space.kind === "ops" && !mention) status.textContent = "Sent without @mention: the bot will not see it.";
  } catch (error) {
    status.textContent = `Not sent: ${error.message}`;
  } finally {
    $("send").disabled = false;
    input.focus();
  }
}

function setUpComposer() {
  $("composer").addEventListener("submit", send);
  $("message-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("mention").addEventListener("click", () => {
    const button = $("mention");
    button.setAttribute("aria-pressed", String(button.getAttribute("aria-pressed") !== "true"));
  });
  for (const example of EXAMPLES) {
    const button = el("button", "example", example);
    button.type = "button";
    button.addEventListener("click", () => {
      $("message-input").value = example;
      $("message-input").focus();
    });
    $("examples").append(item(button));
  }
}

async function main() {
  try {
    state.config = await console_("config");
  } catch (error) {
    $("space-title").textContent = "The sandbox is not answering";
    $("space-hint").textContent = error.message;
    return;
  }
  document.title = `roombot sandbox · ${state.config.bot.displayName}`;
  renderPeople();
  setUpComposer();
  startOrgPanel($("org"));
  startCallsPanel($("calls"), $("all-calls"));
}

main().catch((error) => {
  console.error(error);
  $("space-title").textContent = "The page failed to start";
  $("space-hint").textContent = String(error);
});
