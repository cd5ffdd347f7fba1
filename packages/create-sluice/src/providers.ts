/**
 * The providers a project can choose, read from core's provider files (bundled in at build time): what the
 * generated files name for each one (its key secret, its base-URL setting, its API host, its chat route).
 */
import { type ChatShape, PROVIDER_LIST } from "@sluice/core/providers";

/** A provider's name; `PROVIDERS` lists the valid ones (a plain string, so the published types need no core). */
export type Provider = string;

/** Provider name → the secret holding its key (the names every adapter reads). */
export const PROVIDERS = Object.fromEntries(PROVIDER_LIST.map((p) => [p.name, p.env.apiKey])) as Record<
  Provider,
  string
>;

/** Provider name → the setting that sends it elsewhere (a proxy, a local stand-in). */
export const BASE_URL_NAMES = Object.fromEntries(PROVIDER_LIST.map((p) => [p.name, p.env.baseUrl])) as Record<
  Provider,
  string
>;

/** Provider name → the host of its real API (a Fastly backend's address). */
export const HOSTS = Object.fromEntries(
  PROVIDER_LIST.map((p) => [p.name, new URL(p.defaultBaseUrl).host]),
) as Record<Provider, string>;

/** A provider's chat endpoint as the generated tests call it: the gateway path and the chat format. */
export interface ChatRoute {
  /** `/<name><basePath><chatPath>`: the path on the gateway, and on the stand-in under its base URL. */
  path: string;
  /** The stand-in's base URL path: `/<name><basePath>`. */
  base: string;
  shape: ChatShape;
}

/** The providers with a chat endpoint (every one but those with their own wire format). */
export const CHAT_ROUTES: Partial<Record<Provider, ChatRoute>> = Object.fromEntries(
  PROVIDER_LIST.flatMap((p) => {
    const shape = p.endpoints.find((e) => e.chat)?.chat;
    if (!shape || !p.chatPath) return [];
    const base = `/${p.name}${p.basePath}`;
    return [[p.name, { path: `${base}${p.chatPath}`, base, shape }]];
  }),
);
