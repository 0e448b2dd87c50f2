import { Context, Contract, Info, Transaction } from 'fabric-contract-api';
import { assertOwns, assertSees, authorize, type Actor } from '../lib/auth';
import { banksSeeing } from '../facts/bank-visibility';
import { conflict, invalid, precondition, refused, ruleViolation } from '../lib/errors';
import { txBusinessDate } from '../lib/identity';
import { without } from '../lib/objects';
import { amendedFields, corrected } from '../rules/corrections';
import { LISTS, listPage } from '../lib/lists';
import {
    COUNTRY,
    DATE,
    ID,
    NAME,
    PAGE_SIZE,
    REASON,
    SHA256,
    TEXT,
    arrayOf,
    object,
    oneOf,
    optional,
    parseArg,
    parseJson,
    str,
} from '../lib/validate';
import { RecordType, PARTY_TYPES, type PartyStatus } from '../vocabulary';
import { IndexType, recordKey, Collection, idDocumentKey } from '../model/keys';
import { lastAttribute } from '../store/scan';
import { putIndex, exists, getRecord, mustGetRecord, putRecord } from '../store/records';
import { loadActiveParty, loadParty } from '../store/loaders';
import { type AgencyAgreement, type MarketCluster, type Party, type PartyPrivate, type Street } from '../model/records';
import { raise } from '../store/risk-flags';
import { emit } from '../store/events';
import { getPrivate, putPrivate, transientText } from '../store/private';
import { jsonResult } from '../lib/canonical';
import { saltedHash, sha256Hex } from '../lib/hash';

const CLUSTER = object({
    clusterId: ID,
    name: NAME,
    city: NAME,
    customsOffice: ID,
    acceptanceDate: DATE,
    streets: arrayOf(object({ streetId: ID, name: NAME, stalls: arrayOf(ID, { min: 1, max: 2000 }) }), {
        min: 1,
        max: 500,
    }),
});

/** What an operator may correct on a cluster: names, and stalls added (stalls are never removed: merchants hold them). */
const CLUSTER_AMENDMENT = object({
    name: optional(NAME),
    city: optional(NAME),
    addStalls: optional(
        arrayOf(object({ streetId: ID, name: optional(NAME), stalls: arrayOf(ID, { min: 1, max: 2000 }) }), {
            min: 1,
            max: 500,
        }),
    ),
});
type ClusterAmendment = ReturnType<typeof CLUSTER_AMENDMENT>;

const AGREEMENT_AMENDMENT = object({ validTo: DATE });

const PARTY = object({
    partyId: ID,
    type: oneOf(PARTY_TYPES),
    legalName: NAME,
    nameEn: optional(NAME),
    uscc: optional(str({ pattern: /^[0-9A-Z]{18}$/, max: 18, hint: 'must be an 18-character USCC' })),
    countryCode: COUNTRY,
    nationality: optional(COUNTRY),
    idType: optional(oneOf(['PASSPORT', 'ID_CARD', 'OTHER'] as const)),
    customsRegNo: optional(ID),
    commerceFilingNo: optional(ID),
    clusterId: optional(ID),
    stallNo: optional(ID),
    businessScope: optional(TEXT),
    orgMspId: optional(str({ pattern: /^Bank[A-Za-z0-9]*MSP$/, max: 64, hint: 'must be a Bank*MSP ID' })),
});
type PartyInput = ReturnType<typeof PARTY>;

const AGREEMENT = object({
    agreementNo: ID,
    merchantId: ID,
    agentId: ID,
    validFrom: DATE,
    validTo: DATE,
    documentHash: SHA256,
});

const SALT = str({ min: 16, max: 128 });
const ID_NUMBER = str({ pattern: /^[A-Za-z0-9-]{4,32}$/, max: 32, hint: 'must be 4..32 letters, digits or -' });
const BANK_ACCOUNT = str({
    pattern: /^[A-Za-z0-9 -]{6,40}$/,
    max: 40,
    hint: 'must be 6..40 letters, digits, space or -',
});

