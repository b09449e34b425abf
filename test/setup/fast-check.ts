/**
 * Property tests are deterministic: one seed for every `fc.assert` that does not pin its own, so
 * a CI failure replays locally. `FC_SEED=<n> npm test` explores other inputs.
 */
import fc from "fast-check";

fc.configureGlobal({ seed: Number(process.env["FC_SEED"] ?? 20_261_125) });
