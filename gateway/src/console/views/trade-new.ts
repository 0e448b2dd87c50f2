import { PAYMENT_CHANNELS, PAYMENT_TERMS } from '../../../../chaincode/src/vocabulary';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import { csrfField } from './layout';

export interface TradeLineValues {
    readonly goodsCode: string;
    readonly qty: string;
    /** In major units as typed (12.50). */
    readonly unitPrice: string;
}

export interface TradeFormValues {
    readonly tradeNo: string;
    readonly tradeDate: string;
    readonly agentId: string;
    readonly buyerId: string;
    readonly currency: string;
    readonly paymentTerms: string;
    readonly paymentChannel: string;
    readonly agencyReceipt: boolean;
    readonly remark: string;
    readonly lines: readonly TradeLineValues[];
}

/** Goods the vendor may pick (its own ACTIVE registry entries). */
export interface GoodsChoice {
    readonly goodsCode: string;
    readonly label: string;
}

export interface TradeForm {
    readonly csrf: string;
    /** The form's own Idempotency-Key: submitting it twice registers once. */
    readonly formKey: string;
    readonly values: TradeFormValues;
    readonly goods: readonly GoodsChoice[];
    /** The registry could not be read (the read model is not open): goods codes are typed, not picked. */
    readonly goodsUnavailable?: boolean;
    /** Field ID → the sentence shown at that field. */
    readonly fieldErrors: Readonly<Record<string, string>>;
    /** An error that belongs to no single field. */
    readonly formError?: SafeHtml;
}

export const MAX_FORM_LINES = 20;
const CURRENCIES = ['USD', 'CNY', 'EUR'] as const;

export const emptyLine = (): TradeLineValues => ({ goodsCode: '', qty: '', unitPrice: '' });

/** A labelled control with its hint and its error, tied together for screen readers. */
function field(
    t: Translator,
    form: TradeForm,
    id: string,
    label: string,
    control: (attrs: SafeHtml) => SafeHtml,
    hint?: string,
): SafeHtml {
    const error = form.fieldErrors[id];
    const described = [hint === undefined ? '' : `${id}-hint`, error === undefined ? '' : `${id}-error`]
        .filter((s) => s !== '')
        .join(' ');
    const attrs = html`id="${id}" name="${id}" ${described === '' ? '' : html`aria-describedby="${described}"`}
    ${error === undefined ? '' : html`aria-invalid="true"`}`;
    return html`<div class="field">
        <label for="${id}">${label}</label>
        ${control(attrs)} ${hint === undefined ? '' : html`<p class="hint" id="${id}-hint">${hint}</p>`}
        ${error === undefined ? '' : html`<p class="error field-error" id="${id}-error" role="alert">${error}</p>`}
    </div>`;
}

const input =
    (value: string, type = 'text', extra: SafeHtml | string = '') =>
    (attrs: SafeHtml): SafeHtml =>
        html`<input ${attrs} type="${type}" value="${value}" ${extra} />`;

const select =
    (value: string, options: readonly { value: string; label: string }[]) =>
    (attrs: SafeHtml): SafeHtml =>
        html`<select ${attrs}>
            ${options.map(
                (o) => html`<option value="${o.value}" ${o.value === value ? 'selected' : ''}>${o.label}</option>`,
            )}
        </select>`;

