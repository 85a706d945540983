// Bot messages as a Webex client shows them: the card with the official `adaptivecards`
// renderer (markdown through markdown-it, as Webex supports it), or the message's markdown when
// there is no card or it cannot be rendered.

const CARD_TYPE = "application/vnd.microsoft.card.adaptive";
const md = window.markdownit({ html: false, linkify: true, breaks: true });

window.AdaptiveCards.AdaptiveCard.onProcessMarkdown = (text, result) => {
  result.outputHtml = md.render(text);
  result.didProcess = true;
};

const hostConfig = new window.AdaptiveCards.HostConfig({
  fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  spacing: { small: 4, default: 8, medium: 16, large: 24, extraLarge: 32, padding: 12 },
  containerStyles: {
    default: { backgroundColor: "#ffffff", foregroundColors: { default: { default: "#1b1d21", subtle: "#5b6270" } } },
    emphasis: { backgroundColor: "#f1f3f6", foregroundColors: { default: { default: "#1b1d21", subtle: "#5b6270" } } },
  },
  actions: { actionsOrientation: "horizontal", buttonSpacing: 8, maxActions: 6, showCard: { actionMode: "inline" } },
  supportsInteractivity: true,
});

/** Markdown rendered to a safe element (markdown-it with raw HTML disabled). */
export function markdownElement(markdown) {
  const element = document.createElement("div");
  element.className = "markdown";
  element.innerHTML = md.render(markdown || "");
  return element;
}

/** The message's Adaptive Card, if it carries one. */
export function cardOf(message) {
  const attachment = (message.attachments || []).find((a) => a.contentType === CARD_TYPE);
  return attachment ? attachment.content : null;
}

/**
 * Renders `content` with the official renderer. `onSubmit(inputs)` gets Action.Submit clicks:
 * the card's input values merged with the action's data, as Webex sends them.
 * Returns null when the card cannot be rendered.
 */
export function cardElement(content, onSubmit) {
  const AC = window.AdaptiveCards;
  const card = new AC.AdaptiveCard();
  card.hostConfig = hostConfig;
  card.onExecuteAction = (action) => {
    const type = action.getJsonTypeName();
    if (type === "Action.Submit") {
      const data = action.data;
      onSubmit(data && typeof data === "object" && !Array.isArray(data) ? data : inputValues(card));
    } else if (type === "Action.OpenUrl" && action.url) {
      window.open(action.url, "_blank", "noopener");
    }
  };
  try {
    const context = new AC.SerializationContext();
    card.parse(content, context);
    const element = card.render();
    if (!element) return null;
    const host = document.createElement("div");
    host.className = "card";
    host.appendChild(element);
    return host;
  } catch (error) {
    console.warn("card could not be rendered", error);
    return null;
  }
}

function inputValues(card) {
  const values = {};
  for (const input of card.getAllInputs()) {
    if (input.id && input.isSet()) values[input.id] = String(input.value);
  }
  return values;
}
