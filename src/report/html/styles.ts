// The report page's stylesheet: inline (the page loads nothing), system fonts only, light theme, and a
// print layout (no filter bar, no shadows, colours kept for badges and bars, cards not split).

export const REPORT_CSS = `
:root {
  color-scheme: light;
  --ink: #0f172a; --ink-2: #334155; --muted: #64748b; --line: #e2e8f0; --line-2: #cbd5e1;
  --page: #f1f5f9; --card: #ffffff; --head: #0b1324; --accent: #2563eb;
  --fail: #c81e1e; --fail-bg: #fdecec; --error: #7c3aed; --error-bg: #f3edff;
  --waived: #b45309; --waived-bg: #fdf3e2; --pass: #15803d; --pass-bg: #e9f7ee;
  --skipped: #64748b; --skipped-bg: #eef2f6;
  --critical: #7f1d1d; --high: #c81e1e; --medium: #c2410c; --low: #1d4ed8; --info: #64748b;
  --good: #15803d; --fair: #a16207; --weak: #c2410c; --poor: #b91c1c;
  --sans: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", "Noto Sans", "Liberation Sans", "DejaVu Sans", Arial, sans-serif;
  --mono: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--page); color: var(--ink); font: 14px/1.5 var(--sans); }
[hidden] { display: none !important; }
a { color: var(--accent); text-decoration: underline; text-underline-offset: 2px; }
code, .mono { font-family: var(--mono); font-size: 0.92em; }
h1, h2, h3, h4, h5 { margin: 0; line-height: 1.25; }
.wrap { max-width: 1160px; margin: 0 auto; padding: 0 28px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }

/* Header */
.masthead { background: var(--head); color: #e2e8f0; padding: 26px 0 22px; }
.masthead .brand { display: flex; align-items: baseline; gap: 10px; font-size: 12px; letter-spacing: 0.08em; text-transform: uppercase; color: #94a3b8; }
.masthead .brand strong { color: #f8fafc; letter-spacing: 0.04em; }
.masthead h1 { font-size: 26px; font-weight: 650; color: #ffffff; margin-top: 6px; overflow-wrap: anywhere; }
.masthead .subtitle { color: #cbd5e1; margin-top: 4px; overflow-wrap: anywhere; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 12px 28px; margin: 20px 0 0; padding: 16px 0 0; border-top: 1px solid #1e293b; }
.facts div { min-width: 0; }
.facts dt { font-size: 11px; text-transform: uppercase; letter-spacing: 0.07em; color: #94a3b8; }
.facts dd { margin: 2px 0 0; color: #f1f5f9; overflow-wrap: anywhere; }
.facts dd .dim { color: #94a3b8; }

main.wrap { padding-top: 28px; padding-bottom: 24px; }
section.panel { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 20px 22px; margin-bottom: 20px; box-shadow: 0 1px 2px rgba(15, 23, 42, 0.04); }
section.panel > h2 { font-size: 16px; font-weight: 650; margin-bottom: 14px; }
section.panel > h2 .count { color: var(--muted); font-weight: 500; }

/* Overview */
.overview { display: grid; grid-template-columns: 250px minmax(0, 1fr) minmax(0, 1fr); gap: 20px; margin-bottom: 20px; }
.overview > .panel { margin-bottom: 0; }
.label { font-size: 11px; text-transform: uppercase; letter-spacing: 0.07em; color: var(--muted); font-weight: 600; }
.score { display: flex; flex-direction: column; align-items: center; text-align: center; gap: 10px; }
.ring { --band: var(--poor); width: 148px; height: 148px; border-radius: 50%; display: grid; place-items: center;
  background: conic-gradient(var(--band) calc(var(--score) * 1%), var(--line) 0); }
.ring-inner { width: 118px; height: 118px; border-radius: 50%; background: var(--card); display: flex; flex-direction: column; align-items: center; justify-content: center; }
.score-value { font-size: 46px; font-weight: 750; line-height: 1; color: var(--band); font-variant-numeric: tabular-nums; }
.score-of { font-size: 12px; color: var(--muted); margin-top: 2px; }
.band { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 650; font-size: 12px; color: #fff; background: var(--band); }
.band-good { --band: var(--good); } .band-fair { --band: var(--fair); } .band-weak { --band: var(--weak); } .band-poor { --band: var(--poor); }
.score-note { font-size: 12px; color: var(--muted); }
.gate-word { font-size: 34px; font-weight: 800; letter-spacing: 0.04em; margin: 8px 0 4px; }
.gate.pass .gate-word { color: var(--pass); }
.gate.fail .gate-word { color: var(--fail); }
.gate.pass { border-top: 4px solid var(--pass); }
.gate.fail { border-top: 4px solid var(--fail); }
.gate p { margin: 4px 0; color: var(--ink-2); }
.gate ul { margin: 8px 0 0; padding-left: 18px; }
.gate li { margin: 2px 0; overflow-wrap: anywhere; }
.gate li a { text-decoration: none; }
.gate li a:hover code { text-decoration: underline; }
.tally { display: grid; grid-template-columns: repeat(5, 1fr); gap: 8px; margin-top: 12px; }
.tally div { border-radius: 8px; padding: 10px 6px; text-align: center; background: var(--page); }
.tally b { display: block; font-size: 24px; font-weight: 700; font-variant-numeric: tabular-nums; }
.tally span { font-size: 12px; color: var(--muted); }
.tally .t-fail b { color: var(--fail); } .tally .t-error b { color: var(--error); } .tally .t-waived b { color: var(--waived); }
.tally .t-pass b { color: var(--pass); } .tally .t-skipped b { color: var(--skipped); }
.totals { margin-top: 12px; font-size: 12px; color: var(--muted); }

/* Areas */
.legend { display: flex; flex-wrap: wrap; gap: 14px; font-size: 12px; color: var(--muted); margin: -4px 0 12px; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; vertical-align: -1px; background: var(--swatch); }
.areas { display: grid; grid-template-columns: 150px 1fr 260px; gap: 10px 16px; align-items: center; }
.area-name { font-weight: 600; text-transform: capitalize; }
.bar { display: flex; height: 14px; border-radius: 7px; overflow: hidden; background: var(--line); }
.seg { display: block; min-width: 3px; }
.seg + .seg { box-shadow: inset 1px 0 0 rgba(255, 255, 255, 0.7); }
.area-counts { font-size: 13px; color: var(--ink-2); font-variant-numeric: tabular-nums; }
.c-fail { --swatch: var(--fail); background: var(--fail); } .c-error { --swatch: var(--error); background: var(--error); }
.c-waived { --swatch: var(--waived); background: var(--waived); } .c-pass { --swatch: var(--pass); background: var(--pass); }
.c-skipped { --swatch: #a3b1c2; background: #a3b1c2; }
.legend span { background: none; }

/* Filters */
.filters { display: flex; flex-wrap: wrap; align-items: center; gap: 10px 18px; padding: 12px 14px; margin: -2px 0 16px; background: var(--page); border: 1px solid var(--line); border-radius: 8px; }
.filters fieldset { border: 0; margin: 0; padding: 0; display: flex; flex-wrap: wrap; align-items: center; gap: 6px; }
.filters legend { float: left; font-size: 11px; text-transform: uppercase; letter-spacing: 0.07em; color: var(--muted); font-weight: 600; margin-right: 4px; }
.chip { display: inline-flex; align-items: center; gap: 5px; padding: 3px 9px; border: 1px solid var(--line-2); border-radius: 999px; background: var(--card); font-size: 12px; cursor: pointer; user-select: none; }
.chip input { margin: 0; accent-color: var(--ink); }
.chip .n { color: var(--muted); font-variant-numeric: tabular-nums; }
.search { flex: 1 1 220px; display: flex; align-items: center; gap: 8px; }
.search input { flex: 1; min-width: 0; padding: 6px 10px; border: 1px solid var(--line-2); border-radius: 6px; font: inherit; }
.search input:focus, .chip:focus-within, .reset:focus { outline: 2px solid var(--accent); outline-offset: 1px; }
.reset { padding: 5px 12px; border: 1px solid var(--line-2); border-radius: 6px; background: var(--card); font: inherit; font-size: 12px; cursor: pointer; }
.shown { font-size: 12px; color: var(--muted); margin-left: auto; }
.empty { color: var(--muted); padding: 16px 0; text-align: center; }

/* Checks */
.check-group + .check-group { margin-top: 22px; }
.check-group > h3 { font-size: 12px; text-transform: uppercase; letter-spacing: 0.08em; color: var(--muted); font-weight: 650; padding-bottom: 6px; margin-bottom: 10px; border-bottom: 1px solid var(--line); }
article.check { border: 1px solid var(--line); border-left: 4px solid var(--skipped); border-radius: 8px; padding: 14px 16px; margin-bottom: 12px; background: var(--card); break-inside: avoid-page; }
article.check.st-fail { border-left-color: var(--fail); }
article.check.st-error { border-left-color: var(--error); }
article.check.st-waived { border-left-color: var(--waived); }
article.check.st-pass { border-left-color: var(--pass); }
article.check.compact { padding: 10px 16px; }
.check-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 6px 10px; }
.check-title { font-size: 15px; font-weight: 650; flex: 1 1 320px; min-width: 0; overflow-wrap: anywhere; }
.compact .check-title { font-size: 14px; font-weight: 600; }
.check-id { color: var(--ink-2); background: var(--page); border: 1px solid var(--line); border-radius: 4px; padding: 1px 6px; overflow-wrap: anywhere; }
.area-tag { font-size: 12px; color: var(--muted); }
.check-msg { margin: 8px 0 0; color: var(--ink-2); overflow-wrap: anywhere; }
.badge { display: inline-block; min-width: 62px; text-align: center; padding: 2px 8px; border-radius: 4px; font-size: 11px; font-weight: 750; letter-spacing: 0.06em; color: #fff; }
.b-fail { background: var(--fail); } .b-error { background: var(--error); } .b-waived { background: var(--waived); }
.b-pass { background: var(--pass); } .b-skipped { background: var(--skipped); }
.sev { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 11px; font-weight: 650; border: 1px solid currentColor; text-transform: capitalize; }
.sev-critical { color: #fff; background: var(--critical); border-color: var(--critical); }
.sev-high { color: var(--high); } .sev-medium { color: var(--medium); } .sev-low { color: var(--low); } .sev-info { color: var(--info); }
.compact .sev { color: var(--muted); background: none; border-color: var(--line-2); }
.callout { margin: 12px 0 0; padding: 10px 12px; border-radius: 6px; overflow-wrap: anywhere; }
.callout h5 { font-size: 11px; text-transform: uppercase; letter-spacing: 0.07em; margin-bottom: 4px; }
.callout p { margin: 2px 0; }
.callout.error { background: var(--error-bg); } .callout.error h5 { color: var(--error); }
.callout.waiver { background: var(--waived-bg); } .callout.waiver h5 { color: var(--waived); }
.callout.waiver.expired { background: var(--fail-bg); } .callout.waiver.expired h5 { color: var(--fail); }
.callout.fix { background: #eef4ff; } .callout.fix h5 { color: #1e40af; }
.callout ol { margin: 6px 0 0; padding-left: 22px; }
.callout li { margin: 3px 0; }
.pill { display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 11px; font-weight: 650; color: var(--waived); background: var(--waived-bg); margin-left: 6px; }
table.findings { width: 100%; border-collapse: collapse; margin-top: 12px; font-size: 13px; table-layout: fixed; }
table.findings th { text-align: left; font-size: 11px; text-transform: uppercase; letter-spacing: 0.06em; color: var(--muted); font-weight: 650; padding: 6px 8px; border-bottom: 1px solid var(--line-2); }
table.findings td { padding: 7px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
table.findings tr:last-child td { border-bottom: 0; }
table.findings tr.waived td { color: var(--muted); }
table.findings .n { width: 34px; color: var(--muted); font-variant-numeric: tabular-nums; }
table.findings col.c-msg { width: 38%; } table.findings col.c-loc { width: 24%; } table.findings col.c-sub { width: 10%; }
table.findings td.fixes div + div { margin-top: 3px; }
.muted { color: var(--muted); }
.refs { margin: 12px 0 0; font-size: 13px; }
.refs h5 { display: inline; font-size: 11px; text-transform: uppercase; letter-spacing: 0.07em; color: var(--muted); margin-right: 6px; }
.refs ul { display: inline; margin: 0; padding: 0; list-style: none; }
.refs li { display: inline; }
.refs li + li::before { content: " · "; color: var(--muted); }
.refs .host { color: var(--muted); font-size: 12px; }
.refs .not-link { color: var(--ink-2); }
.compact .refs { margin-top: 6px; }
footer.foot { color: var(--muted); font-size: 12px; padding-bottom: 32px; }
footer.foot p { margin: 4px 0; }

@media (max-width: 900px) {
  .overview { grid-template-columns: 1fr; }
  .areas { grid-template-columns: 1fr; gap: 4px; }
  .area-counts { margin-bottom: 8px; }
  table.findings col.c-msg, table.findings col.c-loc, table.findings col.c-sub { width: auto; }
}

@media print {
  @page { margin: 14mm 12mm; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { background: #fff; font-size: 11.5px; }
  .wrap { max-width: none; padding: 0; }
  .masthead { background: #fff; color: var(--ink); padding: 0 0 10px; border-bottom: 2px solid var(--ink); }
  .masthead .brand, .masthead .brand strong, .masthead h1, .masthead .subtitle, .facts dd, .facts dd .dim, .facts dt { color: var(--ink); }
  .facts { border-top-color: var(--line); }
  main { padding-top: 14px; }
  section.panel { box-shadow: none; border-color: var(--line-2); break-inside: auto; }
  .overview { grid-template-columns: 200px minmax(0, 1fr) minmax(0, 1fr); }
  .overview > .panel, .areas, article.check { break-inside: avoid; }
  #filters { display: none !important; }
  a { color: var(--ink); }
  .refs a[href]::after { content: " <" attr(href) ">"; color: var(--muted); font-size: 10px; overflow-wrap: anywhere; }
}
`;
