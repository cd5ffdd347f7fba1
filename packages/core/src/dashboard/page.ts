/** The dashboard's HTML: server-rendered, no script at all, forms for every change. */
import { report } from "../admin/usage.js";
import type { UsageCounters } from "../ports/usage.js";
import { barChart, burnLine, hbars } from "./charts.js";
import type { DashboardData, KeyView } from "./data.js";
import { PERIODS } from "./data.js";
import { esc, int, pct, usd } from "./html.js";
import { CSS } from "./style.js";

export interface PageContext {
  /** The dashboard's own path, e.g. "/_sluice/dashboard" under the base path. */
  path: string;
  csrf: string;
  period: number;
  notice?: { text: string; error?: boolean };
  /** A key just created: shown here once and never again. */
  created?: { id: string; key: string };
}

function layout(body: string, header = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="same-origin"><title>Sluice dashboard</title><style>${CSS}</style></head><body>${header}${body}</body></html>`;
}

export function loginPage(path: string, message?: string): string {
  return layout(
    `<main class="login"><section><h1>Sluice dashboard</h1>${
      message ? `<p class="error" role="alert">${esc(message)}</p>` : ""
    }<form method="post" action="${esc(path)}/login"><label for="key">Admin key</label><input id="key" name="key" type="password" autocomplete="current-password" required autofocus style="width:100%"><p><button type="submit">Sign in</button></p></form><p class="muted">The admin key is the <code>SLUICE_ADMIN_KEY</code> secret. Signing in sets a cookie for one hour.</p></section></main>`,
  );
}

const errorsOf = (c: UsageCounters) => Object.values(c.errors).reduce((a, b) => a + (b ?? 0), 0);
const avg = (sum: number, n: number) => (n > 0 ? `${int(Math.round(sum / n))} ms` : "–");
const hidden = (ctx: PageContext) => `<input type="hidden" name="_csrf" value="${esc(ctx.csrf)}">`;

/** The numbers of one key or model, as table cells with their raw values for tests and scrapers. */
function cells(c: UsageCounters): string {
  const r = report(c);
  const cell = (field: string, value: number | string, text: string) =>
    `<td data-field="${field}" data-value="${esc(value)}">${esc(text)}</td>`;
  return (
    cell("requests", c.requests, int(c.requests)) +
    cell("inputTokens", c.inputTokens, int(c.inputTokens)) +
    cell("outputTokens", c.outputTokens, int(c.outputTokens)) +
    cell("cacheReadTokens", c.cacheReadTokens, int(c.cacheReadTokens)) +
    cell("cacheWriteTokens", c.cacheWriteTokens, int(c.cacheWriteTokens)) +
    cell("costUsd", r.costUsd.text, usd(c.costNanoUsd)) +
    cell("cacheHitRate", r.cacheHitRate ?? "", pct(r.cacheHitRate)) +
    cell("cacheMisses", c.cacheMisses, int(c.cacheMisses)) +
    cell("errors", errorsOf(c), int(errorsOf(c))) +
    cell("avgLatencyMs", r.avgLatencyMs ?? "", avg(c.latencyMs, c.requests)) +
    cell("avgTtfbMs", r.avgTtfbMs ?? "", avg(c.ttfbMs, c.ttfbCount))
  );
}

const HEAD =
  "<th scope=col>Requests</th><th scope=col>Input</th><th scope=col>Output</th><th scope=col>Cache read</th><th scope=col>Cache write</th><th scope=col>Cost</th><th scope=col>Cache hits</th><th scope=col>Silent misses</th><th scope=col>Errors</th><th scope=col>Latency</th><th scope=col>TTFB</th>";

function summary(t: UsageCounters): string {
  const r = report(t);
  const card = (stat: string, label: string, text: string) =>
    `<div class="card" data-stat="${stat}"><span>${label}</span><strong>${esc(text)}</strong></div>`;
  return `<div class="cards">${[
    card("requests", "Requests", int(t.requests)),
    card("inputTokens", "Input tokens", int(t.inputTokens)),
    card("outputTokens", "Output tokens", int(t.outputTokens)),
    card("cacheTokens", "Cache read / write", `${int(t.cacheReadTokens)} / ${int(t.cacheWriteTokens)}`),
    card("costUsd", "Cost", usd(t.costNanoUsd)),
    card("cacheHitRate", "Prompt-cache hit rate", pct(r.cacheHitRate)),
    card("cacheMisses", "Silent cache misses", int(t.cacheMisses)),
    card("errors", "Errors", int(errorsOf(t))),
    card("latency", "Avg latency / TTFB", `${avg(t.latencyMs, t.requests)} / ${avg(t.ttfbMs, t.ttfbCount)}`),
    card("unpriced", "Unpriced calls", int(t.unpriced)),
  ].join("")}</div>`;
}

function status(k: KeyView): string {
  if (!k.record) return "static or revoked";
  if (k.record.disabled) return "disabled";
  if (k.record.expiresAt !== undefined && k.record.expiresAt <= Date.now()) return "expired";
  return "active";
}

function budgetCell(k: KeyView): string {
  const b = k.budget;
  if (!b) return `<td data-field="budget">–</td>`;
  const slots = b.window === "day" ? 24 : new Date(Date.parse(b.resetsAt) - 1).getUTCDate();
  const label = `${int(b.remaining)} of ${int(b.tokens)} tokens left this ${b.window}, resets ${b.resetsAt}`;
  return `<td data-field="budget" data-value="${b.remaining}">${burnLine(k.burn, b.tokens, slots, label)}<span>${esc(`${int(b.remaining)} / ${int(b.tokens)} per ${b.window}`)}</span></td>`;
}

function manage(k: KeyView, ctx: PageContext): string {
  const r = k.record;
  if (!r) return "<td></td>";
  const action = `${esc(ctx.path)}/keys/${encodeURIComponent(k.id)}`;
  const button = (name: string, text: string, cls = "plain") =>
    `<form class="inline" method="post" action="${action}">${hidden(ctx)}<input type="hidden" name="action" value="${name}"><button type="submit" class="${cls}" aria-label="${esc(`${text} ${r.name ?? k.id}`)}">${text}</button></form>`;
  const idFor = (f: string) => `${f}-${esc(k.id)}`;
  return `<td><details><summary>Manage</summary>${r.disabled ? button("enable", "Enable") : button("disable", "Disable")} ${button("revoke", "Revoke", "danger")}<form method="post" action="${action}">${hidden(ctx)}<input type="hidden" name="action" value="update"><label for="${idFor("bt")}">Budget (tokens, empty for none)</label><input id="${idFor("bt")}" name="budgetTokens" type="number" min="1" inputmode="numeric" value="${r.budget?.tokens ?? ""}"><label for="${idFor("bw")}">Budget window</label><select id="${idFor("bw")}" name="budgetWindow"><option value="day"${r.budget?.window === "month" ? "" : " selected"}>day</option><option value="month"${r.budget?.window === "month" ? " selected" : ""}>month</option></select><label for="${idFor("am")}">Allowed models (comma-separated, empty for all)</label><input id="${idFor("am")}" name="allowedModels" value="${esc(r.allowedModels?.join(", ") ?? "")}"><p><button type="submit">Save</button></p></form></details></td>`;
}

function keysTable(data: DashboardData, ctx: PageContext): string {
  if (data.keys.length === 0) return `<p class="muted">No keys yet.</p>`;
  const rows = data.keys
    .map(
      (k) =>
        `<tr data-key="${esc(k.id)}"><td class="id">${esc(k.record?.name ?? "")}<br><small>${esc(k.id)}</small></td><td data-field="status">${status(k)}</td>${budgetCell(k)}${cells(k.counters)}${data.manageable ? manage(k, ctx) : ""}</tr>`,
    )
    .join("");
  return `<div class="scroll"><table><caption class="muted">Usage in the period per key; budget left in its current window</caption><thead><tr><th scope=col>Key</th><th scope=col>Status</th><th scope=col>Budget left</th>${HEAD}${data.manageable ? "<th scope=col>Actions</th>" : ""}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function modelsTable(data: DashboardData): string {
  if (data.models.length === 0) return `<p class="muted">No calls in this period.</p>`;
  const rows = data.models
    .map(
      ([m, c]) => `<tr data-model="${esc(m)}"><td class="id">${esc(m || "(unknown)")}</td>${cells(c)}</tr>`,
    )
    .join("");
  return `<div class="scroll"><table><thead><tr><th scope=col>Model</th>${HEAD}</tr></thead><tbody>${rows}</tbody></table></div>`;
}

function createForm(ctx: PageContext): string {
  return `<section aria-labelledby="h-create"><h2 id="h-create">Create a key</h2><form method="post" action="${esc(ctx.path)}/keys">${hidden(ctx)}<label for="c-name">Name</label><input id="c-name" name="name" maxlength="200"><label for="c-bt">Budget (tokens, optional)</label><input id="c-bt" name="budgetTokens" type="number" min="1" inputmode="numeric"><label for="c-bw">Budget window</label><select id="c-bw" name="budgetWindow"><option>day</option><option>month</option></select><label for="c-am">Allowed models (comma-separated, optional)</label><input id="c-am" name="allowedModels"><p><button type="submit">Create key</button></p></form></section>`;
}

export function dashboardPage(data: DashboardData, ctx: PageContext): string {
  const nav = PERIODS.map((d) =>
    d === ctx.period
      ? `<strong aria-current="page">${d === 1 ? "Today" : `${d} days`}</strong>`
      : `<a href="${esc(ctx.path)}?days=${d}">${d === 1 ? "Today" : `${d} days`}</a>`,
  ).join("");
  const header = `<header><h1>Sluice</h1><nav aria-label="Period">${nav}</nav><form class="inline" method="post" action="${esc(ctx.path)}/logout">${hidden(ctx)}<button type="submit" class="plain">Sign out</button></form></header>`;
  const notice = ctx.notice
    ? `<section class="${ctx.notice.error ? "error" : "notice"}" role="status"><p>${esc(ctx.notice.text)}</p></section>`
    : "";
  const created = ctx.created
    ? `<section class="notice" role="alert"><h2>Key created: copy it now</h2><p>This is the only time the key is shown. Its id is <code>${esc(ctx.created.id)}</code>.</p><p class="secret" data-created-key>${esc(ctx.created.key)}</p></section>`
    : "";
  const perDay = data.days.map((d) => {
    const c = data.perDay.get(d);
    const errors = c ? errorsOf(c) : 0;
    return {
      label: d.slice(5),
      value: c?.requests ?? 0,
      part: Math.min(errors, c?.requests ?? 0),
      title: `${d}: ${int(c?.requests ?? 0)} requests, ${int(errors)} errors`,
    };
  });
  const cost = data.days.map((d) => {
    const nano = data.perDay.get(d)?.costNanoUsd ?? 0;
    return { label: d.slice(5), value: nano, title: `${d}: ${usd(nano)}` };
  });
  const hourly = data.hours.map((h) => {
    const c = data.perHour.get(h);
    return {
      label: `${h.slice(11)}h`,
      value: c?.requests ?? 0,
      part: Math.min(c ? errorsOf(c) : 0, c?.requests ?? 0),
      title: `${h.replace("T", " ")}:00 UTC: ${int(c?.requests ?? 0)} requests, ${int(c ? errorsOf(c) : 0)} errors`,
    };
  });
  const failures = Object.entries(data.total.errors)
    .map(([name, n]) => ({ label: name, value: n ?? 0, text: int(n ?? 0) }))
    .sort((a, b) => b.value - a.value);
  const every = Math.ceil(data.days.length / 10);
  const body = `<main>${notice}${created}${
    data.hasUsage
      ? ""
      : `<section class="error"><p>No usage store is configured: numbers below stay empty. Pass <code>stores.usage</code>.</p></section>`
  }<section aria-labelledby="h-sum"><h2 id="h-sum">${esc(data.days[0]!)} to ${esc(data.days[data.days.length - 1]!)} (UTC), all keys</h2>${summary(data.total)}</section><div class="grid"><section aria-labelledby="h-req"><h2 id="h-req">Requests per day (errors in red)</h2>${barChart("Requests per day", perDay, every)}</section><section aria-labelledby="h-cost"><h2 id="h-cost">Cost per day</h2>${barChart("Cost per day", cost, every)}</section></div><section aria-labelledby="h-hours"><h2 id="h-hours">Requests per hour, last 48 hours</h2>${barChart("Requests per hour", hourly, 6)}</section><div class="grid"><section aria-labelledby="h-fail"><h2 id="h-fail">Errors by failure</h2>${hbars(failures, "errors")}</section><section aria-labelledby="h-mcost"><h2 id="h-mcost">Cost by model</h2>${hbars(
    data.models.map(([m, c]) => ({
      label: m || "(unknown)",
      value: c.costNanoUsd,
      text: usd(c.costNanoUsd),
    })),
    "models",
  )}</section></div><section aria-labelledby="h-models"><h2 id="h-models">Models</h2>${modelsTable(data)}</section><section aria-labelledby="h-keys"><h2 id="h-keys">Keys</h2>${keysTable(data, ctx)}</section>${
    data.manageable ? createForm(ctx) : ""
  }</main>`;
  return layout(body, header);
}
