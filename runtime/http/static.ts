/**
 * The web UI shell: hand-written files from runtime/ui under `/ui/`, `index.html` at `/`, and the
 * two browser libraries straight from node_modules under `/vendor/` (no CDN, no build step).
 * These routes are public: they hold no data, every data call needs the token.
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";

export const UI_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "ui");

const require = createRequire(import.meta.url);

/** chart.js exports no subpath for its UMD build, so find it beside the package's main file. */
const VENDOR: Readonly<Record<string, string>> = {
  "elk.bundled.js": require.resolve("elkjs/lib/elk.bundled.js"),
  "chart.umd.js": join(dirname(require.resolve("chart.js")), "chart.umd.js"),
};

/** Scripts only from us; `connect-src 'self'` covers same-origin ws: in current browsers. */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

export async function registerUi(app: FastifyInstance, uiDir: string = UI_DIR): Promise<void> {
  await app.register(fastifyStatic, { root: uiDir, serve: false, dotfiles: "deny", index: false });
  const publicRoute = { config: { public: true } };

  app.get("/", publicRoute, (_req, reply) => reply.header("content-security-policy", CSP).sendFile("index.html", { maxAge: 0 }));
  app.get("/ui/*", publicRoute, (req, reply) => {
    const file = (req.params as { "*": string })["*"];
    return reply.header("content-security-policy", CSP).sendFile(file, { maxAge: 0 });
  });
  app.get("/vendor/:file", publicRoute, (req, reply) => {
    const file = (req.params as { file: string }).file;
    const path = Object.hasOwn(VENDOR, file) ? VENDOR[file] : undefined;
    if (path === undefined) return reply.callNotFound();
    return reply.sendFile(path.slice(dirname(path).length + 1), dirname(path), { maxAge: "1h" });
  });
}
