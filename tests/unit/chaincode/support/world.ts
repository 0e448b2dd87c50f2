import './quiet';
import type { Context } from 'fabric-contract-api';
import { ConsolidationContract } from '../../../../chaincode/src/contracts/consolidation';
import { CustomsContract } from '../../../../chaincode/src/contracts/customs';
import { DeclarationContract } from '../../../../chaincode/src/contracts/declaration';
import { DocumentContract } from '../../../../chaincode/src/contracts/document';
import { ExemptionContract } from '../../../../chaincode/src/contracts/exemption';
import { FinancingContract } from '../../../../chaincode/src/contracts/financing';
import { GoodsContract } from '../../../../chaincode/src/contracts/goods';
import { HistoryContract } from '../../../../chaincode/src/contracts/history';
import { IdentityContract } from '../../../../chaincode/src/contracts/identity';
import { PartyContract } from '../../../../chaincode/src/contracts/party';
import { RatesContract } from '../../../../chaincode/src/contracts/rates';
import { ReceiptContract } from '../../../../chaincode/src/contracts/receipt';
import { ReconciliationContract } from '../../../../chaincode/src/contracts/reconciliation';
import { RiskContract } from '../../../../chaincode/src/contracts/risk';
import { TradeContract } from '../../../../chaincode/src/contracts/trade';
import { collectionsConfig } from './collections';
import { FakeLedger, type FakeIdentity, type TxOptions } from './fake-ledger';
import * as id from './identities';

/**
 * A small market on a fake ledger, built through the real transactions: one cluster, two vendors, two
 * agents, two buyers, a producer, a consolidator, a broker and a bank; signed agency agreements; nine goods
 * across five HS chapters. Helpers push trades through consolidation, packing and declaration.
 */
export const TRADE_DATE = '2024-03-10';
/** The world's clock starts at 2024-03-25 10:00 in Beijing; every transaction is one second later. */
export const CLOCK_START = '2024-03-25T02:00:00.000Z';
/** The China business date of the world's transactions: declarations are dated, released and exit on it. */
export const TODAY = '2024-03-25';

export interface GoodsSpec {
    readonly code: string;
    readonly hs: string;
    readonly owner: string;
    readonly min: number;
    readonly max: number;
    readonly itemiseAlways?: boolean;
}

export const GOODS: readonly GoodsSpec[] = [
    { code: 'G1', hs: '6109100021', owner: 'V1', min: 100, max: 1000 },
    { code: 'G2', hs: '6110200011', owner: 'V1', min: 100, max: 5000 },
    { code: 'G3', hs: '9503000090', owner: 'V1', min: 50, max: 2000 },
    { code: 'G4', hs: '9504500000', owner: 'V1', min: 50, max: 2000 },
    { code: 'G5', hs: '3926100000', owner: 'V1', min: 10, max: 500 },
    { code: 'G6', hs: '3924100000', owner: 'V1', min: 10, max: 500 },
    { code: 'G7', hs: '6307909000', owner: 'V1', min: 10, max: 500 },
    { code: 'G8', hs: '8516310000', owner: 'V1', min: 500, max: 9000, itemiseAlways: true },
    { code: 'G9', hs: '6109100021', owner: 'V2', min: 100, max: 1000 },
    { code: 'MASK', hs: '6307900010', owner: 'V1', min: 10, max: 500 },
];

export interface LineSpec {
    readonly goods: string;
    readonly qty: number;
    readonly unitPrice: number;
}

export class World {
    readonly ledger = new FakeLedger();
    readonly party = new PartyContract();
    readonly goods = new GoodsContract();
    readonly trade = new TradeContract();
    readonly consolidation = new ConsolidationContract();
    readonly declaration = new DeclarationContract();
    readonly customs = new CustomsContract();
    readonly history = new HistoryContract();
    readonly risk = new RiskContract();
    readonly document = new DocumentContract();
    readonly receipt = new ReceiptContract();
    readonly reconciliation = new ReconciliationContract();
    readonly exemption = new ExemptionContract();
    readonly financing = new FinancingContract();
    readonly identity = new IdentityContract();
    readonly rates = new RatesContract();

    constructor() {
        this.ledger.defineCollections(collectionsConfig());
        this.ledger.setTime(CLOCK_START);
    }

    async submit<T>(who: FakeIdentity, fn: (ctx: Context) => Promise<T>, options?: TxOptions): Promise<T> {
        return this.ledger.submit(who, fn, options);
    }

    async json<T = Record<string, unknown>>(
        who: FakeIdentity,
        fn: (ctx: Context) => Promise<string>,
        options?: TxOptions,
    ): Promise<T> {
        return JSON.parse(await this.ledger.submit(who, fn, options)) as T;
    }

