import type { z } from 'zod';
import { Signature, type HistoryEntry } from '../../routes/common';
import type { ReceiptRecord } from '../../routes/receipts/schema';
import type { ReceiptItem, ReceiptTotalsResponse, workListPage } from '../../routes/worklists/schema';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import type { MessageKey } from '../messages';
import { verifyOnLedger } from './customs';
import { csrfField } from './layout';
import { historyTable, signer, txLink } from './ledger-links';
import { liveList } from './live';

type Receipt = z.output<typeof ReceiptRecord>;
type History = readonly z.output<typeof HistoryEntry>[];
export type ReceiptPage = z.output<ReturnType<typeof workListPage<typeof ReceiptItem>>>;
export type ReceiptTotals = z.output<typeof ReceiptTotalsResponse>['totals'];

export const STAGES = ['allocation', 'check', 'settlement'] as const;
export type Stage = (typeof STAGES)[number];
export const isStage = (value: string): value is Stage => (STAGES as readonly string[]).includes(value);

export const receiptStatus = (t: Translator, status: string): SafeHtml =>
    html`<span class="status status-${status.toLowerCase()}">${t.lookup(`receipt.${status}`, status)}</span>`;

const receiptHref = (receiptId: string): string => `/receipts/${encodeURIComponent(receiptId)}`;

/** The bank's work list: stage tabs, per-currency totals, and the receipts of the stage with a next-page link. */
export function bankReceiptsView(t: Translator, stage: Stage, page: ReceiptPage, totals: ReceiptTotals): SafeHtml {
    const tabs = html`<nav aria-label="${t.t('bank.stages')}">
        <ul class="tabs">
            ${STAGES.map((s) =>
                s === stage
                    ? html`<li><span aria-current="page">${t.t(`stage.${s}` as MessageKey)}</span></li>`
                    : html`<li><a href="/bank/receipts?stage=${s}">${t.t(`stage.${s}` as MessageKey)}</a></li>`,
            )}
        </ul>
    </nav>`;
    const totalsTable = html`<h2>${t.t('bank.totals')}</h2>
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">${t.t('col.currency')}</th>
                        <th scope="col" class="num">${t.t('col.receipts')}</th>
                        <th scope="col" class="num">${t.t('col.amount')}</th>
                        <th scope="col" class="num">${t.t('col.allocated')}</th>
                        <th scope="col" class="num">${t.t('col.settled')}</th>
                    </tr>
                </thead>
                <tbody>
                    ${totals.map(
                        (row) =>
                            html`<tr>
                                <th scope="row">${row.currency}</th>
                                <td class="num">${t.count(row.receipts)}</td>
                                <td class="num">${t.money(row.amountMinor, row.currency)}</td>
                                <td class="num">${t.money(row.allocatedMinor, row.currency)}</td>
                                <td class="num">${t.money(row.settledMinor, row.currency)}</td>
                            </tr>`,
                    )}
                </tbody>
            </table>
        </div>`;
    const list =
        page.items.length === 0
            ? html`<p>${t.t('bank.empty')}</p>`
            : html`<div class="table-wrap">
                  <table>
                      <thead>
                          <tr>
                              <th scope="col">${t.t('col.receipt')}</th>
                              <th scope="col">${t.t('col.valueDate')}</th>
                              <th scope="col">${t.t('col.payee')}</th>
                              <th scope="col" class="num">${t.t('col.amount')}</th>
                              <th scope="col" class="num">${t.t('col.unallocated')}</th>
                              <th scope="col">${t.t('col.status')}</th>
                              <th scope="col">${t.t('col.tx')}</th>
                          </tr>
                      </thead>
                      <tbody data-live-rows>
                          ${page.items.map(
                              (r) =>
                                  html`<tr>
                                      <th scope="row"><a href="${receiptHref(r.receiptId)}">${r.receiptId}</a></th>
                                      <td>${t.date(r.valueDate)}</td>
                                      <td>${r.payeePartyId}</td>
                                      <td class="num">${t.money(r.amountMinor, r.currency)}</td>
                                      <td class="num">${t.money(r.unallocatedMinor, r.currency)}</td>
                                      <td>${receiptStatus(t, r.status)}</td>
                                      <td>${txLink(r.txId)}</td>
                                  </tr>`,
                          )}
                      </tbody>
                  </table>
              </div>`;
    const next =
        page.nextCursor === null
            ? ''
            : html`<p>
                  <a href="/bank/receipts?stage=${stage}&amp;cursor=${encodeURIComponent(page.nextCursor)}"
                      >${t.t('trades.next')}</a
                  >
              </p>`;
    // the totals change with the list: both are refreshed
    return html`${tabs}${liveList(t, ['receipts'], html`${list}${next}${totalsTable}`)}`;
}

