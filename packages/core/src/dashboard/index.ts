/**
 * `<basePath>/_sluice/dashboard`: the operator's page. Loaded on demand by the admin routes, so none of it is
 * parsed on the gateway's hot path. Admin only: a login form checks the admin key through the admin guard
 * (same rules, same throttling) and sets a signed, `HttpOnly`, `Secure`, `SameSite=Strict` cookie for one hour;
 * every change is a POST that must come from the page's own origin and carry the session's CSRF token.
 */
import { keysApi } from "../admin/keys.js";
import type { UsageStores } from "../admin/usage.js";
import { GatewayError } from "../failures.js";
import type { SecretsPort } from "../ports/secrets.js";
import { errorResponse } from "../respond.js";
import { dashboardData, PERIODS } from "./data.js";
import { dashboardPage, loginPage, type PageContext } from "./page.js";
import { csrfToken, newSession, sessionCookie, sessionOf, validCsrf } from "./session.js";

export const DASHBOARD_PATH = "/_sluice/dashboard";

export interface DashboardDeps extends UsageStores {
  secrets: SecretsPort;
  secretName: string;
  /** The admin API's guard: undefined when the request carries the admin key, else the refusal. */
  guard: (request: Request) => Promise<Response | undefined>;
}

const HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  // No script may run at all; styles are inline; forms post only here; nobody may frame the page.
  "content-security-policy":
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  // Not "no-referrer": with it a browser sends `Origin: null` on the page's own form posts.
  "referrer-policy": "same-origin",
};

const html = (body: string, status = 200, extra: Record<string, string> = {}) =>
  new Response(body, { status, headers: { ...HEADERS, ...extra } });
const redirect = (location: string, extra: Record<string, string> = {}) =>
  new Response(null, { status: 303, headers: { location, "cache-control": "no-store", ...extra } });

/**
 * A cross-site POST: a foreign `Origin`, or a browser saying the request came from another site. An opaque
 * origin ("null", privacy modes) passes only when the browser vouches that the post is same-origin.
 */
function crossSite(request: Request, url: URL): boolean {
  const origin = request.headers.get("origin");
  const site = request.headers.get("sec-fetch-site");
  if (origin !== null && origin !== "null") return origin !== url.origin;
  if (origin === "null") return site !== "same-origin";
  return site !== null && site !== "same-origin" && site !== "none";
}

async function readForm(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw new GatewayError("bad_request", "Send the form as application/x-www-form-urlencoded.");
  }
}

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
};

/** The key fields a create or update form sets, in the admin API's JSON shape (null removes a field). */
function keyFields(form: FormData, creating: boolean): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const tokens = text(form, "budgetTokens");
  const models = text(form, "allowedModels")
    .split(",")
    .map((m) => m.trim())
    .filter(Boolean);
  if (creating && text(form, "name")) fields.name = text(form, "name");
  if (tokens) fields.budget = { tokens: Number(tokens), window: text(form, "budgetWindow") || "day" };
  else if (!creating) fields.budget = null;
  if (models.length > 0) fields.allowedModels = models;
  else if (!creating) fields.allowedModels = null;
  return fields;
}

const apiRequest = (url: URL, method: string, body?: unknown) =>
  new Request(url, { method, body: body === undefined ? undefined : JSON.stringify(body) });

export async function dashboard(
  request: Request,
  path: string,
  url: URL,
  deps: DashboardDeps,
): Promise<Response> {
  const secret = await deps.secrets.get(deps.secretName);
  if (!secret) {
    return errorResponse(
      undefined,
      403,
      "forbidden",
      `The dashboard is disabled: set the ${deps.secretName} secret to enable it.`,
    );
  }
  const home = `${url.pathname.slice(0, url.pathname.length - path.length)}${DASHBOARD_PATH}`;
  const sub = path.slice(DASHBOARD_PATH.length);
  const post = request.method === "POST";
  if (!post && request.method !== "GET") {
    throw new GatewayError("method_not_allowed", "Use GET or POST for the dashboard.", {
      headers: { allow: "GET, POST" },
    });
  }
  if (post && crossSite(request, url)) {
    throw new GatewayError("forbidden", "Cross-site form posts are refused: use the dashboard's own page.");
  }

  if (sub === "/login") {
    if (!post) return redirect(home);
    const headers = new Headers(request.headers);
    headers.delete("cookie");
    headers.set("authorization", `Bearer ${text(await readForm(request), "key")}`);
    const refused = await deps.guard(new Request(url, { method: "POST", headers }));
    if (refused) {
      const answer = (await refused.json().catch(() => null)) as { error?: { message?: string } } | null;
      const retry = refused.headers.get("retry-after");
      return html(
        loginPage(home, answer?.error?.message ?? "Sign-in refused."),
        refused.status,
        retry ? { "retry-after": retry } : {},
      );
    }
    return redirect(home, { "set-cookie": sessionCookie(home, await newSession(secret)) });
  }

  const session = await sessionOf(request, secret);
  // Without a session: the login form and nothing else (no numbers, no key names).
  if (!session) {
    if (sub === "" && !post) return html(loginPage(home));
    if (post) return html(loginPage(home, "Your session has ended: sign in again."), 401);
    throw new GatewayError("not_found", `No dashboard route ${path}.`);
  }
  const csrf = await csrfToken(secret, session);
  const period = (PERIODS as readonly number[]).includes(Number(url.searchParams.get("days")))
    ? Number(url.searchParams.get("days"))
    : 7;
  const render = async (extra: Partial<PageContext> = {}, status = 200) =>
    html(dashboardPage(await dashboardData(deps, period), { path: home, csrf, period, ...extra }), status);

  if (!post) {
    if (sub !== "" && sub !== "/") throw new GatewayError("not_found", `No dashboard route ${path}.`);
    const done = url.searchParams.get("done");
    const id = url.searchParams.get("id") ?? "";
    return render(done && DONE[done] ? { notice: { text: `${DONE[done]}: ${id}` } } : {});
  }

  const form = await readForm(request);
  if (!(await validCsrf(secret, session, text(form, "_csrf")))) {
    return render(
      { notice: { text: "The form had expired: nothing was changed. Try again.", error: true } },
      403,
    );
  }
  if (sub === "/logout") return redirect(home, { "set-cookie": sessionCookie(home, undefined) });
  try {
    if (sub === "/keys") {
      const answer = await keysApi(apiRequest(url, "POST", keyFields(form, true)), "", deps.keys);
      const { key, record } = (await answer.json()) as { key: string; record: { id: string } };
      return render({ created: { id: record.id, key } }, 201);
    }
    if (sub.startsWith("/keys/")) {
      const rest = sub.slice("/keys".length);
      const action = text(form, "action");
      const request =
        action === "revoke"
          ? apiRequest(url, "DELETE")
          : action === "disable" || action === "enable"
            ? apiRequest(url, "PATCH", { disabled: action === "disable" })
            : action === "update"
              ? apiRequest(url, "PATCH", keyFields(form, false))
              : undefined;
      if (!request) throw new GatewayError("bad_request", `Unknown key action "${action}".`);
      await keysApi(request, rest, deps.keys);
      return redirect(`${home}?done=${action}&id=${encodeURIComponent(decodeURIComponent(rest.slice(1)))}`);
    }
  } catch (error) {
    if (!(error instanceof GatewayError)) throw error;
    return render({ notice: { text: error.message, error: true } }, error.status);
  }
  throw new GatewayError("not_found", `No dashboard route ${path}.`);
}

const DONE: Record<string, string> = {
  revoke: "Key revoked",
  disable: "Key disabled",
  enable: "Key enabled",
  update: "Key updated",
};
