/**
 * The provider's bounded replay buffer: the updates of the last `slots` slots. A subscriber may
 * resume with `from_slot` inside it; older than that is gone, and the server says so.
 */
import type { SubscribeUpdate } from "../../streams/geyser/wire.js";

export interface Buffered {
  readonly slot: number;
  readonly update: SubscribeUpdate;
}

export function updateSlot(u: SubscribeUpdate): number | null {
  const s = u.account?.slot ?? u.transaction?.slot ?? u.slot?.slot ?? u.transactionStatus?.slot;
  return s === undefined ? null : Number(s);
}

export class ReplayBuffer {
  readonly #slots: number;
  readonly #items: Buffered[] = [];
  #head = 0;
  #maxSlot = -1;
  /** Highest slot whose updates were dropped; -1 while nothing was. */
  #trimmedThrough = -1;

  constructor(slots: number) {
    this.#slots = slots;
  }

  get maxSlot(): number {
    return this.#maxSlot;
  }

  /** The oldest slot a subscriber can still resume from. */
  get firstAvailable(): number {
    return this.#trimmedThrough + 1;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  push(slot: number, update: SubscribeUpdate): void {
    this.#items.push({ slot, update });
    if (slot > this.#maxSlot) this.#maxSlot = slot;
    const keepFrom = this.#maxSlot - this.#slots + 1;
    // Drop whole slots from the front (updates arrive roughly in slot order).
    while (this.#head < this.#items.length && (this.#items[this.#head] as Buffered).slot < keepFrom) {
      this.#trimmedThrough = Math.max(this.#trimmedThrough, (this.#items[this.#head] as Buffered).slot);
      this.#head++;
    }
    if (this.#head > 4096 && this.#head * 2 > this.#items.length) {
      this.#items.splice(0, this.#head);
      this.#head = 0;
    }
  }

  /** Updates at `fromSlot` or later, or null when that slot has been dropped. */
  since(fromSlot: number): Buffered[] | null {
    if (fromSlot <= this.#trimmedThrough) return null;
    const out: Buffered[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const b = this.#items[i] as Buffered;
      if (b.slot >= fromSlot) out.push(b);
    }
    return out;
  }
}
