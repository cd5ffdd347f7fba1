/** Validation of the key fields the admin API accepts; every message names the field and what it wants. */
import { GatewayError } from "../failures.js";
import { type ClientKeyRecord, RESOURCE_GRANTS, type ResourceGrant } from "../ports/keys.js";
import { PROVIDERS } from "../providers/index.js";
import type { ProviderName } from "../providers/types.js";
import { parseRate } from "../util/time.js";

export type KeyFields = Omit<ClientKeyRecord, "id" | "hash">;
/** A field set to null in a PATCH is removed from the record. */
export type KeyPatch = { [K in keyof KeyFields]?: KeyFields[K] | null };

const FIELDS = [
  "name",
  "rateLimit",
  "budget",
  "allowedProviders",
  "allowedModels",
  "grants",
  "expiresAt",
  "disabled",
];

const bad = (message: string) => new GatewayError("bad_request", message);
const isPositiveInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v) && v > 0;

export function parseKeyPatch(body: unknown): KeyPatch {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw bad("The request body must be a JSON object.");
  }
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) {
    throw bad(
      `Unknown field${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")}; allowed: ${FIELDS.join(", ")}.`,
    );
  }
  const out: KeyPatch = {};
  for (const [field, value] of Object.entries(input)) {
    if (value === null) {
      if (field === "disabled") throw bad("disabled must be true or false.");
      (out as Record<string, null>)[field] = null;
      continue;
    }
    switch (field) {
      case "name":
        if (typeof value !== "string" || value.length > 200)
          throw bad("name must be a string of at most 200 characters.");
        out.name = value;
        break;
      case "rateLimit":
        out.rateLimit = rateLimitOf(value);
        break;
      case "budget": {
        const b = value as { tokens?: unknown; window?: unknown };
        if (
          typeof value !== "object" ||
          !isPositiveInt(b.tokens) ||
          (b.window !== "day" && b.window !== "month")
        ) {
          throw bad('budget must be { "tokens": <positive integer>, "window": "day" | "month" }.');
        }
        out.budget = { tokens: b.tokens, window: b.window };
        break;
      }
      case "allowedProviders":
        if (
          !Array.isArray(value) ||
          !value.every((p) => typeof p === "string" && Object.hasOwn(PROVIDERS, p))
        ) {
          throw bad(`allowedProviders must be a list of: ${Object.keys(PROVIDERS).join(", ")}.`);
        }
        out.allowedProviders = value as ProviderName[];
        break;
      case "allowedModels":
        if (!Array.isArray(value) || !value.every((m) => typeof m === "string" && m.length > 0)) {
          throw bad("allowedModels must be a list of model names.");
        }
        out.allowedModels = value as string[];
        break;
      case "grants":
        if (!Array.isArray(value) || !value.every((g) => RESOURCE_GRANTS.includes(g as ResourceGrant))) {
          throw bad(`grants must be a list of: ${RESOURCE_GRANTS.join(", ")}.`);
        }
        out.grants = [...new Set(value as ResourceGrant[])];
        break;
      case "expiresAt": {
        const time = typeof value === "string" ? Date.parse(value) : value;
        if (typeof time !== "number" || !Number.isFinite(time)) {
          throw bad("expiresAt must be milliseconds since the epoch or an ISO 8601 date.");
        }
        out.expiresAt = time;
        break;
      }
      case "disabled":
        if (typeof value !== "boolean") throw bad("disabled must be true or false.");
        out.disabled = value;
        break;
    }
  }
  return out;
}

function rateLimitOf(value: unknown): { limit: number; windowSeconds: number } {
  if (typeof value === "string") {
    try {
      return parseRate(value);
    } catch (error) {
      throw bad(`rateLimit: ${(error as Error).message}`);
    }
  }
  const r = value as { limit?: unknown; windowSeconds?: unknown };
  if (
    typeof value !== "object" ||
    !isPositiveInt(r.limit) ||
    typeof r.windowSeconds !== "number" ||
    !(r.windowSeconds > 0)
  ) {
    throw bad(
      'rateLimit must be "60/60s" or { "limit": <positive integer>, "windowSeconds": <positive number> }.',
    );
  }
  return { limit: r.limit, windowSeconds: r.windowSeconds };
}

/** Applies a patch: null removes a field, anything else replaces it. */
export function applyPatch(record: ClientKeyRecord, patch: KeyPatch): ClientKeyRecord {
  const next: Record<string, unknown> = { ...record };
  for (const [field, value] of Object.entries(patch)) {
    if (value === null) delete next[field];
    else next[field] = value;
  }
  return next as unknown as ClientKeyRecord;
}

/** A record as the admin API shows it: everything but the hash (not secret, but of no use to anyone). */
export function publicRecord({ hash: _, ...rest }: ClientKeyRecord): Omit<ClientKeyRecord, "hash"> {
  return rest;
}
