/**
 * A sweep worker: takes jobs (a config over a recording: JSONL or binary rows), answers each with
 * its hash, metrics and counters. Imports nothing that loads chdb (DESIGN.md pitfalls): the rows
 * come from the file, streamed in pages.
 */
import { parentPort } from "node:worker_threads";
import { recordingReader, rejectedRecords } from "../../streams/replay/file-readers.js";
import { runBacktest } from "./backtest.js";
import type { SweepJob, SweepReply } from "./sweep.js";

const port = parentPort;
if (port === null) throw new Error("sweep-worker.ts runs in a worker thread");

port.on("message", (job: SweepJob) => {
  void (async (): Promise<SweepReply> => {
    try {
      const rows = await recordingReader(job.eventsPath, { pageSize: job.pageSize, ...(job.fromMs !== null ? { fromMs: job.fromMs } : {}), ...(job.toMs !== null ? { toMs: job.toMs } : {}) });
      const rejected = rejectedRecords(rows);
      const out = await runBacktest(
        {
          config: job.config, strategy: job.strategy, source: job.source, fromMs: job.fromMs, toMs: job.toMs, outDir: job.outDir,
          title: `Backtest ${job.name}`, ...(job.solUsd !== null ? { solUsd: job.solUsd } : {}),
        },
        rows,
      );
      return { type: "done", id: job.id, name: job.name, hash: out.hash, metrics: out.metrics, counters: out.counters, reportDir: out.reportDir, rejected: rejected() };
    } catch (e) {
      return { type: "failed", id: job.id, name: job.name, message: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
  })().then((reply) => port.postMessage(reply));
});
