import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import type { MessageKey } from '../messages';
import { txLink } from './ledger-links';

/**
 * The market dashboard (docs/console.md, docs/indicators.md): the pilot's indicators per month as a table and as
 * inline SVG charts (no script, no library), every figure a link to the console list of the records it counts.
 */

export interface Figure {
    readonly value: number | null;
    readonly count: number;
    readonly records: string;
}
export type MonthFigures = Readonly<Record<string, Figure | string>> & { readonly month: string };

export interface MarketForm {
    readonly cluster: string;
    readonly from: string;
    readonly to: string;
}

type Kind = 'usd' | 'count' | 'ratio' | 'days';

/** The rows of the table, in order, and how each figure reads. */
const ROWS: readonly (readonly [string, Kind])[] = [
    ['exportValueUsd', 'usd'],
    ['exportCount', 'count'],
    ['growthMonthOnMonth', 'ratio'],
    ['growthYearOnYear', 'ratio'],
    ['activeVendors', 'count'],
    ['activeAgents', 'count'],
    ['activeBuyers', 'count'],
    ['buyerCountries', 'count'],
    ['flaggedOrReturnedShare', 'ratio'],
    ['incomeUsd', 'usd'],
    ['settlementRate', 'ratio'],
    ['daysExitToIncome', 'days'],
    ['exemptionFilings', 'count'],
    ['exemptionFilingRate', 'ratio'],
    ['clearanceDays', 'days'],
];

/** `/v1/worklists/<list>?<filters>` as the console's records page. */
export function recordsHref(records: string): string {
    const [path = '', query = ''] = records.split('?');
    const list = path.replace('/v1/worklists/', '');
    return `/market/records?list=${encodeURIComponent(list)}${query === '' ? '' : `&${query}`}`;
}

function formatted(t: Translator, kind: Kind, value: number | null): string {
    if (value === null) return '—';
    if (kind === 'usd') return t.money(value, 'USD');
    if (kind === 'ratio') return `${(value * 100).toFixed(1)}%`;
    if (kind === 'days') return t.t('market.days', { days: value.toFixed(1) });
    return t.count(value);
}

const figureOf = (month: MonthFigures, name: string): Figure | undefined => {
    const figure = month[name];
    return typeof figure === 'object' ? figure : undefined;
};

export function marketForm(t: Translator, form: MarketForm): SafeHtml {
    return html`<form method="get" action="/market" class="filters">
        <label
            >${t.t('market.cluster')}
            <input name="cluster" value="${form.cluster}" placeholder="${t.t('market.wholeMarket')}" maxlength="64"
        /></label>
        <label>${t.t('market.from')} <input name="from" type="month" value="${form.from}" required /></label>
        <label>${t.t('market.to')} <input name="to" type="month" value="${form.to}" required /></label>
        <button type="submit">${t.t('market.show')}</button>
    </form>`;
}

const WIDTH = 360;
const HEIGHT = 160;
const AXIS = 20;

/** A bar per month, each bar a link to the month's records; labels under the bars. */
function barChart(t: Translator, months: readonly MonthFigures[], name: string, kind: Kind): SafeHtml {
    const figures = months.map((month) => figureOf(month, name));
    const top = Math.max(1, ...figures.map((f) => f?.value ?? 0));
    const slot = WIDTH / Math.max(1, months.length);
    const label = t.t(`market.${name}` as MessageKey);
    const bars = months.map((month, i) => {
        const figure = figures[i];
        const value = figure?.value ?? 0;
        const height = Math.round(((HEIGHT - AXIS) * value) / top);
        const x = Math.round(i * slot + slot * 0.15);
        const text = `${month.month}: ${formatted(t, kind, figure?.value ?? null)}`;
        return html`<a href="${recordsHref(figure?.records ?? '')}" aria-label="${label} ${text}">
            <rect
                x="${x}"
                y="${HEIGHT - AXIS - height}"
                width="${Math.max(1, Math.round(slot * 0.7))}"
                height="${height}"
                class="bar"
                fill="#2b6cb0"
            >
                <title>${text}</title>
            </rect>
            <text x="${Math.round(i * slot + slot / 2)}" y="${HEIGHT - 5}" text-anchor="middle" font-size="10">
                ${month.month.slice(2)}
            </text>
        </a>`;
    });
    return html`<figure class="chart">
        <figcaption>${label}</figcaption>
        <svg
            viewBox="0 0 ${WIDTH} ${HEIGHT}"
            width="100%"
            role="img"
            aria-label="${label}"
            xmlns="http://www.w3.org/2000/svg"
        >
            <line x1="0" y1="${HEIGHT - AXIS}" x2="${WIDTH}" y2="${HEIGHT - AXIS}" stroke="#888" />
            ${bars}
        </svg>
    </figure>`;
}

