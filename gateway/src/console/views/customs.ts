import type { z } from 'zod';
import type { Evidence } from '../../routes/common';
import type { CustomsCheckReport, CustomsEvents, DeclarationRecord } from '../../routes/declarations/schema';
import type { DeclarationItem, RiskFlagItem, workListPage } from '../../routes/worklists/schema';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import type { MessageKey } from '../messages';
import { csrfField } from './layout';
import { flagRule } from './flag-rules';
import { evidenceLink, historyTable, signer, txLink } from './ledger-links';
import { liveList } from './live';

type Declaration = z.output<typeof DeclarationRecord>;
type Events = z.output<typeof CustomsEvents>['events'];
type Check = z.output<typeof CustomsCheckReport>;
type Evidences = readonly z.output<typeof Evidence>[];
export type DeclarationPage = z.output<ReturnType<typeof workListPage<typeof DeclarationItem>>>;
export type RiskFlagPage = z.output<ReturnType<typeof workListPage<typeof RiskFlagItem>>>;

/** Customs decisions the console records, each the API operation it calls and the statuses it applies to. */
export const DECISIONS = {
    accept: { operationId: 'acceptDeclaration', from: ['SUBMITTED'] },
    return: { operationId: 'returnDeclaration', from: ['SUBMITTED', 'ACCEPTED', 'INSPECTED'] },
    hold: {
        operationId: 'holdDeclaration',
        from: ['SUBMITTED', 'ACCEPTED', 'INSPECTION_ORDERED', 'INSPECTED', 'RELEASED'],
    },
    'lift-hold': { operationId: 'liftHold', from: ['ON_HOLD'] },
    release: { operationId: 'releaseDeclaration', from: ['ACCEPTED', 'INSPECTED'] },
    exit: { operationId: 'confirmExit', from: ['RELEASED'] },
} as const satisfies Record<string, { operationId: string; from: readonly string[] }>;
export type Decision = keyof typeof DECISIONS;
export const isDecision = (value: string): value is Decision => Object.hasOwn(DECISIONS, value);
/** Decisions that must say why (the API's `reason`). */
export const REASONED: readonly Decision[] = ['return', 'hold', 'lift-hold'];

export const declStatus = (t: Translator, status: string): SafeHtml =>
    html`<span class="status status-${status.toLowerCase()}">${t.lookup(`decl.${status}`, status)}</span>`;

const usd = (t: Translator, cents: number): string => t.money(cents, 'USD');

/** The link every record page carries: its last transaction on the ledger's own transaction page. */
export const verifyOnLedger = (t: Translator, txId: string | undefined): SafeHtml =>
    txId === undefined ? html`` : html`<p class="verify"><a href="/tx/${txId}">${t.t('record.verifyOnLedger')}</a></p>`;

export interface QueueFilters {
    readonly status: string;
    readonly customsOffice: string;
}

const QUEUE_STATUSES = ['SUBMITTED', 'ACCEPTED', 'INSPECTION_ORDERED', 'INSPECTED', 'RELEASED', 'ON_HOLD', 'RETURNED'];