/** Allowed status transitions: SUBMITTED → VERIFIED → ACTIVE ↔ SUSPENDED → REVOKED. */
type PartyTransition = 'VerifyParty' | 'ActivateParty' | 'SuspendParty' | 'ReinstateParty' | 'RevokeParty';
type PartyTransitionEvent = 'PartyVerified' | 'PartyActivated' | 'PartySuspended' | 'PartyReinstated' | 'PartyRevoked';
const TRANSITIONS: Readonly<
    Record<PartyTransition, { from: PartyStatus; to: PartyStatus; event: PartyTransitionEvent }>
> = {
    VerifyParty: { from: 'SUBMITTED', to: 'VERIFIED', event: 'PartyVerified' },
    ActivateParty: { from: 'VERIFIED', to: 'ACTIVE', event: 'PartyActivated' },
    SuspendParty: { from: 'ACTIVE', to: 'SUSPENDED', event: 'PartySuspended' },
    ReinstateParty: { from: 'SUSPENDED', to: 'ACTIVE', event: 'PartyReinstated' },
    RevokeParty: { from: 'SUSPENDED', to: 'REVOKED', event: 'PartyRevoked' },
};

/** Market cluster, party filings and their life cycle, agency agreements. Filed by the market operator. */
@Info({ title: 'PartyContract', description: 'Market clusters, party filings, agency agreements' })
export class PartyContract extends Contract {
    constructor() {
        super('PartyContract');
    }

    @Transaction()
    async RegisterCluster(ctx: Context, clusterJson: string): Promise<string> {
        const input = parseJson(clusterJson, CLUSTER, 'cluster');
        const actor = await authorize(ctx, 'PartyContract.RegisterCluster');
        const key = recordKey(ctx, RecordType.cluster, input.clusterId);
        if (await exists(ctx, key)) throw conflict(`cluster ${input.clusterId} is already registered`);
        const stalls = input.streets.flatMap((street) => street.stalls);
        if (new Set(stalls).size !== stalls.length) throw invalid('cluster.streets: a stall number appears twice');
        const cluster: MarketCluster = { docType: 'cluster', ...input, filedBy: actor.signature };
        await putRecord(ctx, key, cluster);
        emit(ctx, 'ClusterRegistered', { clusterId: cluster.clusterId, stalls: stalls.length });
        return jsonResult(cluster);
    }

    /**
     * Corrects a cluster's name or city, or adds stalls (to a street, or on a new street that then needs a name).
     * The customs office and acceptance date are not amendable: V02 and V12 were decided on them for trades on record.
     */
    @Transaction()
    async AmendCluster(ctx: Context, clusterId: string, amendmentJson: string, reason: string): Promise<string> {
        const id = parseArg(clusterId, ID, 'clusterId');
        const amendment = parseJson(amendmentJson, CLUSTER_AMENDMENT, 'amendment');
        const why = parseArg(reason, REASON, 'reason');
        amendedFields(amendment, 'amendment');
        const actor = await authorize(ctx, 'PartyContract.AmendCluster');
        const key = recordKey(ctx, RecordType.cluster, id);
        const cluster = await mustGetRecord<MarketCluster>(ctx, key, 'cluster', `cluster ${id}`);
        const streets = withStalls(cluster.streets, amendment.addStalls ?? []);
        const names = without(amendment, 'addStalls');
        const next = corrected<MarketCluster>({ ...cluster, ...names, streets }, why, actor.signature);
        await putRecord(ctx, key, next);
        const stalls = streets.reduce((sum, street) => sum + street.stalls.length, 0);
        emit(ctx, 'ClusterAmended', { clusterId: id, stalls, amendments: next.amendments ?? 1, reason: why });
        return jsonResult(next);
    }

    @Transaction(false)
    async GetCluster(ctx: Context, clusterId: string): Promise<string> {
        const id = parseArg(clusterId, ID, 'clusterId');
        await authorize(ctx, 'PartyContract.GetCluster');
        const key = recordKey(ctx, RecordType.cluster, id);
        return jsonResult(await mustGetRecord<MarketCluster>(ctx, key, 'cluster', `cluster ${id}`));
    }

