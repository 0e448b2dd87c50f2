import type { z } from 'zod';
import { VALUE_CAP_USD_CENTS } from '../../../../chaincode/src/vocabulary';
import type { DeclarationPreview } from '../../routes/declarations/schema';
import type { DeclarationItem } from '../../routes/worklists/schema';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import { errorSentence } from './errors';
import { csrfField } from './layout';
import { liveList } from './live';

type Declaration = z.output<typeof DeclarationItem>;
type Preview = z.output<typeof DeclarationPreview>;

const statusOf = (t: Translator, status: string): SafeHtml =>
    html`<span class="status status-${status.toLowerCase()}">${t.lookup(`decl.${status}`, status)}</span>`;

/** The caller's declarations (an agent its own) with their customs status, from the declarations work list. */
export function declarationList(t: Translator, items: readonly Declaration[], filed?: string): SafeHtml {
    const notice =
        filed === undefined || filed === ''
            ? ''
            : html`<p class="notice" role="status">${t.t('declarations.filed', { declNo: filed })}</p>`;
    const intro = html`${notice}
        <p>${t.t('page.declarations.intro')}</p>
        <p><a href="/declarations/new">${t.t('page.newDeclaration')}</a></p>`;
    if (items.length === 0)
        return html`${intro}${liveList(t, ['declarations'], html`<p>${t.t('declarations.empty')}</p>`)}`;
    const list = html`<div class="table-wrap">
        <table>
            <thead>
                <tr>
                    <th scope="col">${t.t('col.declaration')}</th>
                    <th scope="col">${t.t('decl.date')}</th>
                    <th scope="col">${t.t('col.status')}</th>
                    <th scope="col">${t.t('decl.customsOffice')}</th>
                    <th scope="col">${t.t('decl.destCountry')}</th>
                    <th scope="col" class="num">${t.t('decl.valueUsd')}</th>
                    <th scope="col">${t.t('decl.releaseDate')}</th>
                    <th scope="col">${t.t('decl.exitedOn')}</th>
                </tr>
            </thead>
            <tbody data-live-rows>
                ${items.map(
                    (d) =>
                        html`<tr>
                            <th scope="row">${d.declNo}</th>
                            <td>${t.date(d.declDate)}</td>
                            <td>${statusOf(t, d.status)}</td>
                            <td>${d.customsOffice}</td>
                            <td>${d.destCountry}</td>
                            <td class="num">${t.money(d.totalValueUsd, 'USD')}</td>
                            <td>${d.releaseDate === null ? '—' : t.date(d.releaseDate)}</td>
                            <td>${d.exitDate === null ? '—' : t.date(d.exitDate)}</td>
                        </tr>`,
                )}
            </tbody>
        </table>
    </div>`;
    return html`${intro}${liveList(t, ['declarations'], list)}`;
}

/** One of the agent's trades that may go on a declaration (packed, not declared yet). */
export interface DeclarableTrade {
    readonly tradeNo: string;
    readonly packingNo: string;
    readonly vendorId: string;
    readonly amount: string;
}

export interface DeclarationFormValues {
    readonly declNo: string;
    readonly packingNo: string;
    readonly brokerId: string;
    readonly customsOffice: string;
    readonly exitPort: string;
    readonly destCountry: string;
    readonly tradeCountry: string;
    readonly transportMode: string;
    readonly billOfLading: string;
    readonly tradeNos: readonly string[];
}

export interface DeclarationForm {
    readonly csrf: string;
    readonly formKey: string;
    readonly consignorId: string;
    readonly values: DeclarationFormValues;
    readonly trades: readonly DeclarableTrade[];
    readonly preview?: Preview;
    /** The refusal of a preview or a filing, shown above the buttons. */
    readonly error?: SafeHtml;
}

const TRANSPORT_MODES = ['SEA', 'ROAD', 'RAIL', 'AIR'] as const;

function textField(id: keyof DeclarationFormValues, label: string, value: string, hint?: string): SafeHtml {
    return html`<div class="field">
        <label for="${id}">${label}</label>
        <input
            id="${id}"
            name="${id}"
            type="text"
            value="${value}"
            ${hint === undefined ? '' : html`aria-describedby="${id}-hint"`}
        />
        ${hint === undefined ? '' : html`<p class="hint" id="${id}-hint">${hint}</p>`}
    </div>`;
}

function tradePicker(t: Translator, form: DeclarationForm): SafeHtml {
    if (form.trades.length === 0) return html`<p>${t.t('newDecl.noTrades')}</p>`;
    return html`<fieldset>
        <legend>${t.t('newDecl.trades')}</legend>
        ${form.trades.map(
            (trade) =>
                html`<div class="check">
                    <input
                        type="checkbox"
                        id="trade-${trade.tradeNo}"
                        name="tradeNos"
                        value="${trade.tradeNo}"
                        ${form.values.tradeNos.includes(trade.tradeNo) ? 'checked' : ''}
                    />
                    <label for="trade-${trade.tradeNo}"
                        >${trade.tradeNo} · ${trade.packingNo} · ${trade.vendorId} · ${trade.amount}</label
                    >
                </div>`,
        )}
    </fieldset>`;
}