function facts(t: Translator, r: Receipt): SafeHtml {
    return html`<dl class="facts">
        <dt>${t.t('col.status')}</dt>
        <dd>${receiptStatus(t, r.status)}</dd>
        <dt>${t.t('col.payee')}</dt>
        <dd>${r.payeePartyId}</dd>
        <dt>${t.t('col.amount')}</dt>
        <dd>${t.money(r.amountMinor, r.currency)}</dd>
        <dt>${t.t('col.valueDate')}</dt>
        <dd>${t.date(r.valueDate)}</dd>
        <dt>${t.t('col.channel')}</dt>
        <dd>${r.channel}</dd>
    </dl>`;
}

function allocations(t: Translator, r: Receipt): SafeHtml {
    return html`<h2>${t.t('receipt.allocations')}</h2>
        ${
            r.allocations.length === 0
                ? html`<p>${t.t('receipt.noAllocations')}</p>`
                : html`<div class="table-wrap">
                      <table>
                          <thead>
                              <tr>
                                  <th scope="col">${t.t('col.tradeNo')}</th>
                                  <th scope="col" class="num">${t.t('col.amount')}</th>
                                  <th scope="col" class="num">${t.t('col.credited')}</th>
                              </tr>
                          </thead>
                          <tbody>
                              ${r.allocations.map(
                                  (a) =>
                                      html`<tr>
                                          <th scope="row">
                                              <a href="/trades/${encodeURIComponent(a.tradeNo)}">${a.tradeNo}</a>
                                          </th>
                                          <td class="num">${t.money(a.amountMinor, r.currency)}</td>
                                          <td class="num">${t.money(a.tradeAmountMinor, a.tradeCurrency)}</td>
                                      </tr>`,
                              )}
                          </tbody>
                      </table>
                  </div>`
        }`;
}

/** Every committed version: when, the status it left, who signed it, which transaction. */
function history(t: Translator, entries: History): SafeHtml {
    return historyTable(
        t,
        entries.map((entry) => {
            const status = entry.value?.status;
            const by = Signature.safeParse(entry.value?.updatedBy);
            return html`<tr>
                <td>${t.dateTime(entry.timestamp)}</td>
                <td>${typeof status === 'string' ? receiptStatus(t, status) : ''}</td>
                <td>${by.success ? signer(t, by.data) : ''}</td>
                <td>${txLink(entry.txId)}</td>
            </tr>`;
        }),
        { signer: true },
    );
}

/** One bank action's form state: its fresh Idempotency-Key, the values sent back, and the refusal at the form. */
export interface ActionForm {
    readonly idempotencyKey: string;
    readonly values?: Readonly<Record<string, string>>;
    readonly error?: SafeHtml;
}

export interface ReceiptActions {
    readonly csrf: string;
    readonly allocate: ActionForm;
    readonly verify: ActionForm;
    readonly settle: ActionForm;
    readonly finance: ActionForm;
}

type ActionName = 'allocate' | 'verify' | 'settle' | 'finance';

function field(
    t: Translator,
    action: ActionName,
    name: string,
    label: MessageKey,
    form: ActionForm,
    type = 'text',
): SafeHtml {
    const id = `${action}-${name}`;
    const invalid = form.error !== undefined;
    return html`<label for="${id}">${t.t(label)}</label>
        <input
            id="${id}"
            name="${name}"
            type="${type}"
            required
            value="${form.values?.[name] ?? ''}"
            ${invalid ? html`aria-invalid="true" aria-describedby="${action}-error"` : ''}
        />`;
}

