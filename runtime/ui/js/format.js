// Formatting and a tiny DOM builder. Data always goes in as text, never as HTML.

export const DASH = "–";

export const fmtSol = (v, digits = 4) => (v == null ? DASH : `${v.toFixed(digits)} SOL`);

/** Meme prices run from 1e-9 to 1e2 SOL: keep four significant digits. */
export const fmtPrice = (v) => (v == null ? DASH : v >= 1 ? v.toFixed(4) : v.toPrecision(4));

export const fmtPct = (v) => (v == null ? DASH : `${v >= 0 ? "+" : ""}${v.toFixed(1)}%`);

const compact = new Intl.NumberFormat("en", { notation: "compact", maximumFractionDigits: 1 });
export const fmtCompact = (v) => (v == null ? DASH : compact.format(v));

/** UTC, so every operator reads the same clock as the logs. */
export const fmtTime = (ts) => new Date(ts).toISOString().slice(11, 19);

export const signClass = (v) => (v == null || v === 0 ? "" : v > 0 ? "pos" : "neg");

/** el("td", { class: "num" }, "1.0") — strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c != null) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

export function setText(id, text, className) {
  const node = document.getElementById(id);
  node.textContent = text;
  if (className !== undefined) node.className = className;
  return node;
}
