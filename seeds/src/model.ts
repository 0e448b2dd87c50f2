/**
 * The generated market. Every `input` is exactly the JSON argument the chaincode transaction accepts
 * (chaincode/src/contracts/*.ts); `private`/`payer` are the transient (personal) data sent beside it.
 * Everything else is metadata for people, tests and the loader, never sent to the ledger.
 */

import type { z } from 'zod';
import type { GoodsBody, NegativeListBody, QualifiedSuppliersBody } from '../../gateway/src/routes/goods/schema';
import type { PublishRatesBody } from '../../gateway/src/routes/rates/schema';
import type { AgreementBody, ClusterBody, PartyBody } from '../../gateway/src/routes/parties/schema';
import type { TradeBody, TradeLine } from '../../gateway/src/routes/trades/schema';
import type { FinanceBody } from '../../gateway/src/routes/financings/schema';

export type SizeName = 'small' | 'full';

export interface GenerateOptions {
    readonly seed: number;
    readonly size: SizeName;
    /** The market's "today" (YYYY-MM-DD): exits fall in the month before, exemption filings in this month. */
    readonly asOf: string;
}

export type FlagSubjectType = 'party' | 'trade' | 'declaration' | 'receipt';

/**
 * What should happen when a record is written: the chaincode refuses it, accepts it and raises a flag, or (a
 * near-miss) accepts it without raising the flag a cheat just past the threshold would get.
 */
export type Expectation =
    | {
          readonly outcome: 'REJECTED';
          readonly code: string;
          /**
           * The month (YYYY-MM, China's) from which the refusal is no longer due: once a VAT period opens the ledger
           * rightly accepts a claim for it, so a premature claim (F10) is premature only before then. A load made in
           * that month or later does not send the record.
           */
          readonly onlyBefore?: string;
      }
    | {
          readonly outcome: 'FLAGGED';
          readonly ruleId: string;
          readonly subjectType: FlagSubjectType;
          /** A receipt as `<bankMspId>:<receiptRef>`, as the ledger names it. */
          readonly subjectId: string;
          /** Trades only: the status the trade is left in. */
          readonly status?: string;
      }
    | {
          readonly outcome: 'ACCEPTED';
          /** The flag that must not be raised. */
          readonly unflagged?: {
              readonly ruleId: string;
              readonly subjectType: FlagSubjectType;
              readonly subjectId: string;
          };
          /** Trades only: the status the trade is left in. */
          readonly status?: string;
      };

/** Transient keys of RegisterParty: personal data that goes to the private collection only. */
export interface PartyPrivate {
    readonly salt: string;
    readonly idNumber?: string;
    readonly bankAccount?: string;
}

export interface PartySeed {
    readonly input: PartyInput;
    readonly private?: PartyPrivate;
    /** Proprietor of a sole trader (name in Chinese and pinyin), for people reading the data. */
    readonly proprietor?: { readonly nameCn: string; readonly pinyin: string };
    /** Goods category of a vendor or producer (catalog.ts). */
    readonly category?: string;
    readonly expect?: Expectation;
}

/*
 * Inputs the gateway accepts unchanged as a request body: derived from its zod request schemas (one source), so a
 * field added or tightened there is a type error here rather than a seed the gateway refuses.
 */
export type ClusterInput = z.input<typeof ClusterBody>;
/** Personal data travels separately (PartyPrivate), as transient data. */
export type PartyInput = Omit<z.input<typeof PartyBody>, 'private'>;
export type PartyType = PartyInput['type'];
export type AgreementInput = z.input<typeof AgreementBody>;
export type GoodsInput = z.input<typeof GoodsBody>;
export type NegativeListInput = z.input<typeof NegativeListBody>;
/** V11: a cluster's qualified supplier list, published by the operator. */
export interface QualifiedSuppliersSeed {
    readonly clusterId: string;
    readonly input: z.input<typeof QualifiedSuppliersBody>;
}
/** V31: one month's customs rates to USD, published before the declarations and receipts that use them. */
export type ExchangeRatesInput = z.input<typeof PublishRatesBody>;
export type TradeLineInput = z.input<typeof TradeLine>;
export type TradeInput = z.input<typeof TradeBody>;

export interface TradeSeed {
    readonly input: TradeInput;
    /** The party whose key registers it (its vendor, or its agent in bulk). */
    readonly registeredBy: string;
    readonly expect?: Expectation;
}

export interface OrderInput {
    readonly orderCode: string;
    readonly consolidatorId: string;
    readonly agentId: string;
    readonly destCountry: string;
    readonly site: string;
    readonly truckPlate?: string;
    readonly tradeNos: string[];
}

export interface PackingInput {
    readonly packingNo: string;
    readonly consolidatorId: string;
    readonly brokerId: string;
    readonly packDate: string;
    readonly site: string;
    readonly destCountry: string;
    readonly billOfLading?: string;
    readonly containers: {
        readonly containerNo: string;
        readonly type: string;
        readonly sealNo: string;
        readonly tareKg: number;
        readonly orderCodes: string[];
    }[];
}

export interface FxRateInput {
    readonly currency: string;
    readonly rate: string;
}

export interface DeclarationInput {
    readonly declNo: string;
    readonly packingNo: string;
    readonly consignorId: string;
    readonly brokerId: string;
    readonly customsOffice: string;
    readonly exitPort: string;
    readonly destCountry: string;
    readonly tradeCountry: string;
    readonly transportMode: 'SEA' | 'ROAD' | 'RAIL' | 'AIR';
    readonly billOfLading?: string;
    readonly tradeNos: string[];
}

