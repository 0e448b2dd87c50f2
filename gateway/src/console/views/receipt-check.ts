import type { z } from 'zod';
import type { Evidence } from '../../routes/common';
import type { BankCheckResult } from '../../routes/receipts/schema';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import type { MessageKey } from '../messages';
import { csrfField } from './layout';
import { flagRule } from './flag-rules';
import { evidenceLink } from './ledger-links';

type Check = z.output<typeof BankCheckResult>;
type Evidences = readonly z.output<typeof Evidence>[];

export interface CheckForm {
    readonly csrf: string;
    readonly receiptId: string;
    /** The refusal, shown at the field. */
    readonly error?: SafeHtml;
}

/** The form: a receipt ID, POSTed with the session's CSRF token. */
export function checkForm(t: Translator, form: CheckForm): SafeHtml {
    const invalid = form.error !== undefined;
    return html`<p>${t.t('page.checkReceipt.intro')}</p>
        <form method="post" action="/receipts/check" class="card">
            ${csrfField(form.csrf)}
            <label for="receiptId">${t.t('check.receiptId')}</label>
            <input
                id="receiptId"
                name="receiptId"
                type="text"
                required
                value="${form.receiptId}"
                aria-describedby="receiptId-hint${invalid ? ' receiptId-error' : ''}"
                ${invalid ? html`aria-invalid="true"` : ''}
            />
            <p class="hint" id="receiptId-hint">${t.t('check.receiptIdHint')}</p>
            ${invalid ? html`<div id="receiptId-error">${form.error}</div>` : ''}
            <button type="submit">${t.t('check.submit')}</button>
        </form>`;
}

const outcome = (t: Translator, verdict: string): SafeHtml =>
    html`<span class="verdict verdict-${verdict.toLowerCase()}">${t.t(`verdict.${verdict}` as MessageKey)}</span>`;

const reason = (t: Translator, code: string): SafeHtml =>
    html`${t.lookup(`bk.${code}`, code)} <code class="reason-code">${code}</code>`;

function checks(t: Translator, check: Check): SafeHtml {
    return html`<h2>${t.t('check.reasons')}</h2>
        <ul class="checks">
            ${check.checks.map(
                (c) =>
                    html`<li>
                        <span class="check-id">${c.id}</span> ${outcome(t, c.outcome)} ${reason(t, c.reason)}
                        ${
                            c.findings.length === 0
                                ? ''
                                : html`<ul>
                                      ${c.findings.map(
                                          (f) =>
                                              html`<li>
                                                  ${f.subject}: ${outcome(t, f.outcome)} ${reason(t, f.reason)}
                                                  ${typeof f.detail.ruleId === 'string' ? html`· ${flagRule(t, f.detail.ruleId)}` : ''}
                                              </li>`,
                                      )}
                                  </ul>`
                        }
                    </li>`,
            )}
        </ul>`;
}

function trades(t: Translator, check: Check): SafeHtml {
    if (check.trades.length === 0) return html``;
    return html`<h2>${t.t('check.trades')}</h2>
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">${t.t('col.tradeNo')}</th>
                        <th scope="col" class="num">${t.t('col.value')}</th>
                        <th scope="col" class="num">${t.t('col.remaining')}</th>
                        <th scope="col" class="num">${t.t('col.otherBanks')}</th>
                        <th scope="col">${t.t('col.exported')}</th>
                    </tr>
                </thead>
                <tbody>
                    ${check.trades.map(
                        (trade) =>
                            html`<tr>
                                <th scope="row">${trade.tradeNo}</th>
                                <td class="num">${t.money(trade.valueMinor, trade.currency)}</td>
                                <td class="num">${t.money(trade.remainingMinor, trade.currency)}</td>
                                <td class="num">${t.count(trade.otherBanksCount)}</td>
                                <td>${trade.exported ? t.t('yes') : t.t('no')}</td>
                            </tr>`,
                    )}
                </tbody>
            </table>
        </div>`;
}

function facts(t: Translator, check: Check, evidence: Evidences): SafeHtml {
    const blockOf = new Map(evidence.map((e) => [e.txId, e.blockNumber]));
    return html`<h2>${t.t('check.facts')}</h2>
        <ul class="facts-list">
            ${check.records.map(
                (record) =>
                    html`<li>
                        ${record.recordType} ${record.recordId}:
                        ${evidenceLink(t, record.txId, blockOf.get(record.txId) ?? null)}
                    </li>`,
            )}
        </ul>`;
}

/** The verdict, every BK check with its reason in plain words, the trades and the ledger facts relied on. */
export function checkResult(t: Translator, check: Check, evidence: Evidences): SafeHtml {
    return html`<section aria-labelledby="verdict-title" class="result">
        <h2 id="verdict-title">${t.t('check.verdict')}: ${outcome(t, check.verdict)}</h2>
        ${checks(t, check)}${trades(t, check)}${facts(t, check, evidence)}
    </section>`;
}
