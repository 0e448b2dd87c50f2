import type { z } from 'zod';
import type { TxStatus } from '../../ledger/ledger';
import type { Signature } from '../../routes/common';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';

/** A ledger transaction ID, shortened, linking to its page (block and validity as the caller's peer sees them). */
export const txLink = (txId: string): SafeHtml =>
    html`<a class="tx" href="/tx/${txId}" title="${txId}"><code>${txId.slice(0, 12)}…</code></a>`;

/** Who signed (their party, else their identity), in which org, and when: the same on every record page. */
export const signer = (t: Translator, by: z.output<typeof Signature>): SafeHtml =>
    html`${by.party ?? by.id} · ${by.mspId}${by.at === undefined ? '' : html` · ${t.dateTime(by.at)}`}`;

/** A txId with the block that committed it, as a verdict cites it. */
export function evidenceLink(t: Translator, txId: string, blockNumber: string | null): SafeHtml {
    return html`${txLink(txId)}${blockNumber === null ? '' : html` · ${t.t('tx.block', { block: blockNumber })}`}`;
}

/** The transaction page's body. */
export function txPage(t: Translator, txId: string, status: TxStatus | undefined): SafeHtml {
    if (status === undefined)
        return html`<p><code class="wrap">${txId}</code></p>
            <p>${t.t('tx.unknown')}</p>`;
    return html`<p><code class="wrap">${txId}</code></p>
        <p>${t.t('tx.block', { block: status.blockNumber })}</p>
        <p>${status.valid ? t.t('tx.valid') : t.t('tx.invalid')}</p>`;
}

/**
 * A record's history: one row per committed change (time, change, who when the page names the signer, the
 * transaction), headed the same on every record page.
 */
export function historyTable(t: Translator, rows: readonly SafeHtml[], { signer }: { signer: boolean }): SafeHtml {
    return html`<h2>${t.t('trade.history')}</h2>
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">${t.t('col.time')}</th>
                        <th scope="col">${t.t('col.change')}</th>
                        ${signer ? html`<th scope="col">${t.t('col.by')}</th>` : ''}
                        <th scope="col">${t.t('col.tx')}</th>
                    </tr>
                </thead>
                <tbody>
                    ${rows}
                </tbody>
            </table>
        </div>`;
}
