import type { z } from 'zod';
import type { LineTrace } from '../../routes/declarations/schema';
import type { Evidence } from '../../routes/common';
import { html, jsonBlock, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import type { MessageKey } from '../messages';
import { evidenceLink } from './ledger-links';

type Trace = z.output<typeof LineTrace>;
type Kind = 'goods' | 'vendor' | 'consolidation' | 'container' | 'line';

interface TraceNode {
    readonly id: string;
    readonly kind: Kind;
    readonly label: string;
    readonly record: unknown;
    /** The transaction that last wrote the record, when the ledger names it. */
    readonly txId: string | undefined;
}

export interface TraceGraph {
    readonly nodes: readonly TraceNode[];
    readonly edges: readonly { readonly source: string; readonly target: string }[];
}

const signedTx = (signature: { txId?: string | undefined } | null | undefined): string | undefined => signature?.txId;

/**
 * The trace as a graph, goods → vendors → consolidation → container → declaration line: one node per distinct record,
 * each with the record itself and the transaction that wrote it.
 */
export function traceGraph(trace: Trace): TraceGraph {
    const nodes = new Map<string, TraceNode>();
    const edges = new Map<string, { source: string; target: string }>();
    const node = (key: string, kind: Kind, label: string, record: unknown, txId: string | undefined): string => {
        const existing = nodes.get(key);
        if (existing !== undefined) return existing.id;
        const id = `n${nodes.size}`;
        nodes.set(key, { id, kind, label, record, txId });
        return id;
    };
    const edge = (source: string, target: string): void => {
        edges.set(`${source}>${target}`, { source, target });
    };
    const { contributions, packing, ...line } = trace;
    const lineId = node('line', 'line', `${trace.declNo} #${trace.gNo} ${trace.hsCode}`, line, undefined);
    const container =
        packing === null
            ? undefined
            : node(
                  `container:${packing.packingNo}`,
                  'container',
                  packing.packingNo,
                  packing,
                  signedTx(packing.createdBy),
              );
    if (container !== undefined) edge(container, lineId);
    for (const c of contributions) {
        const goods = node(
            `goods:${c.tradeNo}/${c.lineId}`,
            'goods',
            `${c.tradeNo} / ${c.lineId}`,
            c,
            signedTx(c.tradeRegisteredBy),
        );
        const vendor = node(
            `vendor:${c.vendor.partyId}`,
            'vendor',
            c.vendor.legalName ?? c.vendor.partyId,
            c.vendor,
            signedTx(c.vendor.updatedBy),
        );
        edge(goods, vendor);
        const next = container ?? lineId;
        if (c.consolidator === null) {
            edge(vendor, next);
        } else {
            const ref = c.consolidator;
            const consolidation = node(
                `consolidation:${ref.partyId}`,
                'consolidation',
                ref.legalName ?? ref.partyId,
                ref,
                signedTx(ref.updatedBy),
            );
            edge(vendor, consolidation);
            edge(consolidation, next);
        }
    }
    return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

export interface TraceForm {
    readonly declNo: string;
    readonly gNo: string;
    readonly error?: SafeHtml;
}

/** A search form (GET: it changes nothing, so it carries no CSRF token). */
export function traceForm(t: Translator, form: TraceForm): SafeHtml {
    const invalid = form.error !== undefined;
    const described = invalid ? html`aria-invalid="true" aria-describedby="trace-error"` : '';
    return html`<p>${t.t('page.trace.intro')}</p>
        <form method="get" action="/trace" class="card inline">
            <label for="declNo">${t.t('trace.declNo')}</label>
            <input id="declNo" name="declNo" type="text" required value="${form.declNo}" ${described} />
            <label for="gNo">${t.t('trace.gNo')}</label>
            <input id="gNo" name="gNo" type="number" min="1" required value="${form.gNo}" ${described} />
            ${invalid ? html`<div id="trace-error">${form.error}</div>` : ''}
            <button type="submit">${t.t('trace.submit')}</button>
        </form>`;
}

/** The graph (drawn by cytoscape), and the same nodes as a keyboard-usable list that works without script. */
export function traceResult(t: Translator, trace: Trace, evidence: readonly z.output<typeof Evidence>[]): SafeHtml {
    const graph = traceGraph(trace);
    const blockOf = new Map(evidence.map((e) => [e.txId, e.blockNumber]));
    const kindName = (kind: Kind): string => t.t(`trace.node.${kind}` as MessageKey);
    const elements = [
        ...graph.nodes.map((n) => ({ data: { id: n.id, kind: n.kind, label: `${kindName(n.kind)}\n${n.label}` } })),
        ...graph.edges.map((e) => ({ data: { id: `${e.source}-${e.target}`, source: e.source, target: e.target } })),
    ];
    return html`<section aria-labelledby="graph-title">
            <h2 id="graph-title">${t.t('trace.graph')}</h2>
            <p class="hint">${t.t('trace.graphHint')}</p>
            <div id="trace-graph" class="graph" aria-hidden="true"></div>
            <script type="application/json" id="trace-data">
                ${jsonBlock(elements)}
            </script>
            <h2>${t.t('trace.record')}</h2>
            <div class="nodes">
                ${graph.nodes.map(
                    (n) =>
                        html`<details class="node node-${n.kind}" id="node-${n.id}" data-node="${n.id}">
                            <summary>${kindName(n.kind)}: ${n.label}</summary>
                            ${n.txId === undefined ? '' : html`<p>${evidenceLink(t, n.txId, blockOf.get(n.txId) ?? null)}</p>`}
                            <pre>${JSON.stringify(n.record, null, 2)}</pre>
                        </details>`,
                )}
            </div>
            <h2>${t.t('trace.accountable')}</h2>
            <ul>
                ${trace.accountable.map((a) => html`<li>${t.lookup(`party.${a.role}`, a.role)} ${a.partyId}: ${t.money(a.valueUsd, 'USD')}</li>`)}
            </ul>
        </section>
        <script src="/console/assets/cytoscape.min.js"></script>
        <script src="/console/assets/trace.js"></script>`;
}
