/**
 * Replaces one top-level string field of a JSON object in its source text, leaving every other byte as it
 * was, so a routed request keeps the client's serialization (and the provider's prompt cache keeps hitting).
 */

/** Index just past the JSON string that starts at `start` (which must be a quote). */
function endOfString(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92)
      i++; // backslash: skip the escaped character
    else if (c === 34) return i + 1;
  }
  return -1;
}

/** Index just past the JSON value that starts at `start` (after any whitespace). */
function endOfValue(text: string, start: number): number {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = endOfString(text, i) - 1;
      if (i < 0) return -1;
      if (depth === 0) return i + 1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      if (depth === 0) return i;
      if (--depth === 0) return i + 1;
    } else if (depth === 0 && (c === 44 || c === 125)) return i;
  }
  return depth === 0 ? text.length : -1;
}

const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;

/**
 * The text with the top-level `key`'s value replaced by the JSON string `value`, or undefined when the key
 * is not a top-level field. Assumes `text` is a valid JSON object (the body was already parsed once).
 */
export function replaceTopLevelString(text: string, key: string, value: string): string | undefined {
  return replaceTopLevelValue(text, key, JSON.stringify(value));
}

/** The text with the top-level `key`'s value replaced by the raw JSON `raw`; undefined when there is none. */
export function replaceTopLevelValue(text: string, key: string, raw: string): string | undefined {
  let i = text.indexOf("{");
  if (i < 0) return undefined;
  i++;
  while (i < text.length) {
    while (isSpace(text.charCodeAt(i)) || text.charCodeAt(i) === 44) i++;
    if (text.charCodeAt(i) !== 34) return undefined;
    const keyEnd = endOfString(text, i);
    const name = JSON.parse(text.slice(i, keyEnd)) as string;
    i = keyEnd;
    while (isSpace(text.charCodeAt(i))) i++;
    i++; // the colon
    while (isSpace(text.charCodeAt(i))) i++;
    const valueStart = i;
    let valueEnd = endOfValue(text, valueStart);
    if (valueEnd < 0) return undefined;
    // Scalars other than strings end at the delimiter; trim the whitespace before it.
    while (valueEnd > valueStart && isSpace(text.charCodeAt(valueEnd - 1))) valueEnd--;
    if (name === key) return text.slice(0, valueStart) + raw + text.slice(valueEnd);
    i = valueEnd;
  }
  return undefined;
}

/**
 * The text with `"key":raw` set at the top level: the value replaced when the key is there, else the field
 * added as the object's last member (right before its closing brace), every other byte unchanged.
 */
export function setTopLevelValue(text: string, key: string, raw: string): string | undefined {
  const replaced = replaceTopLevelValue(text, key, raw);
  if (replaced !== undefined) return replaced;
  const open = text.indexOf("{");
  let close = text.length - 1;
  while (close > open && isSpace(text.charCodeAt(close))) close--;
  if (open < 0 || text.charCodeAt(close) !== 125) return undefined;
  let last = close - 1;
  while (last > open && isSpace(text.charCodeAt(last))) last--;
  const empty = last === open;
  return `${text.slice(0, last + 1)}${empty ? "" : ","}${JSON.stringify(key)}:${raw}${text.slice(last + 1)}`;
}
