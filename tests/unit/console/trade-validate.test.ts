import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type request from 'supertest';
import { harness, type Harness } from '../gateway/harness';
import { registryReadModel } from './registry';
import { answerConsolePages, answerWritePages, browser, csrfOf, signIn } from './support';

/**
 * POST /trades/new/validate: the trade form checked while it is filled in, with the submit's own schema and the
 * chaincode's own rules, each problem at its field in the person's language; nothing is written.
 */

const TX = '7'.repeat(64);
const V03 = '违反规则 V03：商品不在适用范围：未备案，或并非该经营户备案的商品';

describe('the trade form’s live check', () => {
    let h: Harness;
    let vendor: string;
    let registry: Awaited<ReturnType<typeof registryReadModel>>;

    beforeAll(async () => {
        registry = await registryReadModel(
            ['V-0001', 'V-0002'],
            [
                ['G-1', 'V-0001'],
                ['G-10', 'V-0001'],
                ['G-OLD', 'V-0001', { status: 'VOID' }],
                ['G-THEIRS', 'V-0002'],
            ],
        );
    }, 60_000);
    afterAll(async () => {
        await registry.cleanup();
    });
    beforeEach(() => {
        h = harness({ readModels: registry.readModels });
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        answerConsolePages(h.ledger, TX);
        answerWritePages(h.ledger);
    });
    afterEach(() => {
        h.cleanup();
    });

    async function formPage(key: string): Promise<{ client: request.Agent; csrf: string }> {
        const client = browser(h.app);
        await signIn(client, key);
        const page = await client.get('/trades/new');
        return { client, csrf: csrfOf(page.text) };
    }

    const filled = (csrf: string, over: Record<string, string> = {}): Record<string, string> => ({
        _csrf: csrf,
        _idem: 'console-trade-test-0001-0123456789abcdef',
        tradeNo: 'T-LIVE-1',
        tradeDate: '2026-03-01',
        agentId: 'A-0001',
        buyerId: 'B-0001',
        currency: 'USD',
        paymentTerms: 'PREPAID',
        paymentChannel: 'BANK',
        lineCount: '2',
        'line-0-goodsCode': 'G-1',
        'line-0-qty': '1200',
        'line-0-unitPrice': '2.50',
        'line-1-goodsCode': 'G-10',
        'line-1-qty': '3',
        'line-1-unitPrice': '1',
        ...over,
    });

    async function fieldsOf(over: Record<string, string>): Promise<Record<string, string>> {
        const { client, csrf } = await formPage(vendor);
        const res = await client.post('/trades/new/validate').type('form').send(filled(csrf, over));
        expect([res.status, res.type]).toEqual([200, 'application/json']);
        return (res.body as { fields: Record<string, string> }).fields;
    }

    it('finds nothing wrong with a good form, and writes nothing', async () => {
        expect(await fieldsOf({})).toEqual({});
        expect(h.ledger.submits('TradeContract:RegisterTrade')).toHaveLength(0);
    });

    it('names a malformed quantity and date at their fields, in the words the submit uses', async () => {
        const fields = await fieldsOf({ 'line-1-qty': '1.5', tradeDate: '2026-02-30' });

        expect(Object.keys(fields).sort()).toEqual(['line-1-qty', 'tradeDate']);
        expect(fields['line-1-qty']).toMatch(/^此项填写无效。 \(.+\)$/);
    });

    it('judges a trade date after today (China time) under V32, as the chaincode does', async () => {
        expect(await fieldsOf({ tradeDate: '2999-01-01' })).toEqual({
            tradeDate: expect.stringContaining('V32') as unknown as string,
        });
    });

    it.each([
        ['another vendor’s goods', 'G-THEIRS'],
        ['goods voided in the registry', 'G-OLD'],
        ['goods nobody registered', 'G-NONE'],
    ])('refuses %s under V03 at that line’s goods field, keeping the other line', async (_what, code) => {
        expect(await fieldsOf({ 'line-1-goodsCode': code })).toEqual({ 'line-1-goodsCode': V03 });
    });

    it('judges a line’s goods as soon as its code is typed, before its quantity and price', async () => {
        const fields = await fieldsOf({ 'line-1-goodsCode': 'G-THEIRS', 'line-1-qty': '', 'line-1-unitPrice': '' });

        expect(fields['line-1-goodsCode']).toBe(V03);
    });

    it('answers in English for an English page', async () => {
        const { client, csrf } = await formPage(vendor);
        await client.get('/trades/new?lang=en');
        const res = await client
            .post('/trades/new/validate')
            .type('form')
            .send(filled(csrf, { 'line-0-goodsCode': 'G-NONE' }));

        expect((res.body as { fields: Record<string, string> }).fields['line-0-goodsCode']).toMatch(/^Rule V03 /);
    });

    it('refuses a check without the form’s CSRF token, and an agent', async () => {
        const { client } = await formPage(vendor);
        const forged = await client.post('/trades/new/validate').type('form').send(filled('forged'));
        const agent = await formPage(h.user('MarketOrg', 'agent1', 'agent', 'A-0001'));
        const asAgent = await agent.client.post('/trades/new/validate').type('form').send(filled(agent.csrf));

        expect([forged.status, asAgent.status]).toEqual([403, 403]);
    });

    it('the form loads the check as a local script and names its endpoint', async () => {
        const { client } = await formPage(vendor);
        const page = await client.get('/trades/new');
        const script = await client.get('/console/assets/trade-validate.js');

        expect(page.text).toContain('data-validate="/trades/new/validate"');
        expect(page.text).toContain('<script src="/console/assets/trade-validate.js"></script>');
        expect([script.status, script.type]).toEqual([200, 'text/javascript']);
    });
});