    /**
     * Files a party (status SUBMITTED). Transient keys: `salt` (≥16 chars) with `idNumber` (buyers, V08)
     * and/or `bankAccount` (merchants, agents); the values go to the marketPrivate collection, salted
     * hashes to the channel.
     */
    @Transaction()
    async RegisterParty(ctx: Context, partyJson: string): Promise<string> {
        const input = parseJson(partyJson, PARTY, 'party');
        const secrets = readSecrets(ctx);
        const actor = await authorize(ctx, 'PartyContract.RegisterParty');
        const key = recordKey(ctx, RecordType.party, input.partyId);
        if (await exists(ctx, key)) throw conflict(`party ${input.partyId} is already filed`);
        await checkFiling(ctx, input, secrets);
        const party: Party = {
            docType: 'party',
            ...input,
            ...(secrets.idNumber !== undefined ? { idNumberHash: saltedHash(secrets.salt, secrets.idNumber) } : {}),
            ...(secrets.bankAccount !== undefined
                ? { bankAccountHash: saltedHash(secrets.salt, secrets.bankAccount) }
                : {}),
            status: 'SUBMITTED',
            filedBy: actor.signature,
            updatedBy: actor.signature,
        };
        await putRecord(ctx, key, party);
        await putIndex(ctx, IndexType.partyByType, [party.type, party.partyId]);
        const flags = await this.#storePrivate(ctx, party, secrets, actor);
        emit(ctx, 'PartyRegistered', { partyId: party.partyId, type: party.type, riskFlags: flags });
        return jsonResult(party);
    }

