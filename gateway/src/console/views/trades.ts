import type { z } from 'zod';
import type { page } from '../../routes/common';
import type { TradeHistory, TradeRecord } from '../../routes/trades/schema';
import type { TradeItem } from '../../routes/worklists/schema';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import { historyTable, txLink } from './ledger-links';
import { liveList } from './live';

/** What changes a row of the trades list: its trade, its declaration (the status follows it), its income. */
const TRADE_LIST_SUBJECTS = ['trades', 'declarations', 'receipts'] as const;

type Trade = z.output<typeof TradeRecord>;
export type TradePage = z.output<ReturnType<typeof page<typeof TradeRecord>>>;
/** What the trades work list adds to a trade: the income allocated to it. */
export type TradeIncome = Pick<z.output<typeof TradeItem>, 'tradeNo' | 'currency' | 'allocatedAmount' | 'receiptCount'>;

const statusOf = (t: Translator, status: string): SafeHtml =>
    html`<span class="status status-${status.toLowerCase()}">${t.lookup(`status.${status}`, status)}</span>`;

const incomeCell = (t: Translator, income: TradeIncome | undefined): string =>
    income === undefined
        ? '—'
        : t.t('trades.income', {
              amount: t.money(income.allocatedAmount, income.currency),
              count: t.count(income.receiptCount),
          });

/**
 * The caller's trades with their customs status (the trade status follows the declaration) and, where the read model
 * has it, the income allocated to each; a link to the next page when there is one.
 */
export function tradeList(
    t: Translator,
    party: string,
    trades: TradePage,
    income?: ReadonlyMap<string, TradeIncome>,
): SafeHtml {
    const intro = html`<p>${t.t('page.myTrades.intro', { party })}</p>`;
    if (trades.items.length === 0)
        return html`${intro}${liveList(t, TRADE_LIST_SUBJECTS, html`<p>${t.t('trades.empty')}</p>`)}`;
    const rows = trades.items.map(
        (trade) =>
            html`<tr>
                <th scope="row"><a href="/trades/${encodeURIComponent(trade.tradeNo)}">${trade.tradeNo}</a></th>
                <td>${t.date(trade.tradeDate)}</td>
                <td>${trade.buyerId}</td>
                <td class="num">${t.money(trade.totalAmount, trade.currency)}</td>
                <td>${statusOf(t, trade.status)}</td>
                <td>${trade.declNo ?? t.t('trade.notDeclared')}</td>
                <td class="num">${incomeCell(t, income?.get(trade.tradeNo))}</td>
            </tr>`,
    );
    const next =
        trades.bookmark === ''
            ? ''
            : html`<p><a href="/trades?bookmark=${encodeURIComponent(trades.bookmark)}">${t.t('trades.next')}</a></p>`;
    const list = html`<div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">${t.t('col.tradeNo')}</th>
                        <th scope="col">${t.t('col.tradeDate')}</th>
                        <th scope="col">${t.t('col.buyer')}</th>
                        <th scope="col" class="num">${t.t('col.total')}</th>
                        <th scope="col">${t.t('col.status')}</th>
                        <th scope="col">${t.t('col.declaration')}</th>
                        <th scope="col" class="num">${t.t('col.income')}</th>
                    </tr>
                </thead>
                <tbody data-live-rows>
                    ${rows}
                </tbody>
            </table>
        </div>
        ${next}`;
    return html`${intro}${liveList(t, TRADE_LIST_SUBJECTS, list)}`;
}

function facts(t: Translator, trade: Trade): SafeHtml {
    return html`<dl class="facts">
        <dt>${t.t('col.status')}</dt>
        <dd>${statusOf(t, trade.status)}</dd>
        <dt>${t.t('col.tradeDate')}</dt>
        <dd>${t.date(trade.tradeDate)}</dd>
        <dt>${t.t('col.vendor')}</dt>
        <dd>${trade.vendorId}</dd>
        <dt>${t.t('col.agent')}</dt>
        <dd>${trade.agentId}</dd>
        <dt>${t.t('col.buyer')}</dt>
        <dd>${trade.buyerId}</dd>
        <dt>${t.t('col.total')}</dt>
        <dd>${t.money(trade.totalAmount, trade.currency)}</dd>
        <dt>${t.t('col.declaration')}</dt>
        <dd>${trade.declNo ?? t.t('trade.notDeclared')}</dd>
    </dl>`;
}

function lines(t: Translator, trade: Trade): SafeHtml {
    return html`<h2>${t.t('trade.lines')}</h2>
        <div class="table-wrap">
            <table>
                <thead>
                    <tr>
                        <th scope="col">${t.t('col.goods')}</th>
                        <th scope="col">${t.t('col.hsCode')}</th>
                        <th scope="col" class="num">${t.t('col.qty')}</th>
                        <th scope="col" class="num">${t.t('col.unitPrice')}</th>
                        <th scope="col" class="num">${t.t('col.amount')}</th>
                    </tr>
                </thead>
                <tbody>
                    ${trade.lines.map(
                        (line) =>
                            html`<tr>
                                <th scope="row">${line.goodsCode} · ${line.nameEn}</th>
                                <td>${line.hsCode}</td>
                                <td class="num">${t.count(line.qty)} ${line.unit}</td>
                                <td class="num">${t.money(line.unitPrice, trade.currency)}</td>
                                <td class="num">${t.money(line.amount, trade.currency)}</td>
                            </tr>`,
                    )}
                </tbody>
            </table>
        </div>`;
}

function history(t: Translator, entries: z.output<typeof TradeHistory>['history']): SafeHtml {
    return historyTable(
        t,
        entries.map((entry) => {
            const status = entry.value?.status;
            return html`<tr>
                <td>${t.dateTime(entry.timestamp)}</td>
                <td>${typeof status === 'string' ? statusOf(t, status) : ''}</td>
                <td>${txLink(entry.txId)}</td>
            </tr>`;
        }),
        { signer: false },
    );
}

/** One trade: its facts, goods lines and every committed version. */
export function tradePage(t: Translator, trade: Trade, entries: z.output<typeof TradeHistory>['history']): SafeHtml {
    return html`${facts(t, trade)}${lines(t, trade)}${history(t, entries)}`;
}
