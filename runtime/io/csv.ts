/**
 * Minimal CSV plumbing shared by the importers and the exporter: a streaming line source, an
 * RFC 4180 field splitter (quotes and doubled quotes inside one line), and field escaping.
 * Quoted fields spanning several lines are rejected rather than guessed at: no OHLCV file needs
 * them, and line numbers stay exact.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** Lines of a UTF-8 text file, streamed (CRLF or LF), with a leading BOM removed. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const input = createReadStream(path, { encoding: "utf8" });
  const rl = createInterface({ input, crlfDelay: Infinity });
  let first = true;
  try {
    for await (const line of rl) {
      yield first ? line.replace(/^\uFEFF/, "") : line;
      first = false;
    }
  } finally {
    rl.close();
    input.destroy();
  }
}

/** Lines of an in-memory text (tests, small inputs), split like `readLines`. */
export function textLines(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  // A final newline ends the last line; it does not start an empty one.
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Split one CSV line into fields; a string result is the reason it cannot be split. */
export function splitCsvLine(line: string): string[] | string {
  if (!line.includes('"')) return line.split(",");
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) return "unterminated quoted field (fields spanning lines are not supported)";
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      if (i < line.length && line[i] !== ",") return `unexpected character after closing quote at position ${i + 1}`;
      fields.push(value);
    } else {
      const comma = line.indexOf(",", i);
      const end = comma < 0 ? line.length : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) return `stray quote in unquoted field at position ${i + 1}`;
      fields.push(value);
      i = end;
    }
    if (i >= line.length) return fields;
    i++; // skip the comma
    if (i === line.length) {
      fields.push("");
      return fields;
    }
  }
}

/** One CSV field: quoted only when it must be. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