    async #storePrivate(ctx: Context, party: Party, secrets: Secrets, actor: Actor): Promise<string[]> {
        if (secrets.idNumber === undefined && secrets.bankAccount === undefined) return [];
        const record: PartyPrivate = {
            docType: 'partyPrivate',
            partyId: party.partyId,
            salt: secrets.salt,
            ...(secrets.idNumber !== undefined ? { idNumber: secrets.idNumber } : {}),
            ...(secrets.bankAccount !== undefined ? { bankAccount: secrets.bankAccount } : {}),
        };
        await putPrivate(ctx, Collection.marketPrivate, recordKey(ctx, RecordType.party, party.partyId), record);
        if (secrets.idNumber === undefined) return [];
        // F11: one identity document behind many buyers. The unsalted digest stays inside the collection.
        const digest = sha256Hex(`${party.idType ?? 'OTHER'}:${secrets.idNumber.toUpperCase()}`);
        const indexKey = idDocumentKey(ctx, digest);
        const previous = (await getPrivate(ctx, Collection.marketPrivate, indexKey)) as
            { partyIds: string[] } | undefined;
        const partyIds = [...(previous?.partyIds ?? []), party.partyId];
        await putPrivate(ctx, Collection.marketPrivate, indexKey, { partyIds });
        if (partyIds.length < 2) return [];
        const flag = await raise(
            ctx,
            {
                subjectType: 'party',
                subjectId: party.partyId,
                ruleId: 'F11',
                severity: 'HIGH',
                evidence: { sharedIdentityDocumentWith: partyIds.filter((id) => id !== party.partyId) },
            },
            actor.signature,
        );
        return flag === null ? [] : [flag.flagId];
    }

    @Transaction()
    VerifyParty(ctx: Context, partyId: string, reason: string): Promise<string> {
        return this.#transition(ctx, 'VerifyParty', partyId, reason);
    }

    @Transaction()
    ActivateParty(ctx: Context, partyId: string, reason: string): Promise<string> {
        return this.#transition(ctx, 'ActivateParty', partyId, reason);
    }

    @Transaction()
    SuspendParty(ctx: Context, partyId: string, reason: string): Promise<string> {
        return this.#transition(ctx, 'SuspendParty', partyId, reason);
    }

    @Transaction()
    ReinstateParty(ctx: Context, partyId: string, reason: string): Promise<string> {
        return this.#transition(ctx, 'ReinstateParty', partyId, reason);
    }

    @Transaction()
    RevokeParty(ctx: Context, partyId: string, reason: string): Promise<string> {
        return this.#transition(ctx, 'RevokeParty', partyId, reason);
    }

    async #transition(ctx: Context, tx: PartyTransition, partyIdArg: string, reasonArg: string): Promise<string> {
        const partyId = parseArg(partyIdArg, ID, 'partyId');
        const reason = parseArg(reasonArg, REASON, 'reason');
        const transition = TRANSITIONS[tx];
        const actor = await authorize(ctx, `PartyContract.${tx}`);
        const party = await loadParty(ctx, partyId);
        if (party.status !== transition.from) {
            throw precondition(`party ${partyId} is ${party.status}; ${tx} needs ${transition.from}`);
        }
        const next: Party = { ...party, status: transition.to, statusReason: reason, updatedBy: actor.signature };
        await putRecord(ctx, recordKey(ctx, RecordType.party, partyId), next);
        emit(ctx, transition.event, { partyId, from: transition.from, to: transition.to });
        return jsonResult(next);
    }

    @Transaction(false)
    async GetParty(ctx: Context, partyId: string): Promise<string> {
        const id = parseArg(partyId, ID, 'partyId');
        const actor = await authorize(ctx, 'PartyContract.GetParty');
        const party = await loadParty(ctx, id);
        assertSees(actor, { bank: await banksSeeing(ctx, actor, party) }, `party ${id}`);
        return jsonResult(party);
    }

    /** The private part (ID number, bank account, salt); only members of marketPrivate can read it. */
    @Transaction(false)
    async GetPartyPrivate(ctx: Context, partyId: string): Promise<string> {
        const id = parseArg(partyId, ID, 'partyId');
        await authorize(ctx, 'PartyContract.GetPartyPrivate');
        await loadParty(ctx, id);
        const record = await getPrivate(ctx, Collection.marketPrivate, recordKey(ctx, RecordType.party, id));
        return jsonResult(record ?? { docType: 'partyPrivate', partyId: id });
    }

    @Transaction(false)
    async ListPartiesByType(ctx: Context, type: string, pageSize: string, bookmark: string): Promise<string> {
        const partyType = parseArg(type, oneOf(PARTY_TYPES), 'type');
        const size = parseJson(pageSize, PAGE_SIZE, 'pageSize');
        const actor = await authorize(ctx, 'PartyContract.ListPartiesByType');
        const list = LISTS['PartyContract.ListPartiesByType'];
        const page = await listPage(ctx, actor, list, [partyType], size, bookmark, (entry) =>
            loadParty(ctx, lastAttribute(entry)),
        );
        return jsonResult({ items: page.items, bookmark: page.bookmark });
    }

    /** An agent files the agency agreement it holds with a merchant (V10); the merchant then signs it. */
    @Transaction()
    async FileAgencyAgreement(ctx: Context, agreementJson: string): Promise<string> {
        const input = parseJson(agreementJson, AGREEMENT, 'agreement');
        if (input.validTo < input.validFrom) throw invalid('agreement.validTo is before validFrom');
        const actor = await authorize(ctx, 'PartyContract.FileAgencyAgreement');
        assertOwns(actor, { agent: input.agentId }, `agreement ${input.agreementNo}`);
        const key = recordKey(ctx, RecordType.agreement, input.agreementNo);
        if (await exists(ctx, key)) throw conflict(`agreement ${input.agreementNo} is already filed`);
        await loadActiveParty(ctx, input.merchantId, ['MERCHANT']);
        await loadActiveParty(ctx, input.agentId, ['AGENT']);
        const agreement: AgencyAgreement = {
            docType: 'agreement',
            ...input,
            status: 'PENDING',
            filedBy: actor.signature,
        };
        await putRecord(ctx, key, agreement);
        await putIndex(ctx, IndexType.agreementByPair, [input.merchantId, input.agentId, input.agreementNo]);
        emit(ctx, 'AgencyAgreementFiled', {
            agreementNo: input.agreementNo,
            merchantId: input.merchantId,
            agentId: input.agentId,
        });
        return jsonResult(agreement);
    }

    @Transaction()
    async SignAgencyAgreement(ctx: Context, agreementNo: string): Promise<string> {
        const id = parseArg(agreementNo, ID, 'agreementNo');
        const actor = await authorize(ctx, 'PartyContract.SignAgencyAgreement');
        const key = recordKey(ctx, RecordType.agreement, id);
        const agreement = await mustGetRecord<AgencyAgreement>(ctx, key, 'agreement', `agreement ${id}`);
        assertSees(actor, { vendor: agreement.merchantId }, `agreement ${id}`);
        if (agreement.status !== 'PENDING') throw precondition(`agreement ${id} is ${agreement.status}, not PENDING`);
        const signed: AgencyAgreement = { ...agreement, status: 'SIGNED', signedBy: actor.signature };
        await putRecord(ctx, key, signed);
        emit(ctx, 'AgencyAgreementSigned', { agreementNo: id });
        return jsonResult(signed);
    }

    /**
     * Moves an agreement's end date earlier (either party): trades already registered under it stay covered, so the
     * new end is not before today. A later end is a new agreement, filed and signed (EXTENSION_NEEDS_AGREEMENT).
     */
    @Transaction()
    async AmendAgencyAgreement(
        ctx: Context,
        agreementNo: string,
        amendmentJson: string,
        reason: string,
    ): Promise<string> {
        const id = parseArg(agreementNo, ID, 'agreementNo');
        const { validTo } = parseJson(amendmentJson, AGREEMENT_AMENDMENT, 'amendment');
        const why = parseArg(reason, REASON, 'reason');
        const actor = await authorize(ctx, 'PartyContract.AmendAgencyAgreement');
        const { key, agreement } = await this.#liveAgreement(ctx, actor, id);
        if (validTo > agreement.validTo) {
            throw refused('EXTENSION_NEEDS_AGREEMENT', `agreement ${id} ends ${agreement.validTo}; file a new one`);
        }
        const today = txBusinessDate(ctx);
        if (validTo < agreement.validFrom || validTo < today) {
            throw invalid(`amendment.validTo ${validTo} is before validFrom ${agreement.validFrom} or today ${today}`);
        }
        const next = corrected<AgencyAgreement>({ ...agreement, validTo }, why, actor.signature);
        await putRecord(ctx, key, next);
        emit(ctx, 'AgencyAgreementAmended', {
            agreementNo: id,
            validTo,
            amendments: next.amendments ?? 1,
            reason: why,
        });
        return jsonResult(next);
    }

    /**
     * Ends an agreement early (either party, or the operator): it covers no new trade (V10) and no agent's exemption
     * filing (V28); what was done under it stays on record.
     */
    @Transaction()
    async TerminateAgencyAgreement(ctx: Context, agreementNo: string, reason: string): Promise<string> {
        const id = parseArg(agreementNo, ID, 'agreementNo');
        const why = parseArg(reason, REASON, 'reason');
        const actor = await authorize(ctx, 'PartyContract.TerminateAgencyAgreement');
        const { key, agreement } = await this.#liveAgreement(ctx, actor, id);
        const next = corrected<AgencyAgreement>({ ...agreement, status: 'TERMINATED' }, why, actor.signature);
        await putRecord(ctx, key, next);
        emit(ctx, 'AgencyAgreementTerminated', { agreementNo: id, amendments: next.amendments ?? 1, reason: why });
        return jsonResult(next);
    }

    /** An agreement the actor is party to (others: as missing) and that is not terminated. */
    async #liveAgreement(ctx: Context, actor: Actor, id: string): Promise<{ key: string; agreement: AgencyAgreement }> {
        const key = recordKey(ctx, RecordType.agreement, id);
        const agreement = await mustGetRecord<AgencyAgreement>(ctx, key, 'agreement', `agreement ${id}`);
        assertSees(actor, { vendor: agreement.merchantId, agent: agreement.agentId }, `agreement ${id}`);
        if (agreement.status === 'TERMINATED') throw refused('ALREADY_VOID', `agreement ${id} is terminated`);
        return { key, agreement };
    }

    @Transaction(false)
    async GetAgencyAgreement(ctx: Context, agreementNo: string): Promise<string> {
        const id = parseArg(agreementNo, ID, 'agreementNo');
        const actor = await authorize(ctx, 'PartyContract.GetAgencyAgreement');
        const key = recordKey(ctx, RecordType.agreement, id);
        const agreement = await mustGetRecord<AgencyAgreement>(ctx, key, 'agreement', `agreement ${id}`);
        assertSees(actor, { vendor: agreement.merchantId, agent: agreement.agentId }, `agreement ${id}`);
        return jsonResult(agreement);
    }
}