export interface DeclarationSeed {
    readonly input: DeclarationInput;
    /** The party whose key files it (the consignor agent). */
    readonly filedBy: string;
    /** Σ of the trade lines converted at customs' rates (V31), USD cents, as the chaincode computes it. */
    readonly totalValueUsd: number;
    readonly expect?: Expectation;
}

export type CustomsEventKind = 'ACCEPT' | 'ORDER_INSPECTION' | 'INSPECTION_RESULT' | 'RELEASE' | 'EXIT';

export interface CustomsEventSeed {
    readonly declNo: string;
    readonly seq: number;
    readonly kind: CustomsEventKind;
    readonly exitDate?: string;
    readonly reason?: string;
}

export interface ReceiptInput {
    readonly receiptRef: string;
    readonly payeePartyId: string;
    readonly amountMinor: number;
    readonly currency: string;
    readonly valueDate: string;
    readonly channel: 'SWIFT' | 'CIPS' | 'PAYMENT_INSTITUTION';
    readonly declaredPurpose?: string;
    readonly usdRate?: string;
    readonly allocations: {
        readonly tradeNo: string;
        /** The trade line paid, when the receipt pays one line of several (V25 per line). */
        readonly lineId?: string;
        readonly amountMinor: number;
        readonly rate?: string;
    }[];
}

/** Transient `payer` of FileReceipt (personal data, kept in the bank's implicit collection). */
export interface PayerInput {
    readonly salt: string;
    readonly name: string;
    readonly country: string;
    readonly bank?: string;
    readonly account?: string;
    readonly thirdPartyReason?: string;
}

export interface ReceiptSeed {
    readonly input: ReceiptInput;
    readonly bankPartyId: string;
    readonly bankMspId: string;
    readonly payer: PayerInput;
    readonly expect?: Expectation;
}

/** A bank's financing against exported trades (V33), as POST /v1/financings takes it (terms included). */
export type FinancingInput = z.input<typeof FinanceBody>;

export interface FinancingSeed {
    readonly input: FinancingInput;
    readonly bankPartyId: string;
    readonly bankMspId: string;
    readonly expect?: Expectation;
}

export interface ExemptionInput {
    readonly filingNo: string;
    readonly merchantId: string;
    readonly period: string;
    readonly tradeNos: string[];
}

export interface ExemptionSeed {
    readonly input: ExemptionInput;
    readonly filedBy: string;
    readonly expect?: Expectation;
}

export type FraudPattern =
    | 'F1'
    | 'F2'
    | 'F3'
    | 'F4'
    | 'F5'
    | 'F6'
    | 'F7'
    | 'F8'
    | 'F9'
    | 'F10'
    | 'F11'
    | 'V01'
    | 'V02'
    | 'V05'
    | 'V11'
    | 'V25'
    | 'V31'
    | 'OWN';

/** A check verdict the case must get, with a reason code it must hold (a PASS may name none). */
export interface CheckExpectation {
    readonly verdict: 'PASS' | 'REFER' | 'FAIL';
    readonly reason?: string;
}

export interface FraudCase {
    readonly caseId: string;
    readonly pattern: FraudPattern;
    readonly title: string;
    /** A legitimate record just inside a threshold: it must pass, and shows where the line is. */
    readonly nearMiss?: true;
    /** The rule, check or flag that catches the cheat (for near-misses: the one that must stay silent). */
    readonly caughtBy?: string;
    /** The records that carry the case (IDs), in the order they are written. */
    readonly records: { readonly kind: string; readonly id: string }[];
    readonly expected: Expectation & {
        /**
         * Bank check (ReceiptContract.CheckReceipt) of the case's last receipt: of the filed receipt when the ledger
         * accepted it, else of the refused one as a proposal. Verdict and a reason it must hold.
         */
        readonly bankCheck?: CheckExpectation;
        /** Customs check (CustomsContract.CheckDeclaration) of the case's last declaration. */
        readonly customsCheck?: CheckExpectation;
    };
}

/** A risk flag an authority raises by hand (RiskContract.RaiseFlag), e.g. customs recording an IPR hit. */
export interface FlagSeed {
    readonly input: {
        readonly subjectType: FlagSubjectType;
        readonly subjectId: string;
        readonly ruleId: string;
        readonly severity: 'LOW' | 'MEDIUM' | 'HIGH';
        readonly evidence: Readonly<Record<string, string | number | boolean>>;
    };
    /** The authority whose key raises it. */
    readonly raisedBy: string;
    readonly expect: Expectation;
}

export interface Market {
    readonly meta: GenerateOptions & { readonly generator: string; readonly fingerprint: string };
    readonly authorities: { readonly operatorId: string; readonly customsId: string };
    readonly cluster: ClusterInput;
    /** Further recognised clusters, each with its own customs office, stalls and vendors. */
    readonly otherClusters: ClusterInput[];
    readonly parties: PartySeed[];
    readonly agreements: { readonly input: AgreementInput; readonly filedBy: string }[];
    readonly goods: GoodsInput[];
    readonly negativeLists: NegativeListInput[];
    readonly qualifiedSupplierLists: QualifiedSuppliersSeed[];
    readonly exchangeRates: ExchangeRatesInput[];
    readonly trades: TradeSeed[];
    readonly consolidationOrders: OrderInput[];
    readonly packingLists: PackingInput[];
    readonly declarations: DeclarationSeed[];
    readonly customsEvents: CustomsEventSeed[];
    readonly receipts: ReceiptSeed[];
    readonly financings: FinancingSeed[];
    readonly exemptions: ExemptionSeed[];
    readonly riskFlags: FlagSeed[];
    readonly fraudCases: FraudCase[];
}
