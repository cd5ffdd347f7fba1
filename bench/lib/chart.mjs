// A dependency-free SVG bar chart: each figure as a bar against its target line.
const xml = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);

/**
 * rows: { label, value, target, better: "higher" | "lower", unit }
 * Bars are scaled per row to max(value, target) × 1.25 so different units share one chart.
 */
export function chart(title, rows) {
  const rowHeight = 34;
  const left = 380;
  const width = 960;
  const barMax = width - left - 140;
  const height = 60 + rows.length * rowHeight;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="system-ui, sans-serif" font-size="13">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="16" y="28" font-size="17" font-weight="600">${xml(title)}</text>`,
  ];
  rows.forEach((row, i) => {
    const y = 50 + i * rowHeight;
    const scale = Math.max(row.value, row.target) * 1.25 || 1;
    const w = Math.max(1, (row.value / scale) * barMax);
    const t = (row.target / scale) * barMax;
    const ok = row.better === "higher" ? row.value >= row.target : row.value <= row.target;
    parts.push(
      `<text x="16" y="${y + 17}">${xml(row.label)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${w.toFixed(1)}" height="18" fill="${ok ? "#2f855a" : "#c53030"}" rx="2"/>`,
      `<line x1="${left + t}" x2="${left + t}" y1="${y}" y2="${y + 26}" stroke="#1a202c" stroke-dasharray="3,2"/>`,
      `<text x="${left + Math.max(w, t) + 8}" y="${y + 17}">${xml(row.display ?? row.value)} (target ${row.better === "higher" ? "≥" : "≤"} ${xml(row.targetDisplay ?? row.target)})</text>`,
    );
  });
  parts.push("</svg>");
  return parts.join("\n");
}
