// Worker threads start without the parent's TypeScript loader: register tsx here, then load
// the worker itself. Formula workers import nothing that touches storage (DESIGN.md pitfalls).
import { register } from "tsx/esm/api";

register();
await import(new URL("./worker.ts", import.meta.url).href);