/** The cluster's streets with the stalls added: a stall number stays unique in the cluster. */
function withStalls(streets: readonly Street[], additions: NonNullable<ClusterAmendment['addStalls']>): Street[] {
    const next = streets.map((street) => ({ ...street, stalls: [...street.stalls] }));
    const taken = new Set(next.flatMap((street) => street.stalls));
    for (const [index, addition] of additions.entries()) {
        let street = next.find((s) => s.streetId === addition.streetId);
        if (street === undefined) {
            if (addition.name === undefined) {
                throw invalid(`amendment.addStalls[${index}]: new street ${addition.streetId} needs a name`);
            }
            street = { streetId: addition.streetId, name: addition.name, stalls: [] };
            next.push(street);
        }
        for (const stall of addition.stalls) {
            if (taken.has(stall)) throw conflict(`stall ${stall} is already in the cluster`);
            taken.add(stall);
            street.stalls.push(stall);
        }
    }
    return next;
}

interface Secrets {
    readonly salt: string;
    readonly idNumber?: string;
    readonly bankAccount?: string;
}

function readSecrets(ctx: Context): Secrets {
    const salt = transientText(ctx, 'salt');
    const idNumber = transientText(ctx, 'idNumber');
    const bankAccount = transientText(ctx, 'bankAccount');
    const known = new Set(['salt', 'idNumber', 'bankAccount']);
    const unknown = [...ctx.stub.getTransient().keys()].filter((name) => !known.has(name));
    if (unknown.length > 0) throw invalid(`unknown transient key(s): ${unknown.sort().join(', ')}`);
    if ((idNumber !== undefined || bankAccount !== undefined) && salt === undefined) {
        throw invalid('transient salt is required with idNumber or bankAccount');
    }
    return {
        salt: salt === undefined ? '' : parseArg(salt, SALT, 'transient salt'),
        ...(idNumber !== undefined ? { idNumber: parseArg(idNumber, ID_NUMBER, 'transient idNumber') } : {}),
        ...(bankAccount !== undefined
            ? { bankAccount: parseArg(bankAccount, BANK_ACCOUNT, 'transient bankAccount') }
            : {}),
    };
}

