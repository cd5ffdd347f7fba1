// One serializer for the three JSON layouts the providers put on the wire. JSON.stringify alone
// cannot produce Gemini's `{"a": 1,"b": 2}` stream lines, Python-style `1.0` floats (OpenAI, Groq)
// or `\u00e1` escapes (OpenAI Responses), and byte-faithful output is the point of this package.

/** A number (or any JSON fragment) written verbatim, e.g. `raw("1.0")` for a Python float. */
export class RawJson {
  constructor(readonly text: string) {}
}

export const raw = (text: string): RawJson => new RawJson(text);

/** A float as Python's json module prints it: `1.0`, not `1`. */
export const float = (n: number): RawJson => new RawJson(Number.isInteger(n) ? `${n}.0` : String(n));

export interface JsonStyle {
  /** Spaces per level; 0 = single line. */
  indent: number;
  /** Text after `:` on a single line (`""` compact, `" "` for Gemini stream lines). */
  colon: string;
  /** Escape every non-ASCII character as `\uXXXX` (Python's ensure_ascii). */
  ascii: boolean;
}

export const COMPACT: JsonStyle = { indent: 0, colon: "", ascii: false };
/** Gemini `alt=sse` lines: `{"candidates": [{"content": {...},"index": 0}]}`. */
export const GEMINI_LINE: JsonStyle = { indent: 0, colon: " ", ascii: false };
export const PRETTY: JsonStyle = { indent: 2, colon: " ", ascii: false };
export const PRETTY_ASCII: JsonStyle = { indent: 2, colon: " ", ascii: true };

export function quote(s: string, ascii = false): string {
  const q = JSON.stringify(s);
  return ascii
    ? q.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    : q;
}

export function dump(value: unknown, style: JsonStyle = COMPACT): string {
  return write(value, style, 0);
}

function write(value: unknown, style: JsonStyle, depth: number): string {
  if (value instanceof RawJson) return value.text;
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return quote(value, style.ascii);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  const pad = style.indent ? `\n${" ".repeat(style.indent * (depth + 1))}` : "";
  const close = style.indent ? `\n${" ".repeat(style.indent * depth)}` : "";
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[${value.map((v) => pad + write(v, style, depth + 1)).join(",")}${close}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  if (entries.length === 0) return "{}";
  const colon = style.indent ? ": " : `:${style.colon}`;
  const body = entries.map(([k, v]) => pad + quote(k, style.ascii) + colon + write(v, style, depth + 1));
  return `{${body.join(",")}${close}}`;
}
