/**
 * Removes the operator's provider keys from what a client receives: bodies read whole, headers, and
 * streams (with a carry across chunks, so a key split between two chunks is caught too).
 */

export const REDACTED = "[redacted]";
/** Shorter strings are not treated as secrets: redacting them would mangle ordinary text. */
const MIN_SECRET_LENGTH = 8;
const encoder = new TextEncoder();
const REDACTED_BYTES = encoder.encode(REDACTED);

export interface Redactor {
  /** Whether `text` holds a secret. */
  holds(text: string): boolean;
  text(text: string): string;
  /** The same array when it holds no secret; a redacted copy otherwise. */
  bytes(bytes: Uint8Array): Uint8Array;
  /** A stream that passes bytes on with every secret replaced, holding back only a possible key prefix. */
  stream(): TransformStream<Uint8Array, Uint8Array>;
}

export function redactor(candidates: Iterable<string | undefined>): Redactor {
  const secrets = [
    ...new Set([...candidates].filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH)),
  ];
  // Encoded on first use: most answers are only checked as text (`holds`), never searched as bytes.
  let encoded: Uint8Array[] | undefined;
  const needles = () => {
    encoded ??= secrets.map((s) => encoder.encode(s));
    return encoded;
  };
  const holds = (text: string) => secrets.some((s) => text.includes(s));
  const bytes = (input: Uint8Array) => (secrets.length === 0 ? input : replaceAll(input, needles()));
  return {
    holds,
    text: (text) => (holds(text) ? secrets.reduce((t, s) => t.split(s).join(REDACTED), text) : text),
    bytes,
    stream() {
      let carry = new Uint8Array(0);
      return new TransformStream({
        transform(chunk, controller) {
          const joined = bytes(carry.byteLength ? concat(carry, chunk) : chunk);
          const hold = heldPrefix(joined, needles());
          carry = joined.slice(joined.byteLength - hold);
          if (joined.byteLength > hold) controller.enqueue(joined.subarray(0, joined.byteLength - hold));
        },
        flush(controller) {
          if (carry.byteLength) controller.enqueue(carry);
        },
      });
    },
  };
}

function matchesAt(haystack: Uint8Array, at: number, needle: Uint8Array): boolean {
  if (at + needle.byteLength > haystack.byteLength) return false;
  for (let j = 1; j < needle.byteLength; j++) if (haystack[at + j] !== needle[j]) return false;
  return true;
}

/** The first match of any needle at or after `from`: [position, needle], or undefined. */
function firstMatch(haystack: Uint8Array, needles: Uint8Array[], from: number) {
  let best: [number, Uint8Array] | undefined;
  for (const needle of needles) {
    for (let i = haystack.indexOf(needle[0]!, from); i >= 0; i = haystack.indexOf(needle[0]!, i + 1)) {
      if (best && i >= best[0]) break;
      if (matchesAt(haystack, i, needle)) {
        best = [i, needle];
        break;
      }
    }
  }
  return best;
}

function replaceAll(input: Uint8Array, needles: Uint8Array[]): Uint8Array {
  let match = firstMatch(input, needles, 0);
  if (!match) return input;
  const parts: Uint8Array[] = [];
  let from = 0;
  while (match) {
    parts.push(input.subarray(from, match[0]), REDACTED_BYTES);
    from = match[0] + match[1].byteLength;
    match = firstMatch(input, needles, from);
  }
  parts.push(input.subarray(from));
  return concat(...parts);
}

/** Length of the longest tail of `bytes` that is a proper prefix of some needle (it may complete later). */
function heldPrefix(bytes: Uint8Array, needles: Uint8Array[]): number {
  let longest = 0;
  for (const needle of needles) {
    for (let k = Math.min(needle.byteLength - 1, bytes.byteLength); k > longest; k--) {
      if (
        matchesAt(bytes, bytes.byteLength - k, needle.subarray(0, k)) &&
        bytes[bytes.byteLength - k] === needle[0]
      ) {
        longest = k;
        break;
      }
    }
  }
  return longest;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