    async query<T = Record<string, unknown>>(who: FakeIdentity, fn: (ctx: Context) => Promise<string>): Promise<T> {
        return JSON.parse(await this.ledger.evaluate(who, fn)) as T;
    }

    /** Files and activates a party as the operator. */
    async fileParty(party: Record<string, unknown>, transient?: Record<string, string>): Promise<void> {
        const op = id.operator();
        await this.submit(
            op,
            (ctx) => this.party.RegisterParty(ctx, JSON.stringify(party)),
            transient ? { transient } : {},
        );
        const partyId = String(party.partyId);
        await this.submit(op, (ctx) => this.party.VerifyParty(ctx, partyId, 'documents checked'));
        await this.submit(op, (ctx) => this.party.ActivateParty(ctx, partyId, 'filing complete'));
    }

    static async market(): Promise<World> {
        const w = new World();
        const op = id.operator();
        await w.submit(op, (ctx) =>
            w.party.RegisterCluster(
                ctx,
                JSON.stringify({
                    clusterId: 'YIWU',
                    name: 'Yiwu International Trade City',
                    city: 'Yiwu',
                    customsOffice: '2920',
                    acceptanceDate: '2014-01-01',
                    streets: [{ streetId: 'D1', name: 'District 1', stalls: ['S1', 'S2', 'S3'] }],
                }),
            ),
        );
        await w.fileParty({
            partyId: 'V1',
            type: 'MERCHANT',
            legalName: '义乌一号商行',
            countryCode: 'CN',
            clusterId: 'YIWU',
            stallNo: 'S1',
        });
        await w.fileParty({
            partyId: 'V2',
            type: 'MERCHANT',
            legalName: '义乌二号商行',
            countryCode: 'CN',
            clusterId: 'YIWU',
            stallNo: 'S2',
        });
        for (const agentId of ['A1', 'A2']) {
            await w.fileParty({
                partyId: agentId,
                type: 'AGENT',
                legalName: `Agent ${agentId}`,
                countryCode: 'CN',
                commerceFilingNo: `CF-${agentId}`,
                customsRegNo: `CR-${agentId}`,
            });
        }
        for (const [buyerId, passport] of [
            ['B1', 'E1234567'],
            ['B2', 'E7654321'],
        ] as const) {
            await w.fileParty(
                {
                    partyId: buyerId,
                    type: 'BUYER',
                    legalName: `Buyer ${buyerId}`,
                    nameEn: `Buyer ${buyerId}`,
                    countryCode: 'AE',
                    nationality: 'AE',
                    idType: 'PASSPORT',
                },
                { idNumber: passport, salt: `salt-for-${buyerId}-0123456789` },
            );
        }
        await w.fileParty({ partyId: 'P1', type: 'PRODUCER', legalName: 'Producer One', countryCode: 'CN' });
        await w.fileParty({ partyId: 'C1', type: 'CONSOLIDATOR', legalName: 'Consolidator One', countryCode: 'CN' });
        await w.fileParty({ partyId: 'K1', type: 'BROKER', legalName: 'Broker One', countryCode: 'CN' });
        await w.fileParty({
            partyId: 'BK1',
            type: 'BANK',
            legalName: 'Bank One',
            countryCode: 'CN',
            orgMspId: 'BankOrgMSP',
        });
        for (const [no, merchantId] of [
            ['AG1', 'V1'],
            ['AG2', 'V2'],
        ] as const) {
            await w.submit(id.agent('A1'), (ctx) =>
                w.party.FileAgencyAgreement(
                    ctx,
                    JSON.stringify({
                        agreementNo: no,
                        merchantId,
                        agentId: 'A1',
                        validFrom: '2024-01-01',
                        validTo: '2024-12-31',
                        documentHash: 'a'.repeat(64),
                    }),
                ),
            );
            await w.submit(id.vendor(merchantId), (ctx) => w.party.SignAgencyAgreement(ctx, no));
        }
        for (const g of GOODS) await w.registerGoods(g);
        return w;
    }

    /** Customs publishes `rates` (currency → USD per unit) for `month` as `version` (V31). */
    async publishRates(month: string, rates: Record<string, string>, version = 1): Promise<Record<string, unknown>> {
        const input = { month, version, rates: Object.entries(rates).map(([currency, rate]) => ({ currency, rate })) };
        return this.json(id.customs(), (ctx) => this.rates.PublishRates(ctx, JSON.stringify(input)));
    }