function lineRows(t: Translator, form: TradeForm): SafeHtml {
    const { lines } = form.values;
    return html`<fieldset class="lines">
        <legend>${t.t('newTrade.lines')}</legend>
        ${lines.map(
            (line, i) =>
                html`<div class="line-row" role="group" aria-label="${t.t('newTrade.line', { n: i + 1 })}">
                    ${field(
                        t,
                        form,
                        `line-${i}-goodsCode`,
                        t.t('newTrade.goods', { n: i + 1 }),
                        input(line.goodsCode, 'text', html`list="my-goods" autocomplete="off"`),
                    )}
                    ${field(t, form, `line-${i}-qty`, t.t('col.qty'), input(line.qty, 'text', html`inputmode="numeric"`))}
                    ${field(
                        t,
                        form,
                        `line-${i}-unitPrice`,
                        t.t('newTrade.unitPrice'),
                        input(line.unitPrice, 'text', html`inputmode="decimal"`),
                    )}
                    ${
                        lines.length > 1
                            ? html`<button type="submit" class="secondary" name="op" value="remove-${i}" formnovalidate>
                                  ${t.t('newTrade.removeLine', { n: i + 1 })}
                              </button>`
                            : ''
                    }
                </div>`,
        )}
        ${form.goodsUnavailable === true ? html`<p class="hint" id="my-goods-unavailable">${t.t('newTrade.goodsUnavailable')}</p>` : ''}
        <datalist id="my-goods">
            ${form.goods.map((g) => html`<option value="${g.goodsCode}">${g.label}</option>`)}
        </datalist>
        ${
            lines.length < MAX_FORM_LINES
                ? html`<button type="submit" class="secondary" name="op" value="add" formnovalidate>
                      ${t.t('newTrade.addLine')}
                  </button>`
                : ''
        }
    </fieldset>`;
}

/** The register-a-trade form: every field labelled, each error at its field in the user's language. */
export function tradeForm(t: Translator, form: TradeForm): SafeHtml {
    const v = form.values;
    const options = (values: readonly string[], prefix: string): { value: string; label: string }[] =>
        values.map((value) => ({ value, label: t.lookup(`${prefix}.${value}`, value) }));
    const errorCount = Object.keys(form.fieldErrors).length;
    return html`<p>${t.t('page.newTrade.intro')}</p>
        ${
            errorCount > 0 && form.formError === undefined
                ? html`<div class="error" role="alert"><p>${t.t('form.fixFields', { n: errorCount })}</p></div>`
                : ''
        }
        ${form.formError ?? ''}
        <form method="post" action="/trades/new" class="card wide" novalidate data-validate="/trades/new/validate">
            ${csrfField(form.csrf)}<input type="hidden" name="_idem" value="${form.formKey}" />
            <input type="hidden" name="lineCount" value="${v.lines.length}" />
            <button type="submit" name="op" value="register" hidden></button>
            ${field(t, form, 'tradeNo', t.t('col.tradeNo'), input(v.tradeNo), t.t('newTrade.tradeNoHint'))}
            ${field(t, form, 'tradeDate', t.t('col.tradeDate'), input(v.tradeDate, 'date'))}
            ${field(t, form, 'agentId', t.t('col.agent'), input(v.agentId), t.t('newTrade.partyHint'))}
            ${field(t, form, 'buyerId', t.t('col.buyer'), input(v.buyerId), t.t('newTrade.partyHint'))}
            ${field(
                t,
                form,
                'currency',
                t.t('newTrade.currency'),
                select(
                    v.currency,
                    CURRENCIES.map((c) => ({ value: c, label: c })),
                ),
            )}
            ${field(t, form, 'paymentTerms', t.t('newTrade.paymentTerms'), select(v.paymentTerms, options(PAYMENT_TERMS, 'terms')))}
            ${field(
                t,
                form,
                'paymentChannel',
                t.t('newTrade.paymentChannel'),
                select(v.paymentChannel, options(PAYMENT_CHANNELS, 'channel')),
            )}
            <div class="field check">
                <input
                    id="agencyReceipt"
                    name="agencyReceipt"
                    type="checkbox"
                    value="yes"
                    ${v.agencyReceipt ? 'checked' : ''}
                    aria-describedby="agencyReceipt-hint"
                />
                <label for="agencyReceipt">${t.t('newTrade.agencyReceipt')}</label>
                <p class="hint" id="agencyReceipt-hint">${t.t('newTrade.agencyReceiptHint')}</p>
            </div>
            ${lineRows(t, form)} ${field(t, form, 'remark', t.t('newTrade.remark'), input(v.remark))}
            <button type="submit" name="op" value="register">${t.t('newTrade.submit')}</button>
        </form>
        <script src="/console/assets/trade-validate.js"></script>`;
}