/** The customs work list: a GET filter form, the declarations, and a keyset link to the next page. */
export function queueView(
    t: Translator,
    filters: QueueFilters,
    page: DeclarationPage | undefined,
    error?: SafeHtml,
): SafeHtml {
    const form = html`<form method="get" action="/customs/queue" class="card filters">
        <label for="status">${t.t('col.status')}</label>
        <select id="status" name="status">
            <option value="">${t.t('queue.anyStatus')}</option>
            ${QUEUE_STATUSES.map(
                (status) =>
                    html`<option value="${status}" ${filters.status === status ? html`selected` : ''}>
                        ${t.lookup(`decl.${status}`, status)}
                    </option>`,
            )}
        </select>
        <label for="customsOffice">${t.t('col.customsOffice')}</label>
        <input id="customsOffice" name="customsOffice" type="text" value="${filters.customsOffice}" />
        <button type="submit">${t.t('queue.filter')}</button>
    </form>`;
    if (page === undefined) return html`${form}${error ?? ''}`;
    if (page.items.length === 0)
        return html`${form}${liveList(t, ['declarations'], html`<p>${t.t('queue.empty')}</p>`)}`;
    const rows = page.items.map(
        (d) =>
            html`<tr>
                <th scope="row"><a href="/declarations/${d.declNo}">${d.declNo}</a></th>
                <td>${t.date(d.declDate)}</td>
                <td>${declStatus(t, d.status)}</td>
                <td>${d.customsOffice}</td>
                <td>${d.consignorId}</td>
                <td class="num">${usd(t, d.totalValueUsd)}</td>
                <td>${txLink(d.txId)}</td>
            </tr>`,
    );
    const next = new URLSearchParams();
    if (filters.status !== '') next.set('status', filters.status);
    if (filters.customsOffice !== '') next.set('customsOffice', filters.customsOffice);
    if (page.nextCursor !== null) next.set('cursor', page.nextCursor);
    const list = html`<div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">${t.t('col.declaration')}</th>
                        <th scope="col">${t.t('col.declDate')}</th>
                        <th scope="col">${t.t('col.status')}</th>
                        <th scope="col">${t.t('col.customsOffice')}</th>
                        <th scope="col">${t.t('col.consignor')}</th>
                        <th scope="col" class="num">${t.t('col.valueUsd')}</th>
                        <th scope="col">${t.t('col.tx')}</th>
                    </tr>
                </thead>
                <tbody data-live-rows>
                    ${rows}
                </tbody>
            </table>
        </div>
        ${page.nextCursor === null ? '' : html`<p><a href="/customs/queue?${next.toString()}">${t.t('trades.next')}</a></p>`}`;
    return html`${form}${liveList(t, ['declarations'], list)}`;
}

function facts(t: Translator, d: Declaration): SafeHtml {
    return html`<dl class="facts">
        <dt>${t.t('col.status')}</dt>
        <dd>${declStatus(t, d.status)}${d.statusReason === undefined ? '' : html` · ${d.statusReason}`}</dd>
        <dt>${t.t('col.declDate')}</dt>
        <dd>${t.date(d.declDate)}</dd>
        <dt>${t.t('col.customsOffice')}</dt>
        <dd>${d.customsOffice}</dd>
        <dt>${t.t('col.consignor')}</dt>
        <dd>${d.consignorId}</dd>
        <dt>${t.t('col.exitPort')}</dt>
        <dd>${d.exitPort}</dd>
        <dt>${t.t('col.valueUsd')}</dt>
        <dd>${usd(t, d.totalValueUsd)}</dd>
        <dt>${t.t('col.trades')}</dt>
        <dd>
            ${d.tradeNos.map((tradeNo, i) => html`${i === 0 ? '' : ', '}<a href="/trades/${encodeURIComponent(tradeNo)}">${tradeNo}</a>`)}
        </dd>
    </dl>`;
}

function lines(t: Translator, d: Declaration): SafeHtml {
    return html`<h2>${t.t('trade.lines')}</h2>
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">${t.t('col.gNo')}</th>
                        <th scope="col">${t.t('col.goods')}</th>
                        <th scope="col">${t.t('col.hsCode')}</th>
                        <th scope="col" class="num">${t.t('col.valueUsd')}</th>
                        <th scope="col">${t.t('page.trace')}</th>
                    </tr>
                </thead>
                <tbody>
                    ${d.lines.map(
                        (line) =>
                            html`<tr>
                                <th scope="row">${line.gNo}</th>
                                <td>${line.name}</td>
                                <td>${line.hsCode}</td>
                                <td class="num">${usd(t, line.valueUsd)}</td>
                                <td>
                                    <a href="/trace?declNo=${d.declNo}&amp;gNo=${line.gNo}"
                                        >${t.t('decl.traceLine', { gNo: line.gNo })}</a
                                    >
                                </td>
                            </tr>`,
                    )}
                </tbody>
            </table>
        </div>`;
}

const verdictBadge = (t: Translator, verdict: string): SafeHtml =>
    html`<span class="verdict verdict-${verdict.toLowerCase()}">${t.t(`verdict.${verdict}` as MessageKey)}</span>`;