    async registerGoods(g: GoodsSpec): Promise<void> {
        await this.submit(id.vendor(g.owner), (ctx) =>
            this.goods.RegisterGoods(
                ctx,
                JSON.stringify({
                    goodsCode: g.code,
                    ownerId: g.owner,
                    nameCn: `商品${g.code}`,
                    nameEn: `Goods ${g.code}`,
                    hsCode: g.hs,
                    unit: 'PCS',
                    producerId: 'P1',
                    ...(g.itemiseAlways === true ? { itemiseAlways: true } : {}),
                    priceRange: { currency: 'USD', minUnitPrice: g.min, maxUnitPrice: g.max },
                }),
            ),
        );
    }

    tradeInput(
        tradeNo: string,
        lines: readonly LineSpec[],
        overrides: Record<string, unknown> = {},
    ): Record<string, unknown> {
        return {
            tradeNo,
            vendorId: 'V1',
            agentId: 'A1',
            buyerId: 'B1',
            tradeDate: TRADE_DATE,
            currency: 'USD',
            agencyReceipt: false,
            paymentTerms: 'PREPAID',
            paymentChannel: 'BANK',
            lines: lines.map((l, i) => ({
                lineId: `L${i + 1}`,
                goodsCode: l.goods,
                qty: l.qty,
                unitPrice: l.unitPrice,
                amount: l.qty * l.unitPrice,
            })),
            documents: ['b'.repeat(64)],
            ...overrides,
        };
    }

    async registerTrade(
        tradeNo: string,
        lines: readonly LineSpec[],
        overrides: Record<string, unknown> = {},
    ): Promise<Record<string, unknown>> {
        const input = this.tradeInput(tradeNo, lines, overrides);
        const who = id.vendor(String(input.vendorId));
        return this.json(who, (ctx) => this.trade.RegisterTrade(ctx, JSON.stringify(input)));
    }

    async consolidate(orderCode: string, tradeNos: readonly string[]): Promise<void> {
        await this.submit(id.consolidator('C1'), (ctx) =>
            this.consolidation.CreateConsolidationOrder(
                ctx,
                JSON.stringify({
                    orderCode,
                    consolidatorId: 'C1',
                    agentId: 'A1',
                    destCountry: 'AE',
                    site: 'YIWU-CSP',
                    tradeNos,
                }),
            ),
        );
    }

    async pack(packingNo: string, orderCodes: readonly string[], containerNo = 'MSCU1234567'): Promise<void> {
        await this.submit(id.consolidator('C1'), (ctx) =>
            this.consolidation.RecordPackingList(
                ctx,
                JSON.stringify({
                    packingNo,
                    consolidatorId: 'C1',
                    brokerId: 'K1',
                    packDate: '2024-03-15',
                    site: 'YIWU-CSP',
                    destCountry: 'AE',
                    containers: [{ containerNo, type: '45G1', sealNo: `SEAL-${packingNo}`, tareKg: 3800, orderCodes }],
                }),
            ),
        );
    }

    declarationInput(
        declNo: string,
        packingNo: string,
        tradeNos: readonly string[],
        overrides: Record<string, unknown> = {},
    ): Record<string, unknown> {
        return {
            declNo,
            packingNo,
            consignorId: 'A1',
            brokerId: 'K1',
            customsOffice: '2920',
            exitPort: 'CNNGB',
            declDate: TODAY,
            destCountry: 'AE',
            tradeCountry: 'AE',
            transportMode: 'SEA',
            tradeNos,
            ...overrides,
        };
    }

    async fileDeclaration(
        declNo: string,
        packingNo: string,
        tradeNos: readonly string[],
        overrides: Record<string, unknown> = {},
    ): Promise<Record<string, unknown>> {
        const input = this.declarationInput(declNo, packingNo, tradeNos, overrides);
        return this.json(id.broker('K1'), (ctx) => this.declaration.FileDeclaration(ctx, JSON.stringify(input)));
    }

    /** Trades registered, consolidated in one order, packed, declared: returns the declaration. */
    async declared(declNo: string, trades: Record<string, readonly LineSpec[]>): Promise<Record<string, unknown>> {
        const tradeNos = Object.keys(trades);
        for (const [tradeNo, lines] of Object.entries(trades)) await this.registerTrade(tradeNo, lines);
        await this.consolidate(`O-${declNo.slice(-4)}`, tradeNos);
        await this.pack(`PK-${declNo.slice(-4)}`, [`O-${declNo.slice(-4)}`]);
        return this.fileDeclaration(declNo, `PK-${declNo.slice(-4)}`, tradeNos);
    }
}

export const DECL1 = '292020240000000001';
export const DECL2 = '292020240000000002';
