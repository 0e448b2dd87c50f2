import { beforeEach, describe, expect, it } from '@jest/globals';
import type { FakeIdentity } from './support/fake-ledger';
import * as id from './support/identities';
import { World } from './support/world';

/** An org's registrar at its CA: no ledger role, the registrar attribute Fabric CA writes into its certificate. */
const registrar = (mspId: string): FakeIdentity => ({
    ...id.identity(null, undefined, mspId),
    attributes: { 'hf.Registrar.Roles': 'client' },
});
const request = (username: string, role: string, party: string): string => JSON.stringify({ username, role, party });

describe('who onboarded whom, on the ledger', () => {
    let w: World;
    beforeEach(async () => {
        w = await World.market();
    });

    it('records the operator who onboards a vendor for an active merchant, in the history customs reads', async () => {
        const record = await w.json(id.operator(), (ctx) =>
            w.identity.RecordOnboarding(ctx, request('stall-v1', 'vendor', 'V1')),
        );
        expect(record).toMatchObject({
            mspId: 'MarketOrgMSP',
            username: 'stall-v1',
            role: 'vendor',
            party: 'V1',
            onboardedBy: { mspId: 'MarketOrgMSP', role: 'operator', party: 'OP-MARKET' },
        });
        expect(w.ledger.events.at(-1)).toMatchObject({ name: 'OnboardingRecorded' });
        const history = await w.query<{ history: { value: unknown }[] }>(id.customs(), (ctx) =>
            w.history.GetHistory(ctx, 'onboarding', 'MarketOrgMSP:stall-v1'),
        );
        expect(history.history.map((h) => h.value)).toEqual([record]);
    });

    it.each([
        ['a party that does not exist', request('x-one', 'vendor', 'NOPE'), /^NOT_FOUND: party NOPE/],
        ['a party of another type (a bank as a vendor)', request('x-two', 'vendor', 'BK1'), /^PRECONDITION: .*BANK/],
        ['an agent role for a merchant', request('x-three', 'agent', 'V1'), /^PRECONDITION: .*MERCHANT/],
        ['a customs officer (not a market role)', request('x-four', 'customs', 'CUSTOMS-YIWU'), /^FORBIDDEN: /],
        ['another operator', request('x-five', 'operator', 'OP-MARKET'), /^FORBIDDEN: /],
    ])('refuses an operator onboarding for %s', async (_what, body, error) => {
        await expect(w.submit(id.operator(), (ctx) => w.identity.RecordOnboarding(ctx, body))).rejects.toThrow(error);
    });

    it('refuses a suspended party until it is reinstated', async () => {
        await w.submit(id.operator(), (ctx) => w.party.SuspendParty(ctx, 'V2', 'audit'));
        const onboard = (): Promise<string> =>
            w.submit(id.operator(), (ctx) => w.identity.RecordOnboarding(ctx, request('stall-v2', 'vendor', 'V2')));
        await expect(onboard()).rejects.toThrow(/^PRECONDITION: party V2 is SUSPENDED/);
        await w.submit(id.operator(), (ctx) => w.party.ReinstateParty(ctx, 'V2', 'cleared'));
        await expect(onboard()).resolves.toBeDefined();
    });

    it('lets an org registrar onboard the roles its MSP carries, for parties of its own org only', async () => {
        const bank = await w.json(registrar('BankOrgMSP'), (ctx) =>
            w.identity.RecordOnboarding(ctx, request('teller1', 'bank', 'BK1')),
        );
        expect(bank).toMatchObject({ onboardedBy: { mspId: 'BankOrgMSP', role: 'admin', party: null } });
        await expect(
            w.submit(registrar('Bank2OrgMSP'), (ctx) =>
                w.identity.RecordOnboarding(ctx, request('teller2', 'bank', 'BK1')),
            ),
        ).rejects.toThrow(/^INVALID: party BK1 acts through BankOrgMSP, not Bank2OrgMSP/);
        await expect(
            w.submit(registrar('MarketOrgMSP'), (ctx) =>
                w.identity.RecordOnboarding(ctx, request('auditor1', 'auditor', 'TAX')),
            ),
        ).rejects.toThrow(/^FORBIDDEN: admin of MarketOrgMSP may onboard only operator, vendor/);
        await expect(
            w.submit(registrar('CustomsOrgMSP'), (ctx) =>
                w.identity.RecordOnboarding(ctx, request('auditor1', 'auditor', 'TAX')),
            ),
        ).resolves.toBeDefined();
    });

    it('refuses a caller that is neither a registrar nor an operator', async () => {
        await expect(
            w.submit(id.identity(null), (ctx) => w.identity.RecordOnboarding(ctx, request('x-six', 'vendor', 'V1'))),
        ).rejects.toThrow(/^FORBIDDEN: /);
    });

    it('re-issues the same person, but never turns a username into another role or party', async () => {
        const onboard = (party: string): Promise<string> =>
            w.submit(id.operator(), (ctx) => w.identity.RecordOnboarding(ctx, request('stall-x', 'vendor', party)));
        await onboard('V1');
        await expect(onboard('V1')).resolves.toBeDefined();
        await expect(onboard('V2')).rejects.toThrow(/^CONFLICT: stall-x is already onboarded .* as vendor for V1/);
    });
});