/** The CU checks with each reason in plain words (`cu.*`), the ledger's own words kept under details. */
function customsCheck(t: Translator, check: Check, evidence: Evidences): SafeHtml {
    const blockOf = new Map(evidence.map((e) => [e.txId, e.blockNumber]));
    return html`<section aria-labelledby="cu-title" class="result">
        <h2 id="cu-title">${t.t('decl.check')}: ${verdictBadge(t, check.verdict)}</h2>
        <ul class="checks">
            ${check.checks.map(
                (c) =>
                    html`<li>
                        <span class="check-id">${c.id}</span> ${verdictBadge(t, c.result)}
                        ${
                            c.reasons.length === 0
                                ? html`${t.t('decl.checkClear')}`
                                : html`<ul>
                                      ${c.reasons.map(
                                          (r) =>
                                              html`<li>
                                                  ${t.lookup(`cu.${r.code}`, r.code)}
                                                  <code class="reason-code">${r.code}</code>
                                                  <details>
                                                      <summary>${t.t('error.detail')}</summary>
                                                      <p lang="en">${r.message}</p>
                                                  </details>
                                              </li>`,
                                      )}
                                  </ul>`
                        }
                    </li>`,
            )}
        </ul>
        <h3>${t.t('check.facts')}</h3>
        <ul class="facts-list">
            ${check.reliedOn.map(
                (record) =>
                    html`<li>
                        ${record.recordType} ${record.recordId}:
                        ${evidenceLink(t, record.txId, blockOf.get(record.txId) ?? null)}
                    </li>`,
            )}
        </ul>
    </section>`;
}

/** Who filed the declaration, then every customs event: who, when, which transaction. */
function history(t: Translator, d: Declaration, events: Events): SafeHtml {
    const filed = html`<tr>
        <td>${d.filedBy.at === undefined ? '' : t.dateTime(d.filedBy.at)}</td>
        <td>${t.t('decl.filed')} → ${declStatus(t, 'SUBMITTED')}</td>
        <td>${signer(t, d.filedBy)}</td>
        <td>${d.filedBy.txId === undefined ? '' : txLink(d.filedBy.txId)}</td>
    </tr>`;
    return historyTable(
        t,
        [
            filed,
            ...events.map(
                (e) =>
                    html`<tr>
                        <td>${e.by.at === undefined ? '' : t.dateTime(e.by.at)}</td>
                        <td>
                            ${t.lookup(`event.${e.type}`, e.type)} → ${declStatus(t, e.toStatus)}
                            ${e.reason === undefined ? '' : html`<br /><q>${e.reason}</q>`}
                        </td>
                        <td>${signer(t, e.by)}</td>
                        <td>${e.by.txId === undefined ? '' : txLink(e.by.txId)}</td>
                    </tr>`,
            ),
        ],
        { signer: true },
    );
}

export interface DecisionForm {
    readonly csrf: string;
    /** A fresh Idempotency-Key per form: submitting it twice records the decision once. */
    readonly idempotencyKey: string;
    readonly decision?: string;
    readonly reason?: string;
    readonly exitDate?: string;
    readonly error?: SafeHtml;
}

