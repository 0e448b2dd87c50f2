import { GatewayClient } from '../../../gateway/src/client';
import type { CheckExpectation, Expectation, FlagSubjectType, FraudCase, Market, ReceiptSeed } from '../model';

/**
 * After a load: asks the ledger, through the gateway, whether every labelled case got the answer its label names —
 * the flag on its subject (or, for a near-miss, none), the trade's status, and the bank and customs check verdicts
 * with their reason codes. A refusal's code is judged when the write is answered (load.ts); what only shows after the
 * write is judged here. A case whose writer has no key was not written, and is skipped.
 */

export interface CaseFailure {
    readonly id: string;
    readonly message: string;
}

export interface CasesReport {
    /** Assertions made. */
    readonly total: number;
    readonly passed: number;
    readonly failed: number;
    readonly skipped: number;
    readonly failures: CaseFailure[];
    readonly ms: number;
}

export interface CheckCasesOptions {
    readonly gatewayUrl: string;
    readonly keys: ReadonlyMap<string, string>;
}

interface Labelled {
    readonly id: string;
    readonly writer: string;
    readonly expect: Expectation;
}

interface FlagItem {
    readonly ruleId: string;
    readonly status: string;
}

type Outcome =
    { readonly kind: 'passed' } | { readonly kind: 'failed'; readonly message: string } | { readonly kind: 'skipped' };

const passed: Outcome = { kind: 'passed' };
const failed = (message: string): Outcome => ({ kind: 'failed', message });

/** Every record that carries a label, with the party whose key wrote it. */
function labelled(market: Market): Labelled[] {
    const out: Labelled[] = [];
    const add = (id: string, writer: string, expect: Expectation | undefined): void => {
        if (expect !== undefined) out.push({ id, writer, expect });
    };
    for (const p of market.parties) add(p.input.partyId, market.authorities.operatorId, p.expect);
    for (const t of market.trades) add(t.input.tradeNo, t.registeredBy, t.expect);
    for (const d of market.declarations) add(d.input.declNo, d.filedBy, d.expect);
    for (const r of market.receipts) add(r.input.receiptRef, r.bankPartyId, r.expect);
    for (const e of market.exemptions) add(e.input.filingNo, e.filedBy, e.expect);
    for (const f of market.riskFlags) add(`${f.input.ruleId} on ${f.input.subjectId}`, f.raisedBy, f.expect);
    return out;
}

class Verifier {
    readonly #gateway: GatewayClient;
    readonly #keys: ReadonlyMap<string, string>;
    readonly #market: Market;

    constructor(market: Market, options: CheckCasesOptions) {
        this.#market = market;
        this.#gateway = new GatewayClient({ baseUrl: options.gatewayUrl });
        this.#keys = options.keys;
    }