/** The simplified declaration as the ledger would build it: itemised top five, merged chapters, the V01 headroom. */
export function previewResult(t: Translator, preview: Preview): SafeHtml {
    const headroom = VALUE_CAP_USD_CENTS - preview.totalValueUsd;
    const itemised = preview.lines.filter((line) => line.isItemised);
    const merged = preview.lines.filter((line) => !line.isItemised);
    const lineRows = (lines: typeof preview.lines): SafeHtml =>
        html`${lines.map(
            (line) =>
                html`<tr>
                    <td class="num">${line.gNo}</td>
                    <th scope="row">
                        ${line.mergedChapter === null ? line.hsCode : t.t('newDecl.chapter', { chapter: line.mergedChapter })}
                    </th>
                    <td>${line.name}</td>
                    <td class="num">${t.count(line.qty)} ${line.unit}</td>
                    <td class="num">${t.money(line.valueUsd, 'USD')}</td>
                    <td class="num">${t.count(line.sources.length)}</td>
                </tr>`,
        )}`;
    const table = (caption: string, lines: typeof preview.lines): SafeHtml =>
        lines.length === 0
            ? html``
            : html`<div class="table-wrap">
                  <table>
                      <caption>
                          ${caption}
                      </caption>
                      <thead>
                          <tr>
                              <th scope="col" class="num">${t.t('newDecl.gNo')}</th>
                              <th scope="col">${t.t('col.hsCode')}</th>
                              <th scope="col">${t.t('newDecl.name')}</th>
                              <th scope="col" class="num">${t.t('col.qty')}</th>
                              <th scope="col" class="num">${t.t('decl.valueUsd')}</th>
                              <th scope="col" class="num">${t.t('newDecl.sources')}</th>
                          </tr>
                      </thead>
                      <tbody>
                          ${lineRows(lines)}
                      </tbody>
                  </table>
              </div>`;
    return html`<section aria-labelledby="preview-title" class="result" id="preview">
        <h2 id="preview-title">${t.t('newDecl.preview')}</h2>
        <dl class="facts">
            <dt>${t.t('decl.valueUsd')}</dt>
            <dd>${t.money(preview.totalValueUsd, 'USD')}</dd>
            <dt>${t.t('newDecl.cap')}</dt>
            <dd>${t.money(VALUE_CAP_USD_CENTS, 'USD')}</dd>
            <dt>${t.t('newDecl.headroom')}</dt>
            <dd id="headroom" class="${headroom < 0 ? 'verdict-fail' : 'verdict-pass'}">
                ${
                    headroom < 0
                        ? t.t('newDecl.overCap', { amount: t.money(-headroom, 'USD') })
                        : t.money(headroom, 'USD')
                }
            </dd>
            <dt>${t.t('newDecl.simplified')}</dt>
            <dd>${preview.simplified ? t.t('yes') : t.t('no')}</dd>
        </dl>
        ${
            preview.violations.length === 0
                ? html`<p class="verdict-pass">${t.t('newDecl.noViolations')}</p>`
                : html`<div class="error" role="alert">
                      <p>${t.t('newDecl.violations')}</p>
                      <ul>
                          ${preview.violations.map(
                              (v) =>
                                  html`<li>
                                      ${errorSentence(t, v.code)} <code>${v.code}</code>
                                      <details>
                                          <summary>${t.t('error.detail')}</summary>
                                          <p lang="en">${v.message}</p>
                                      </details>
                                  </li>`,
                          )}
                      </ul>
                  </div>`
        }
        ${table(t.t('newDecl.itemised'), itemised)} ${table(t.t('newDecl.merged'), merged)}
    </section>`;
}

/** Pick trades, preview the simplified declaration, then file it (same form, CSRF, its own idempotency key). */
export function declarationForm(t: Translator, form: DeclarationForm): SafeHtml {
    const v = form.values;
    return html`<p>${t.t('page.newDeclaration.intro')}</p>
        <form method="post" action="/declarations/new" class="card wide">
            ${csrfField(form.csrf)}<input type="hidden" name="_idem" value="${form.formKey}" />
            <button type="submit" name="op" value="preview" hidden></button>
            <p>${t.t('newDecl.consignor', { party: form.consignorId })}</p>
            ${tradePicker(t, form)}
            ${textField('packingNo', t.t('newDecl.packingNo'), v.packingNo, t.t('newDecl.packingNoHint'))}
            ${textField('brokerId', t.t('newDecl.brokerId'), v.brokerId)}
            ${textField('customsOffice', t.t('decl.customsOffice'), v.customsOffice, t.t('newDecl.customsOfficeHint'))}
            ${textField('exitPort', t.t('newDecl.exitPort'), v.exitPort)}
            ${textField('destCountry', t.t('decl.destCountry'), v.destCountry, t.t('newDecl.countryHint'))}
            ${textField('tradeCountry', t.t('newDecl.tradeCountry'), v.tradeCountry, t.t('newDecl.countryHint'))}
            <div class="field">
                <label for="transportMode">${t.t('newDecl.transportMode')}</label>
                <select id="transportMode" name="transportMode">
                    ${TRANSPORT_MODES.map(
                        (mode) =>
                            html`<option value="${mode}" ${mode === v.transportMode ? 'selected' : ''}>
                                ${t.lookup(`transport.${mode}`, mode)}
                            </option>`,
                    )}
                </select>
            </div>
            ${textField('billOfLading', t.t('newDecl.billOfLading'), v.billOfLading)}
            ${form.preview === undefined ? '' : previewResult(t, form.preview)} ${form.error ?? ''}
            <button type="submit" name="op" value="preview" class="secondary">${t.t('newDecl.previewButton')}</button>
            <div class="field">
                <label for="declNo">${t.t('newDecl.declNo')}</label>
                <input
                    id="declNo"
                    name="declNo"
                    type="text"
                    inputmode="numeric"
                    value="${v.declNo}"
                    aria-describedby="declNo-hint"
                />
                <p class="hint" id="declNo-hint">${t.t('newDecl.declNoHint')}</p>
            </div>
            <button type="submit" name="op" value="file">${t.t('newDecl.file')}</button>
        </form>`;
}
