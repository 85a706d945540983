// Talking to the sandbox: the Webex API under /v1 as a demo person (bearer token), and the
// console's read-only endpoints under /_sandbox/.

/** An error answered by the sandbox, with Webex's message when there is one. */
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function answer(response) {
  const text = await response.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = null;
  }
  if (!response.ok) {
    const detail = body?.errors?.[0]?.description || body?.message || text || response.statusText;
    throw new ApiError(response.status, `${response.status}: ${detail}`);
  }
  return body;
}

/** Calls the Webex API as the owner of `token`. */
export async function webex(token, method, path, body) {
  const response = await fetch(`/v1/${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  return answer(response);
}

/** Reads one of the console's endpoints (`config`, `org`, `requests?...`). */
export async function console_(path) {
  return answer(await fetch(`/_sandbox/${path}`, { cache: "no-store" }));
}

/** Calls `step` now and then every `ms` after the previous call finished, until stopped. */
export function every(ms, step) {
  let timer = null;
  let stopped = false;
  const run = async () => {
    try {
      await step();
    } catch (error) {
      console.warn(error);
    }
    if (!stopped) timer = setTimeout(run, ms);
  };
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
