// The control API from the browser: the token from `#token=` or the login form, kept in
// sessionStorage (this tab only), sent as a bearer header and as a WebSocket subprotocol.

const KEY = "alphagpt.token";

/** Take `#token=` from the URL once, then drop it so it is not left in history or screenshots. */
export function initialToken() {
  const match = /(?:^|&)token=([^&]+)/.exec(location.hash.slice(1));
  if (match) {
    sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }
  return sessionStorage.getItem(KEY);
}

export const saveToken = (token) => sessionStorage.setItem(KEY, token);
export const forgetToken = () => sessionStorage.removeItem(KEY);

export class Unauthorized extends Error {}

export class Api {
  constructor(token) {
    this.token = token;
  }

  async request(method, path) {
    const res = await fetch(path, { method, headers: { authorization: `Bearer ${this.token}` }, cache: "no-store" });
    if (res.status === 401) throw new Unauthorized("wrong or missing token");
    const body = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`);
    return body;
  }

  get(path) {
    return this.request("GET", path);
  }

  post(path) {
    return this.request("POST", path);
  }

  /**
   * Live events with reconnect (1 s doubling to 15 s). `onEvent(event)` per message,
   * `onOpen(open)` on each change of the connection.
   */
  connect(onEvent, onOpen) {
    let delay = 1000;
    let closed = false;
    let ws;
    const open = () => {
      const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws`;
      try {
        ws = new WebSocket(url, ["alphagpt.v1", `alphagpt.bearer.${this.token}`]);
      } catch {
        // A token with characters a subprotocol cannot carry goes in the query instead.
        ws = new WebSocket(`${url}?token=${encodeURIComponent(this.token)}`, ["alphagpt.v1"]);
      }
      ws.onopen = () => {
        delay = 1000;
        onOpen(true);
      };
      ws.onmessage = (m) => onEvent(JSON.parse(m.data));
      ws.onclose = () => {
        onOpen(false);
        if (!closed) setTimeout(open, (delay = Math.min(delay * 2, 15000)));
      };
    };
    open();
    return () => {
      closed = true;
      ws?.close();
    };
  }
}