/** The decisions the declaration's status allows; the ledger still decides (a refusal is shown at the form). */
export function decisionForm(t: Translator, d: Declaration, form: DecisionForm): SafeHtml {
    const allowed = (Object.keys(DECISIONS) as Decision[]).filter((decision) =>
        (DECISIONS[decision].from as readonly string[]).includes(d.status),
    );
    if (allowed.length === 0 && form.error === undefined)
        return html`<h2>${t.t('decl.decide')}</h2>
            <p>${t.t('decl.noDecision')}</p>`;
    const invalid = form.error !== undefined;
    return html`<h2 id="decide-title">${t.t('decl.decide')}</h2>
        <form method="post" action="/declarations/${d.declNo}/decision" class="card" aria-labelledby="decide-title">
            ${csrfField(form.csrf)}
            <input type="hidden" name="_idem" value="${form.idempotencyKey}" />
            <fieldset>
                <legend>${t.t('decl.decision')}</legend>
                ${allowed.map(
                    (decision, i) =>
                        html`<label class="choice"
                            ><input
                                type="radio"
                                name="decision"
                                value="${decision}"
                                ${(form.decision ?? (i === 0 ? decision : '')) === decision ? html`checked` : ''}
                            />
                            ${t.t(`decision.${decision}` as MessageKey)}</label
                        >`,
                )}
            </fieldset>
            <label for="reason">${t.t('decl.reason')}</label>
            <input
                id="reason"
                name="reason"
                type="text"
                maxlength="500"
                value="${form.reason ?? ''}"
                aria-describedby="reason-hint${invalid ? ' decision-error' : ''}"
                ${invalid ? html`aria-invalid="true"` : ''}
            />
            <p class="hint" id="reason-hint">${t.t('decl.reasonHint')}</p>
            <label for="exitDate">${t.t('decl.exitDate')}</label>
            <input
                id="exitDate"
                name="exitDate"
                type="date"
                value="${form.exitDate ?? ''}"
                aria-describedby="exitDate-hint"
            />
            <p class="hint" id="exitDate-hint">${t.t('decl.exitDateHint')}</p>
            ${invalid ? html`<div id="decision-error">${form.error}</div>` : ''}
            <button type="submit">${t.t('decl.record')}</button>
        </form>`;
}

/** A declaration: its facts, lines with trace links, the CU check, its history, and (for customs) the decision form. */
export function declarationView(
    t: Translator,
    d: Declaration,
    events: Events,
    check: { result: Check; evidence: Evidences },
    decision: SafeHtml,
    notice?: SafeHtml,
): SafeHtml {
    return html`${notice ?? ''}${facts(t, d)}${verifyOnLedger(t, d.updatedBy.txId)}${lines(t, d)}${customsCheck(
        t,
        check.result,
        check.evidence,
    )}${history(t, d, events)}${decision}`;
}

/** Open risk flags, newest first, each with the record it flags. */
export function riskFlagsView(t: Translator, page: RiskFlagPage, cursorLink: string | undefined): SafeHtml {
    if (page.items.length === 0) return liveList(t, ['riskFlags'], html`<p>${t.t('flags.empty')}</p>`);
    const subjectLink = (f: RiskFlagPage['items'][number]): SafeHtml =>
        f.subjectType === 'declaration'
            ? html`<a href="/declarations/${f.subjectId}">${f.subjectId}</a>`
            : f.subjectType === 'trade'
              ? html`<a href="/trades/${encodeURIComponent(f.subjectId)}">${f.subjectId}</a>`
              : f.subjectType === 'receipt'
                ? html`<a href="/receipts/${encodeURIComponent(f.subjectId)}">${f.subjectId}</a>`
                : html`${f.subjectId}`;
    const list = html`<div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">${t.t('col.flag')}</th>
                        <th scope="col">${t.t('col.subject')}</th>
                        <th scope="col">${t.t('col.rule')}</th>
                        <th scope="col">${t.t('col.severity')}</th>
                        <th scope="col">${t.t('col.raised')}</th>
                        <th scope="col">${t.t('col.tx')}</th>
                    </tr>
                </thead>
                <tbody data-live-rows>
                    ${page.items.map(
                        (f) =>
                            html`<tr>
                                <th scope="row">${f.flagId}</th>
                                <td>${t.lookup(`subject.${f.subjectType}`, f.subjectType)} ${subjectLink(f)}</td>
                                <td>${flagRule(t, f.ruleId)}</td>
                                <td>${t.lookup(`severity.${f.severity}`, f.severity)}</td>
                                <td>${t.dateTime(f.raisedAt)} · ${f.raisedByMsp}</td>
                                <td>${txLink(f.txId)}</td>
                            </tr>`,
                    )}
                </tbody>
            </table>
        </div>
        ${cursorLink === undefined ? '' : html`<p><a href="${cursorLink}">${t.t('trades.next')}</a></p>`}`;
    return liveList(t, ['riskFlags'], list);
}
