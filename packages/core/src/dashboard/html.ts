/** HTML escaping for the dashboard's templates: every value that came from a store or a request goes through it. */
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export const esc = (value: unknown): string => String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/** 1234567 → "1,234,567". */
export const int = (n: number) => integer.format(n);

/** A share as "42.0%", or "–" when there is nothing to divide. */
export const pct = (share: number | null) => (share === null ? "–" : `${(share * 100).toFixed(1)}%`);

/** A cost in nano-dollars as "$0.012345" (6 decimals, exact from the integer). */
export function usd(nano: number): string {
  const micro = Math.round(nano / 1000);
  return `$${Math.floor(micro / 1e6)}.${String(micro % 1e6).padStart(6, "0")}`;
}
