// A position's transition history beside its statechart. Live mode follows the newest entry;
// clicking an entry travels back to it (later entries dim) until "Follow live" is pressed.
import { el, fmtTime } from "./format.js";

export class Timeline {
  /** `onShow(record, visited)`: the record to highlight and the states entered up to it. */
  constructor(list, liveButton, onShow) {
    this.list = list;
    this.liveButton = liveButton;
    this.onShow = onShow;
    this.positionId = null;
    this.records = [];
    this.selected = null; // seq while travelling, null when live
    liveButton.addEventListener("click", () => this.select(null));
  }

  /**
   * A fetched history. For the same position, entries pushed live while the fetch was in flight
   * are kept, and so is a travel selection.
   */
  show(positionId, records) {
    const same = positionId === this.positionId;
    const last = records[records.length - 1]?.seq ?? -1;
    this.records = [...records, ...(same ? this.records.filter((r) => r.seq > last) : [])];
    this.positionId = positionId;
    if (!same) this.selected = null;
    this.#render();
  }

  append(record) {
    if (this.records.some((r) => r.seq === record.seq)) return;
    this.records.push(record);
    this.#render();
  }

  select(seq) {
    this.selected = seq;
    this.#render();
  }

  #render() {
    const current = this.selected ?? this.records[this.records.length - 1]?.seq ?? null;
    this.liveButton.disabled = this.selected === null;
    this.list.replaceChildren(
      ...this.records.map((r) => {
        const cls = r.seq === current ? "current" : current !== null && r.seq > current ? "future" : "";
        return el(
          "li",
          { class: cls, dataset: { seq: r.seq, state: r.to } },
          el(
            "button",
            { type: "button", onclick: () => this.select(r.seq) },
            `#${r.seq} `,
            el("span", { class: "to" }, r.to),
            r.from ? el("span", { class: "sub" }, ` ← ${r.from}`) : null,
            el("span", { class: "meta" }, `${fmtTime(r.ts)} · ${r.event} · ${r.reason}`),
          ),
        );
      }),
    );
    // Scroll the list only (scrollIntoView would scroll the page on every live update).
    const item = this.list.querySelector("li.current");
    if (item) this.list.scrollTop = Math.max(0, item.offsetTop - this.list.offsetTop - this.list.clientHeight / 2);
    const record = this.records.find((r) => r.seq === current);
    if (record) this.onShow(record, this.records.filter((r) => r.seq <= record.seq).map((r) => r.to));
  }
}
