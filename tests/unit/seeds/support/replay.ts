import '../../chaincode/support/quiet';
import type { Context, Contract } from 'fabric-contract-api';
import { ConsolidationContract } from '../../../../chaincode/src/contracts/consolidation';
import { CustomsContract } from '../../../../chaincode/src/contracts/customs';
import { DeclarationContract } from '../../../../chaincode/src/contracts/declaration';
import { ExemptionContract } from '../../../../chaincode/src/contracts/exemption';
import { FinancingContract } from '../../../../chaincode/src/contracts/financing';
import { GoodsContract } from '../../../../chaincode/src/contracts/goods';
import { IdentityContract } from '../../../../chaincode/src/contracts/identity';
import { PartyContract } from '../../../../chaincode/src/contracts/party';
import { RatesContract } from '../../../../chaincode/src/contracts/rates';
import { ReceiptContract } from '../../../../chaincode/src/contracts/receipt';
import { RiskContract } from '../../../../chaincode/src/contracts/risk';
import { TradeContract } from '../../../../chaincode/src/contracts/trade';
import { ChaincodeError } from '../../../../chaincode/src/lib/errors';
import type { Market } from '../../../../seeds/src/model';
import type { Actor, Operation, Phase } from '../../../../seeds/src/plan';
import { collectionsConfig } from '../../chaincode/support/collections';
import { FakeLedger, type FakeIdentity } from '../../chaincode/support/fake-ledger';
import { identity } from '../../chaincode/support/identities';
import { openFlags } from '../../../../chaincode/src/store/risk-flags';

/**
 * Replays a seed plan's chaincode calls on the in-memory ledger, exactly as the loader would have the gateway
 * submit them: same function, same arguments, same transient data, same caller role and party.
 */

export interface Outcome {
    readonly op: Operation;
    readonly ok: boolean;
    readonly code?: string;
    readonly message?: string;
    readonly result?: unknown;
}

export interface RowOutcome {
    readonly id: string;
    readonly ok: boolean;
    readonly code?: string;
    readonly status?: string;
    readonly riskFlags?: string[];
}

type TxFn = (ctx: Context, ...args: string[]) => Promise<string>;

const CONTRACTS: Readonly<Record<string, Contract>> = {
    PartyContract: new PartyContract(),
    GoodsContract: new GoodsContract(),
    RatesContract: new RatesContract(),
    TradeContract: new TradeContract(),
    ConsolidationContract: new ConsolidationContract(),
    DeclarationContract: new DeclarationContract(),
    CustomsContract: new CustomsContract(),
    ReceiptContract: new ReceiptContract(),
    ExemptionContract: new ExemptionContract(),
    FinancingContract: new FinancingContract(),
    RiskContract: new RiskContract(),
    IdentityContract: new IdentityContract(),
};

export const BANK_ORGS = ['BankOrgMSP', 'Bank2OrgMSP'];

export function fakeIdentity(actor: Actor): FakeIdentity {
    return identity(actor.role, actor.party, actor.mspId);
}

export function txFunction(fn: string): TxFn {
    const [contractName = '', tx = ''] = fn.split(':');
    const contract = CONTRACTS[contractName];
    const method = contract === undefined ? undefined : (contract as unknown as Record<string, unknown>)[tx];
    if (contract === undefined || typeof method !== 'function') throw new Error(`unknown transaction ${fn}`);
    return (method as TxFn).bind(contract);
}

export class Replay {
    readonly ledger = new FakeLedger(['MarketOrgMSP', 'CustomsOrgMSP', ...BANK_ORGS]);
    readonly outcomes: Outcome[] = [];
    readonly rows = new Map<string, RowOutcome>();

    constructor(readonly market: Market) {
        this.ledger.defineCollections([
            ...collectionsConfig(),
            ...BANK_ORGS.map((msp) => ({
                name: `_implicit_org_${msp}`,
                policy: `OR('${msp}.member')`,
                memberOnlyRead: true,
            })),
        ]);
        this.ledger.setTime(`${market.meta.asOf}T01:00:00.000Z`);
    }

    async run(phases: readonly Phase[]): Promise<void> {
        for (const phase of phases) for (const op of phase.ops) await this.runOne(op);
    }

    async runOne(op: Operation): Promise<Outcome> {
        const call = op.ledger;
        if (call === undefined) return { op, ok: true };
        const fn = txFunction(call.fn);
        let outcome: Outcome;
        try {
            const raw = await this.ledger.submit(fakeIdentity(op.actor), (ctx) => fn(ctx, ...call.args), {
                ...(call.transient === undefined ? {} : { transient: call.transient }),
            });
            outcome = { op, ok: true, result: JSON.parse(raw) as unknown };
        } catch (error) {
            if (!(error instanceof ChaincodeError)) throw error;
            outcome = { op, ok: false, code: error.code, message: error.message };
        }
        this.outcomes.push(outcome);
        if (op.rows !== undefined && outcome.ok) {
            const answer = outcome.result as { results: (RowOutcome & { tradeNo: string })[] };
            for (const row of answer.results) this.rows.set(row.tradeNo, { ...row, id: row.tradeNo });
        }
        return outcome;
    }

    async query<T>(actor: Actor, fn: string, ...args: string[]): Promise<T> {
        const tx = txFunction(fn);
        return JSON.parse(await this.ledger.evaluate(fakeIdentity(actor), (ctx) => tx(ctx, ...args))) as T;
    }

    async flags(
        subjectType: 'party' | 'trade' | 'declaration' | 'receipt',
        subjectId: string,
        ruleId: string,
    ): Promise<number> {
        const flags = await this.ledger.evaluate(identity('operator', 'OP-YIWU'), (ctx) =>
            openFlags(ctx, subjectType, subjectId, ruleId),
        );
        return flags.length;
    }
}
