/**
 * Object keys are literal paths: R2 keeps `..` as two dots, but an S3-compatible store reached by URL
 * resolves it, so `uploads/<me>/../<other>/x` would read another tenant's object. Keys that could mean
 * different objects on different stores are refused everywhere, before any prefix check.
 */

/** Why `key` is not one literal, canonical object path, or undefined when it is. */
export function objectKeyProblem(key: string): string | undefined {
  if (key.length === 0 || key.length > 1024) return "an object key has 1 to 1024 characters";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return "an object key has no backslashes or control characters";
  if (/%(?:25)*(?:2f|5c|2e)/i.test(key)) return "an object key has no percent-encoded slashes or dots";
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === "..")
      return "an object key has no empty, `.` or `..` segments (no leading, trailing or double slashes)";
  }
  return undefined;
}
