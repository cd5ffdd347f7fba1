// README snippets run as written: only their placeholders change, and fill() proves that.
/** The snippet with its placeholders replaced: every placeholder must occur, and none may remain. */
export function fill(text: string, replacements: Record<string, string>): string {
  let out = text;
  for (const [placeholder, value] of Object.entries(replacements)) {
    if (!out.includes(placeholder)) throw new Error(`placeholder ${placeholder} is not in the snippet`);
    out = out.replaceAll(placeholder, value);
  }
  const left = out.match(/<[a-z][^<>\n]* [^<>\n]*>/i);
  if (left) throw new Error(`placeholder ${left[0]} was not replaced`);
  return out;
}