    async #get(party: string, path: string): Promise<{ status: number; body: unknown }> {
        return this.#gateway.as(this.#keys.get(party)).send('get', path);
    }

    async #flags(subjectType: FlagSubjectType, subjectId: string): Promise<FlagItem[] | string> {
        const query = new URLSearchParams({ subjectType, subjectId, pageSize: '500' }).toString();
        const answer = await this.#get(this.#market.authorities.operatorId, `/v1/risk-flags?${query}`);
        if (answer.status !== 200) return `flags of ${subjectType} ${subjectId}: HTTP ${answer.status}`;
        return (answer.body as { items: FlagItem[] }).items;
    }

    async #tradeStatus(tradeNo: string): Promise<string> {
        const answer = await this.#get(
            this.#market.authorities.operatorId,
            `/v1/trades/${encodeURIComponent(tradeNo)}`,
        );
        return answer.status === 200 ? (answer.body as { status: string }).status : `HTTP ${answer.status}`;
    }

    /** The flag a label names is open on its subject, or (a near-miss) no flag of that rule is there. */
    async record(item: Labelled): Promise<Outcome[]> {
        if (!this.#keys.has(item.writer)) return [{ kind: 'skipped' }];
        const e = item.expect;
        const out: Outcome[] = [];
        if (e.outcome === 'FLAGGED') {
            const flags = await this.#flags(e.subjectType, e.subjectId);
            if (typeof flags === 'string') out.push(failed(flags));
            else if (!flags.some((f) => f.ruleId === e.ruleId && f.status === 'OPEN'))
                out.push(failed(`no open ${e.ruleId} flag on ${e.subjectType} ${e.subjectId}`));
            else out.push(passed);
        }
        if (e.outcome === 'ACCEPTED' && e.unflagged !== undefined) {
            const { ruleId, subjectType, subjectId } = e.unflagged;
            const flags = await this.#flags(subjectType, subjectId);
            if (typeof flags === 'string') out.push(failed(flags));
            else if (flags.some((f) => f.ruleId === ruleId))
                out.push(failed(`near-miss flagged ${ruleId} on ${subjectType} ${subjectId}`));
            else out.push(passed);
        }
        if (e.outcome !== 'REJECTED' && e.status !== undefined) {
            const status = await this.#tradeStatus(item.id);
            out.push(status === e.status ? passed : failed(`trade ${item.id} is ${status}, labelled ${e.status}`));
        }
        return out;
    }

    async #bankCheck(seed: ReceiptSeed, expected: CheckExpectation): Promise<Outcome> {
        if (!this.#keys.has(seed.bankPartyId)) return { kind: 'skipped' };
        // a refused receipt is checked as the proposal it was; a filed one by its ID, on the bank's own data
        const body =
            seed.expect?.outcome === 'REJECTED'
                ? { receipt: withoutFilingFields(seed) }
                : { receiptId: `${seed.bankMspId}:${seed.input.receiptRef}` };
        const answer = await this.#gateway
            .as(this.#keys.get(seed.bankPartyId))
            .send('post', '/v1/receipts/check', { body });
        if (answer.status !== 200) return failed(`bank check: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
        const result = (answer.body as { result: BankCheckAnswer }).result;
        const reasons = result.checks.flatMap((c) => [c.reason, ...c.findings.map((f) => f.reason)]);
        return verdictOutcome('bank check', result.verdict, reasons, expected);
    }

    async #customsCheck(declNo: string, expected: CheckExpectation): Promise<Outcome> {
        const customs = this.#market.authorities.customsId;
        if (!this.#keys.has(customs)) return { kind: 'skipped' };
        const answer = await this.#get(customs, `/v1/declarations/${encodeURIComponent(declNo)}/check`);
        if (answer.status !== 200) return failed(`customs check: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
        const result = (answer.body as { result: CustomsCheckAnswer }).result;
        const reasons = result.checks.flatMap((c) => c.reasons.map((r) => r.code));
        return verdictOutcome('customs check', result.verdict, reasons, expected);
    }

    /** The case's bank and customs check verdicts. */
    async checks(fraud: FraudCase): Promise<Outcome[]> {
        const out: Outcome[] = [];
        const last = (kind: string): string | undefined => fraud.records.filter((r) => r.kind === kind).pop()?.id;
        const { bankCheck, customsCheck } = fraud.expected;
        if (bankCheck !== undefined) {
            const ref = last('receipt');
            const seed = this.#market.receipts.find((r) => r.input.receiptRef === ref);
            out.push(seed === undefined ? failed('no receipt to check') : await this.#bankCheck(seed, bankCheck));
        }
        if (customsCheck !== undefined) {
            const declNo = last('declaration');
            out.push(
                declNo === undefined
                    ? failed('no declaration to check')
                    : await this.#customsCheck(declNo, customsCheck),
            );
        }
        return out;
    }
}

interface BankCheckAnswer {
    readonly verdict: string;
    readonly checks: { readonly reason: string; readonly findings: { readonly reason: string }[] }[];
}

interface CustomsCheckAnswer {
    readonly verdict: string;
    readonly checks: { readonly reasons: { readonly code: string }[] }[];
}

/** A receipt as `POST /v1/receipts/check` takes a proposal: without the filing-only fields. */
export function withoutFilingFields(seed: ReceiptSeed): Record<string, unknown> {
    const proposal: Record<string, unknown> = { ...seed.input };
    delete proposal.channel;
    delete proposal.declaredPurpose;
    return proposal;
}

function verdictOutcome(
    what: string,
    verdict: string,
    reasons: readonly string[],
    expected: CheckExpectation,
): Outcome {
    if (verdict !== expected.verdict)
        return failed(`${what} ${verdict} (${reasons.join(', ')}), labelled ${expected.verdict}`);
    if (expected.reason !== undefined && !reasons.includes(expected.reason))
        return failed(`${what} ${verdict} without ${expected.reason} (${reasons.join(', ')})`);
    return passed;
}

/** Checks every label and every case's check verdicts against the ledger; resolves with what held. */
export async function checkCases(market: Market, options: CheckCasesOptions): Promise<CasesReport> {
    const started = Date.now();
    const verifier = new Verifier(market, options);
    const report = { total: 0, passed: 0, failed: 0, skipped: 0, failures: [] as CaseFailure[] };
    const tally = (id: string, outcomes: readonly Outcome[]): void => {
        for (const o of outcomes) {
            report.total++;
            report[o.kind]++;
            if (o.kind === 'failed') report.failures.push({ id, message: o.message });
        }
    };
    for (const item of labelled(market)) tally(item.id, await verifier.record(item));
    for (const fraud of market.fraudCases) tally(fraud.caseId, await verifier.checks(fraud));
    return { ...report, ms: Date.now() - started };
}