/** Filing rules per party type: V08 (buyer identity), V02 (merchant stall in a cluster), V06 (agent filings). */
async function checkFiling(ctx: Context, input: PartyInput, secrets: Secrets): Promise<void> {
    switch (input.type) {
        case 'BUYER':
            if (input.nationality === undefined || input.idType === undefined || secrets.idNumber === undefined) {
                throw ruleViolation('V08', 'a buyer needs nationality, idType and the transient idNumber');
            }
            return;
        case 'MERCHANT':
            return checkStall(ctx, input.clusterId, input.stallNo);
        case 'AGENT':
            if (input.commerceFilingNo === undefined || input.customsRegNo === undefined) {
                throw ruleViolation('V06', 'an agent needs commerceFilingNo and customsRegNo');
            }
            return;
        case 'BANK':
            if (input.orgMspId === undefined) throw invalid('party.orgMspId is required for a BANK');
            return;
        default:
            return;
    }
}

async function checkStall(ctx: Context, clusterId: string | undefined, stallNo: string | undefined): Promise<void> {
    if (clusterId === undefined || stallNo === undefined) {
        throw ruleViolation('V02', 'a merchant needs clusterId and stallNo in a recognised cluster');
    }
    const cluster = await getRecord<MarketCluster>(ctx, recordKey(ctx, RecordType.cluster, clusterId), 'cluster');
    if (cluster === undefined) throw ruleViolation('V02', `cluster ${clusterId} is not registered`);
    if (!cluster.streets.some((street) => street.stalls.includes(stallNo))) {
        throw ruleViolation('V02', `stall ${stallNo} is not in cluster ${clusterId}`);
    }
}
