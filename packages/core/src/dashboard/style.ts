/** The dashboard's only stylesheet, inline: system fonts, AA contrast, one column on a phone. */
export const CSS = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#16181d;background:#f6f7f9}
header{display:flex;flex-wrap:wrap;gap:.75rem;align-items:center;justify-content:space-between;padding:.75rem 1rem;background:#16181d;color:#fff}
header h1{font-size:1.1rem;margin:0}header a{color:#fff}header nav{display:flex;gap:.75rem}
main{max-width:1200px;margin:0 auto;padding:1rem}
section{background:#fff;border:1px solid #d5d9e0;border-radius:8px;padding:1rem;margin:0 0 1rem}
h2{font-size:1rem;margin:0 0 .75rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:.5rem}
.card{border:1px solid #d5d9e0;border-radius:6px;padding:.5rem .75rem}.card span{display:block;color:#4a5160;font-size:.8rem}
.card strong{font-size:1.2rem}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:1rem}
.chart{width:100%;height:auto;max-height:220px}.chart text{font-size:11px;fill:#4a5160}.bar{fill:#2563eb}.bad{fill:#b91c1c}.axis{stroke:#8a91a0}
.burn{display:block}.burn .ideal{stroke:#c3c8d1;stroke-dasharray:3}.burn .left{fill:none;stroke:#2563eb;stroke-width:2}
.hbars{list-style:none;margin:0;padding:0}.hbars li{display:grid;grid-template-columns:minmax(90px,30%) 1fr auto;gap:.5rem;align-items:center;margin:.2rem 0}
.hl{overflow-wrap:anywhere}.ht{background:#e8ebf0;height:.8rem;border-radius:3px}.hb{display:block;height:100%;background:#2563eb;border-radius:3px}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{text-align:right;padding:.35rem .5rem;border-bottom:1px solid #e3e6eb;white-space:nowrap}th:first-child,td:first-child{text-align:left}
td.id{font-family:ui-monospace,monospace;white-space:normal;overflow-wrap:anywhere;min-width:9rem}
.muted{color:#4a5160}.notice{border-left:4px solid #2563eb}.error{border-left:4px solid #b91c1c}
.secret{font-family:ui-monospace,monospace;font-size:1rem;background:#fff7d6;padding:.5rem;overflow-wrap:anywhere;user-select:all}
form.inline{display:inline}label{display:block;margin:.4rem 0 .15rem;font-weight:600}
input,select,button{font:inherit;padding:.4rem .5rem;border:1px solid #8a91a0;border-radius:4px;max-width:100%}
button{background:#2563eb;color:#fff;border-color:#2563eb;cursor:pointer}button.danger{background:#b91c1c;border-color:#b91c1c}
button.plain{background:#fff;color:#16181d;border-color:#8a91a0}
:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
details summary{cursor:pointer;color:#1d4ed8}details[open]{text-align:left;white-space:normal}
.login{max-width:360px;margin:4rem auto}
`
  .trim()
  .replace(/\n/g, "");