/** The indicator table (months as columns) and the charts of export value, count and settlement rate. */
export function marketDashboard(t: Translator, months: readonly MonthFigures[]): SafeHtml {
    const rows = ROWS.map(([name, kind]) => {
        const cells = months.map((month) => {
            const figure = figureOf(month, name);
            if (figure === undefined) return html`<td></td>`;
            return html`<td class="num">
                <a href="${recordsHref(figure.records)}" data-indicator="${name}" data-month="${month.month}"
                    >${formatted(t, kind, figure.value)}</a
                >
            </td>`;
        });
        return html`<tr>
            <th scope="row">${t.t(`market.${name}` as MessageKey)}</th>
            ${cells}
        </tr>`;
    });
    return html`<p>${t.t('page.market.intro')}</p>
        <div class="charts">
            ${barChart(t, months, 'exportValueUsd', 'usd')} ${barChart(t, months, 'exportCount', 'count')}
            ${barChart(t, months, 'settlementRate', 'ratio')}
        </div>
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">${t.t('market.indicator')}</th>
                        ${months.map((month) => html`<th scope="col" class="num">${month.month}</th>`)}
                    </tr>
                </thead>
                <tbody>
                    ${rows}
                </tbody>
            </table>
        </div>`;
}

/** The columns of each list a figure links to: [heading, the item's field]. */
const COLUMNS: Readonly<Record<string, readonly (readonly [MessageKey, string])[]>> = {
    declarations: [
        ['col.declaration', 'declNo'],
        ['market.col.exitDate', 'exitDate'],
        ['market.col.valueUsd', 'totalValueUsd'],
        ['col.status', 'status'],
    ],
    parties: [
        ['market.col.party', 'partyId'],
        ['market.col.name', 'legalName'],
        ['market.col.type', 'type'],
        ['market.col.country', 'countryCode'],
    ],
    exemptions: [
        ['market.col.filing', 'filingNo'],
        ['market.col.merchant', 'merchantId'],
        ['market.col.exportMonth', 'exportMonth'],
        ['col.status', 'status'],
    ],
};

/** Lists a figure may link to. */
export const RECORD_LISTS = Object.keys(COLUMNS);

/** One page of the records behind a figure, each with the transaction that last changed it. */
export function recordsPage(
    t: Translator,
    list: string,
    items: readonly Readonly<Record<string, unknown>>[],
    next: string | null,
): SafeHtml {
    const columns = COLUMNS[list] ?? [];
    const cell = (item: Readonly<Record<string, unknown>>, field: string): string => {
        const value = item[field];
        if (field === 'totalValueUsd' && typeof value === 'number') return t.money(value, 'USD');
        return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
    };
    const body =
        items.length === 0
            ? html`<p>${t.t('market.noRecords')}</p>`
            : html`<div class="table-wrap">
                  <table>
                      <thead>
                          <tr>
                              ${columns.map(([heading]) => html`<th scope="col">${t.t(heading)}</th>`)}
                              <th scope="col">${t.t('col.tx')}</th>
                          </tr>
                      </thead>
                      <tbody>
                          ${items.map(
                              (item) =>
                                  html`<tr>
                                      ${columns.map(([, field]) => html`<td>${cell(item, field)}</td>`)}
                                      <td>${typeof item.txId === 'string' ? txLink(item.txId) : ''}</td>
                                  </tr>`,
                          )}
                      </tbody>
                  </table>
              </div>`;
    return html`<p><a href="/market">${t.t('market.back')}</a></p>
        ${body}${next === null ? '' : html`<p><a href="${next}">${t.t('trades.next')}</a></p>`}`;
}
