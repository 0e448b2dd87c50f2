import { readFileSync } from 'node:fs';
import type { Request, Response } from 'express';
import { LIVE_JS } from './live-script';
import { TRADE_VALIDATE_JS } from './trade-validate-script';

/**
 * The console's static files, all served by the gateway itself (no CDN: many users and machines have no internet).
 * Small enough to hold in memory; cytoscape comes from node_modules.
 */
const CSS = `
:root { color-scheme: light; --ink: #1b1b1b; --muted: #4a4a4a; --line: #c8c8c8; --accent: #0b57a4; --bg: #ffffff;
  --pass: #0f6b2f; --refer: #8a5300; --fail: #b00020; --soft: #f3f5f8; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif;
  color: var(--ink); background: var(--bg); overflow-wrap: break-word; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, summary:focus-visible, main:focus-visible {
  outline: 3px solid #f0a800; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 0.5rem; top: 0.5rem; background: var(--bg); padding: 0.25rem 0.5rem; }
.top { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: center; padding: 0.75rem 1rem;
  border-bottom: 1px solid var(--line); background: var(--soft); }
.brand { font-weight: 700; text-decoration: none; color: var(--ink); margin-right: auto; }
.languages { display: flex; gap: 0.75rem; list-style: none; margin: 0; padding: 0; }
.languages [aria-current] { font-weight: 700; }
.who { margin: 0; color: var(--muted); }
.sign-out { margin: 0; }
main { max-width: 70rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.5rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 1rem; margin: 0 0 1rem; max-width: 36rem; }
.card h2 { margin-top: 0; }
label { display: block; font-weight: 600; margin: 0.5rem 0 0.25rem; }
input { width: 100%; max-width: 30rem; font: inherit; padding: 0.5rem; border: 1px solid #767676; border-radius: 4px; }
input[aria-invalid="true"] { border-color: var(--fail); }
button { font: inherit; margin-top: 0.75rem; padding: 0.5rem 1rem; min-height: 44px; border: 0; border-radius: 4px;
  background: var(--accent); color: #fff; cursor: pointer; }
.sign-out button { margin: 0; min-height: 36px; background: var(--muted); }
.hint { color: var(--muted); font-size: 0.9rem; margin: 0.25rem 0; }
.error { color: var(--fail); border-left: 4px solid var(--fail); padding: 0.25rem 0.75rem; margin: 0.5rem 0;
  background: #fdf0f2; }
.notice { border-left: 4px solid var(--accent); padding: 0.25rem 0.75rem; background: var(--soft); }
.tiles { list-style: none; padding: 0; display: grid; gap: 0.75rem; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
.tiles a { display: block; padding: 1rem; border: 1px solid var(--line); border-radius: 6px; font-weight: 600; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 0.4rem 0.6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
thead th, tbody th { white-space: nowrap; }
.num { text-align: right; white-space: nowrap; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; }
.facts dt { font-weight: 600; }
.facts dd { margin: 0; }
.verdict { font-weight: 700; }
.verdict-pass { color: var(--pass); } .verdict-refer { color: var(--refer); } .verdict-fail { color: var(--fail); }
.checks { padding-left: 1.25rem; }
.checks li { margin: 0.35rem 0; }
.check-id { font-weight: 600; }
.reason-code { color: var(--muted); font-size: 0.8rem; }
code.wrap { word-break: break-all; }
.graph { width: 100%; height: 24rem; overflow: hidden; border: 1px solid var(--line); border-radius: 6px; }
.node { border: 1px solid var(--line); border-radius: 6px; padding: 0.4rem 0.75rem; margin: 0.4rem 0; }
.node[open] { border-color: var(--accent); }
select { font: inherit; padding: 0.5rem; border: 1px solid #767676; border-radius: 4px; max-width: 100%; }
fieldset { border: 1px solid var(--line); border-radius: 4px; margin: 0.5rem 0; padding: 0.25rem 0.75rem 0.5rem; }
.choice { display: flex; align-items: center; gap: 0.5rem; font-weight: 400; min-height: 44px; margin: 0; }
.choice input { width: auto; }
.tabs { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; list-style: none; padding: 0; }
.tabs [aria-current] { font-weight: 700; }
form.inline { display: inline-block; margin-right: 0.5rem; }
.verify { margin: 0.5rem 0; }
.node pre { overflow-x: auto; font-size: 0.85rem; background: var(--soft); padding: 0.5rem; }
@media (min-width: 48rem) { .inline { max-width: none; } }
.wide { max-width: 48rem; }
select { font: inherit; padding: 0.5rem; border: 1px solid #767676; border-radius: 4px; max-width: 100%; }
fieldset { border: 1px solid var(--line); border-radius: 6px; margin: 0.75rem 0; padding: 0.5rem 0.75rem; min-width: 0; }
legend { font-weight: 600; }
.line-row { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: 0 0.75rem;
  align-items: end; border-bottom: 1px dashed var(--line); padding-bottom: 0.5rem; }
.check { display: flex; flex-wrap: wrap; gap: 0.25rem 0.5rem; align-items: baseline; }
.check input { width: auto; }
.check label { font-weight: 400; margin: 0; }
.check .hint { flex-basis: 100%; }
button.secondary { background: var(--bg); color: var(--accent); border: 1px solid var(--accent); }
.field-error { margin: 0.25rem 0; }
progress { width: 100%; max-width: 30rem; height: 1.25rem; }
.row-failed th, .row-failed td { background: #fdf0f2; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
#preview .facts { grid-template-columns: minmax(0, 1fr) max-content; }
select:focus-visible { outline: 3px solid #f0a800; outline-offset: 2px; }
.live-new th, .live-new td { background: #fff4cc; }
.live-changed th, .live-changed td { background: #eaf2fb; }
.live-status { color: var(--muted); font-size: 0.9rem; min-height: 1.5em; }
`;

