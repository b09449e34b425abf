/**
 * One supervised child as the daemon runs it. The supervisor machine decides when to start,
 * restart or give up on a child (machines/supervisor.*); `SupervisedChild` carries that out on
 * the child's own `ChildFactory` and reports back: crashes as `child.crashed`, liveness as
 * `child.heartbeat` (the daemon asks `alive()` about once a second; a child that stops saying
 * yes is hung, and the machine restarts it after its heartbeat timeout).
 *
 * Every start makes a new instance with a generation number; a crash reported by an older
 * instance (one already replaced) is ignored, as is anything it says after it was stopped.
 */
import type { ChildName } from "../../../machines/supervisor.types.js";

export interface ChildInstance {
  /** Healthy right now: the daemon sends a heartbeat for it. */
  alive(): boolean;
  /** Graceful stop: finish what is in hand, release resources. */
  stop(): Promise<void>;
  /** Immediate stop, as a crash would leave it (chaos tests, a hung child being replaced). */
  kill(reason: string): void;
}

export interface ChildContext {
  /** The instance failed on its own; the supervisor decides what happens next. */
  crashed(error: unknown): void;
}

export interface ChildFactory {
  readonly name: ChildName;
  start(ctx: ChildContext): Promise<ChildInstance>;
}

export type ChildPhase = "idle" | "starting" | "running" | "crashed" | "stopped";

export interface ChildReport {
  crashed(name: ChildName, error: string): void;
  log(level: "info" | "warn" | "error", msg: string, fields: Record<string, unknown>): void;
}

export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : typeof e === "string" ? e : JSON.stringify(e));

export class SupervisedChild {
  readonly name: ChildName;
  readonly #factory: ChildFactory;
  readonly #report: ChildReport;
  #generation = 0;
  #instance: ChildInstance | null = null;
  #phase: ChildPhase = "idle";
  #starts = 0;
  #lastError: string | null = null;
  #pending: Promise<void> = Promise.resolve();

  constructor(factory: ChildFactory, report: ChildReport) {
    this.name = factory.name;
    this.#factory = factory;
    this.#report = report;
  }

  get phase(): ChildPhase {
    return this.#phase;
  }

  /** Instances started so far (the first start included). */
  get starts(): number {
    return this.#starts;
  }

  get lastError(): string | null {
    return this.#lastError;
  }

  /** True when a running instance says it is healthy. */
  alive(): boolean {
    if (this.#phase !== "running" || this.#instance === null) return false;
    try {
      return this.#instance.alive();
    } catch {
      return false;
    }
  }

  /** Start (boot) or replace (restart) the instance; calls are serialised. */
  start(reason: string): Promise<void> {
    return this.#serial(async () => {
      await this.#drop((i) => i.kill(reason));
      await this.#launch(reason);
    });
  }

  /** Stop gracefully and stay stopped (shutdown, or the restart budget is spent). */
  stop(): Promise<void> {
    return this.#serial(async () => {
      await this.#drop((i) => i.stop());
      this.#phase = "stopped";
    });
  }

  /** Kill the running instance as a crash would, and report the crash (chaos tests). */
  kill(reason: string): void {
    const instance = this.#instance;
    if (instance === null || this.#phase !== "running") return;
    try {
      instance.kill(reason);
    } catch (e) {
      this.#report.log("warn", `${this.name}: kill failed`, { error: errorMessage(e) });
    }
    this.#crashed(this.#generation, new Error(`killed: ${reason}`));
  }

  async #launch(reason: string): Promise<void> {
    const generation = ++this.#generation;
    this.#phase = "starting";
    this.#starts++;
    try {
      const instance = await this.#factory.start({ crashed: (e) => this.#crashed(generation, e) });
      if (generation !== this.#generation || this.#phase !== "starting") {
        await instance.stop().catch(() => undefined);
        return;
      }
      this.#instance = instance;
      this.#phase = "running";
      this.#report.log("info", `${this.name} started`, { reason, generation });
    } catch (e) {
      this.#crashed(generation, e);
    }
  }

  async #drop(how: (i: ChildInstance) => void | Promise<void>): Promise<void> {
    const instance = this.#instance;
    this.#instance = null;
    this.#generation++;
    if (instance === null) return;
    try {
      await how(instance);
    } catch (e) {
      this.#report.log("warn", `${this.name}: stopping the old instance failed`, { error: errorMessage(e) });
    }
  }

  #crashed(generation: number, error: unknown): void {
    if (generation !== this.#generation || this.#phase === "stopped" || this.#phase === "crashed") return;
    const message = errorMessage(error);
    this.#phase = "crashed";
    this.#lastError = message;
    const instance = this.#instance;
    this.#instance = null;
    if (instance !== null) void Promise.resolve().then(() => instance.kill(message)).catch(() => undefined);
    this.#report.log("error", `${this.name} crashed`, { error: message, generation });
    this.#report.crashed(this.name, message);
  }

  #serial(f: () => Promise<void>): Promise<void> {
    const run = this.#pending.then(f, f);
    this.#pending = run.catch(() => undefined);
    return run;
  }
}
