/**
 * Plain SVG and CSS charts, drawn on the server: no script, no library, a few hundred bytes each. Every chart
 * is an image with a text summary for screen readers, and the same numbers are in a table beside it.
 */
import { esc } from "./html.js";

export interface Bar {
  label: string;
  value: number;
  /** Part of `value` drawn in the alert colour (errors among requests). */
  part?: number;
  /** The tooltip. */
  title: string;
}

const W = 600;
const H = 140;

/** Vertical bars over time, with every nth label under the axis. */
export function barChart(name: string, bars: Bar[], labelEvery = 1): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const step = W / Math.max(1, bars.length);
  const width = Math.max(1, Math.min(48, step * 0.8));
  const shapes = bars
    .map((b, i) => {
      const x = (i * step + (step - width) / 2).toFixed(1);
      const h = (b.value / max) * H;
      const part = ((b.part ?? 0) / max) * H;
      const label =
        i % labelEvery === 0
          ? `<text x="${(i * step + step / 2).toFixed(1)}" y="${H + 14}" text-anchor="${i === 0 ? "start" : "middle"}">${esc(b.label)}</text>`
          : "";
      return (
        `<g><title>${esc(b.title)}</title><rect x="${x}" y="${(H - h).toFixed(1)}" width="${width.toFixed(1)}" height="${h.toFixed(1)}" class="bar"/>` +
        (part > 0
          ? `<rect x="${x}" y="${(H - part).toFixed(1)}" width="${width.toFixed(1)}" height="${part.toFixed(1)}" class="bad"/>`
          : "") +
        `</g>${label}`
      );
    })
    .join("");
  const summary = `${name}: ${bars.map((b) => b.title).join("; ")}`;
  return `<svg class="chart" viewBox="0 0 ${W} ${H + 20}" role="img" aria-label="${esc(summary)}">${shapes}<line x1="0" y1="${H}" x2="${W}" y2="${H}" class="axis"/></svg>`;
}

/** Horizontal bars as HTML (they wrap and scale with the text): one row per entry. */
export function hbars(entries: { label: string; value: number; text: string }[], name: string): string {
  if (entries.length === 0) return `<p class="muted">No ${esc(name)} in this period.</p>`;
  const max = Math.max(1, ...entries.map((e) => e.value));
  return `<ul class="hbars" aria-label="${esc(name)}">${entries
    .map(
      (e) =>
        `<li><span class="hl">${esc(e.label)}</span><span class="ht"><span class="hb" style="width:${((e.value / max) * 100).toFixed(1)}%"></span></span><span class="hv">${esc(e.text)}</span></li>`,
    )
    .join("")}</ul>`;
}

/** A budget's remaining tokens over its window so far, from full (top) to empty (bottom). */
export function burnLine(left: number[], total: number, slots: number, label: string): string {
  const w = 160;
  const h = 36;
  const points = left
    .map(
      (v, i) =>
        `${((i / Math.max(1, slots - 1)) * w).toFixed(1)},${(h - (v / Math.max(1, total)) * h).toFixed(1)}`,
    )
    .join(" ");
  return `<svg class="burn" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(label)}"><line x1="0" y1="0" x2="${w}" y2="${h}" class="ideal"/><polyline points="0,0 ${points}" class="left"/></svg>`;
}
