/** Reading the credential each official SDK sends, shared by the provider specs. */

export function bearer(request: Request): string | undefined {
  const value = request.headers.get("authorization");
  if (!value) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(value);
  return match?.[1]?.trim() || undefined;
}

/** Every header or query parameter a client may carry a credential in; all are removed upstream. */
export function stripClientCredentials(headers: Headers, url: URL): void {
  headers.delete("authorization");
  headers.delete("x-api-key");
  headers.delete("x-goog-api-key");
  url.searchParams.delete("key");
}