const TRACE_JS = `'use strict';
(function () {
  var data = document.getElementById('trace-data');
  var container = document.getElementById('trace-graph');
  if (!data || !container || typeof cytoscape !== 'function') return;
  var colours = { goods: '#0b57a4', vendor: '#0f6b2f', consolidation: '#8a5300', container: '#5b3a94', line: '#b00020' };
  var cy = cytoscape({
    container: container,
    elements: JSON.parse(data.textContent),
    layout: { name: 'breadthfirst', directed: true, spacingFactor: 1.1 },
    style: [
      { selector: 'node', style: { label: 'data(label)', 'text-wrap': 'wrap', 'font-size': 10, 'text-valign': 'bottom',
        'background-color': function (n) { return colours[n.data('kind')] || '#444'; }, color: '#1b1b1b' } },
      { selector: 'node:selected', style: { 'border-width': 4, 'border-color': '#f0a800' } },
      { selector: 'edge', style: { width: 2, 'line-color': '#767676', 'target-arrow-color': '#767676',
        'target-arrow-shape': 'triangle', 'curve-style': 'bezier' } }
    ]
  });
  function show(id) {
    var details = document.getElementById('node-' + id);
    if (!details) return;
    details.open = true;
    details.scrollIntoView({ block: 'nearest' });
    details.querySelector('summary').focus();
  }
  cy.on('tap', 'node', function (event) { show(event.target.id()); });
  document.querySelectorAll('details.node').forEach(function (details) {
    details.addEventListener('toggle', function () {
      if (!details.open) return;
      cy.$(':selected').unselect();
      cy.getElementById(details.dataset.node).select();
    });
  });
  container.dataset.ready = String(cy.nodes().length);
})();
`;

const CYTOSCAPE = require.resolve('cytoscape/dist/cytoscape.min.js');

interface Asset {
    readonly type: string;
    readonly body: () => string;
}

let cytoscapeText: string | undefined;

export const ASSETS: Readonly<Record<string, Asset>> = {
    'console.css': { type: 'text/css; charset=utf-8', body: () => CSS },
    'trace.js': { type: 'text/javascript; charset=utf-8', body: () => TRACE_JS },
    'live.js': { type: 'text/javascript; charset=utf-8', body: () => LIVE_JS },
    'trade-validate.js': { type: 'text/javascript; charset=utf-8', body: () => TRADE_VALIDATE_JS },
    'cytoscape.min.js': {
        type: 'text/javascript; charset=utf-8',
        body: () => (cytoscapeText ??= readFileSync(CYTOSCAPE, 'utf8')),
    },
};

/** GET /console/assets/:name */
export function serveAsset(req: Request<{ name: string }>, res: Response, next: () => void): void {
    const asset = Object.hasOwn(ASSETS, req.params.name) ? ASSETS[req.params.name] : undefined;
    if (asset === undefined) {
        next();
        return;
    }
    res.setHeader('cache-control', 'public, max-age=3600');
    res.type(asset.type).send(asset.body());
}
