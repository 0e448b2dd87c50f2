import { checkDraftAlone, checkGoods, type DraftLine } from '../../../chaincode/src/rules/trade-rules';
import type { Goods } from '../../../chaincode/src/model/records';
import { toApiError, type ApiError } from '../http/errors';
import { parse } from '../http/route';
import { ChaincodeRejection } from '../ledger/errors';
import { TradeBody } from '../routes/trades/schema';

/**
 * What `POST /v1/trades` would refuse in a trade body, found without the ledger: the route's own request schema, then
 * the chaincode's own rules a draft breaks by itself (V32 and amounts, V26) and, per line, V03 against the goods
 * registry entries the caller can see. Each problem is an {@link ApiError} exactly as the API would answer it, so
 * the console shows the same words while a vendor types as after a submit. Rules that need other ledger records
 * (parties, cluster, agreement, negative list) are judged on submit only.
 */

/** The registry entries of the goods codes a form names, as far as they are known (absent: not registered). */
export type KnownGoods = ReadonlyMap<string, Pick<Goods, 'ownerId' | 'status'>>;

interface BodyShape {
    readonly tradeNo?: unknown;
    readonly vendorId?: unknown;
    readonly agentId?: unknown;
    readonly buyerId?: unknown;
    readonly tradeDate?: unknown;
    readonly currency?: unknown;
    readonly paymentChannel?: unknown;
    readonly lines?: unknown;
}

const asText = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The lines whose numbers are whole (the rest are the schema's to refuse). */
function countableLines(lines: unknown): DraftLine[] {
    if (!Array.isArray(lines)) return [];
    return (lines as Partial<Record<keyof DraftLine, unknown>>[]).flatMap((line) => {
        const { qty, unitPrice, amount } = line;
        const numbers = [qty, unitPrice, amount];
        if (!numbers.every((n) => typeof n === 'number' && Number.isSafeInteger(n))) return [];
        return [
            {
                lineId: asText(line.lineId),
                goodsCode: asText(line.goodsCode),
                qty: qty as number,
                unitPrice: unitPrice as number,
                amount: amount as number,
            },
        ];
    });
}

const rejection = (error: { code: string; message: string }): ApiError =>
    toApiError(new ChaincodeRejection(error.code, error.message));

/**
 * Every problem of `body` the API and chaincode would name, in their words: the schema's (one error listing each
 * field), the draft's own rule, and a V03 refusal per line whose goods `known` says are not the vendor's.
 * `today` is the China business date the ledger would use (V32).
 */
export function tradeProblems(body: unknown, known: KnownGoods | undefined, today: string): ApiError[] {
    const problems: ApiError[] = [];
    try {
        parse(TradeBody, body, 'body');
    } catch (error) {
        problems.push(toApiError(error));
    }
    const shape = (typeof body === 'object' && body !== null ? body : {}) as BodyShape;
    const lines = countableLines(shape.lines);
    const draft = {
        tradeNo: asText(shape.tradeNo),
        vendorId: asText(shape.vendorId),
        agentId: asText(shape.agentId),
        buyerId: asText(shape.buyerId),
        tradeDate: asText(shape.tradeDate),
        currency: asText(shape.currency),
        paymentChannel: asText(shape.paymentChannel),
        lines,
    };
    const own = checkDraftAlone(draft, today);
    if (own !== null) problems.push(rejection(own));
    if (known !== undefined) {
        // V03 needs only the goods code: a line whose numbers are not typed yet is judged too
        for (const goodsCode of goodsCodesOf(body)) {
            const line = { lineId: '', goodsCode, qty: 0, unitPrice: 0, amount: 0 };
            const refused = checkGoods({ ...draft, lines: [line] }, known);
            if (refused !== null) problems.push(rejection(refused));
        }
    }
    return problems;
}

/** The goods codes a trade body names (to look up before {@link tradeProblems}). */
export function goodsCodesOf(body: unknown): string[] {
    const lines = (typeof body === 'object' && body !== null ? (body as { lines?: unknown }) : {}).lines;
    if (!Array.isArray(lines)) return [];
    const codes = (lines as { goodsCode?: unknown }[]).map((line) => asText(line.goodsCode)).filter((c) => c !== '');
    return [...new Set(codes)];
}