function actionForm(
    t: Translator,
    r: Receipt,
    csrf: string,
    action: ActionName,
    form: ActionForm,
    fields: SafeHtml,
): SafeHtml {
    return html`<form
        method="post"
        action="${receiptHref(r.receiptId)}/${action}"
        class="card"
        aria-labelledby="${action}-title"
    >
        <h3 id="${action}-title">${t.t(`action.${action}` as MessageKey)}</h3>
        ${csrfField(csrf)}
        <input type="hidden" name="_idem" value="${form.idempotencyKey}" />
        ${fields} ${form.error === undefined ? '' : html`<div id="${action}-error">${form.error}</div>`}
        <button type="submit">${t.t(`action.${action}` as MessageKey)}</button>
    </form>`;
}

/** The bank's actions on its receipt: allocate to a trade, record the verdict, settle, finance a trade. */
function actions(t: Translator, r: Receipt, a: ReceiptActions): SafeHtml {
    const settleChoice = a.settle.values?.outcome ?? 'SETTLED';
    return html`<h2>${t.t('receipt.actions')}</h2>
        ${actionForm(
            t,
            r,
            a.csrf,
            'allocate',
            a.allocate,
            html`${field(t, 'allocate', 'tradeNo', 'col.tradeNo', a.allocate)}
                ${field(t, 'allocate', 'amount', 'action.amountMajor', a.allocate)}
                <p class="hint">${t.t('action.amountHint', { currency: r.currency })}</p>`,
        )}
        ${actionForm(t, r, a.csrf, 'verify', a.verify, html`<p class="hint">${t.t('action.verifyHint')}</p>`)}
        ${actionForm(
            t,
            r,
            a.csrf,
            'settle',
            a.settle,
            html`<fieldset>
                <legend>${t.t('action.outcome')}</legend>
                ${(['SETTLED', 'CREDITED'] as const).map(
                    (outcome) =>
                        html`<label class="choice"
                            ><input
                                type="radio"
                                name="outcome"
                                value="${outcome}"
                                ${settleChoice === outcome ? html`checked` : ''}
                            />
                            ${t.t(`receipt.${outcome}`)}</label
                        >`,
                )}
            </fieldset>`,
        )}
        ${actionForm(
            t,
            r,
            a.csrf,
            'finance',
            a.finance,
            html`${field(t, 'finance', 'financingRef', 'action.financingRef', a.finance)}
                ${field(t, 'finance', 'tradeNo', 'col.tradeNo', a.finance)}
                ${field(t, 'finance', 'amount', 'action.amountMajor', a.finance)}
                <p class="hint">${t.t('action.financeHint')}</p>`,
        )}`;
}

/** A receipt: facts, the verify-on-ledger link, allocations, history, and the bank's actions when it may take them. */
export function receiptView(
    t: Translator,
    r: Receipt,
    entries: History,
    receiptActions: ReceiptActions | undefined,
    notice?: SafeHtml,
): SafeHtml {
    const lastTx = entries.at(-1)?.txId;
    return html`${notice ?? ''}${facts(t, r)}${verifyOnLedger(t, lastTx)}
        <p><a href="/receipts/check?receiptId=${encodeURIComponent(r.receiptId)}">${t.t('page.checkReceipt')}</a></p>
        ${allocations(t, r)}${history(t, entries)}${receiptActions === undefined ? '' : actions(t, r, receiptActions)}`;
}

/** Export buttons under a verdict: the same check, signed with the person's own key, as JSON or PDF. */
export function exportForms(t: Translator, csrf: string, receiptId: string): SafeHtml {
    const button = (format: 'json' | 'pdf'): SafeHtml =>
        html`<form method="post" action="/receipts/check/export" class="inline">
            ${csrfField(csrf)}
            <input type="hidden" name="receiptId" value="${receiptId}" />
            <input type="hidden" name="format" value="${format}" />
            <button type="submit">${t.t(`export.${format}` as MessageKey)}</button>
        </form>`;
    return html`<section aria-labelledby="export-title" class="card">
        <h2 id="export-title">${t.t('export.title')}</h2>
        <p>${t.t('export.intro')}</p>
        ${button('json')} ${button('pdf')}
    </section>`;
}
