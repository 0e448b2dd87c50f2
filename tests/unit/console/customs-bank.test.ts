import { afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type request from 'supertest';
import { Translator } from '../../../gateway/src/console/i18n';
import { ChaincodeRejection } from '../../../gateway/src/ledger/errors';
import { verifyVerdict } from '../../../gateway/src/verdicts/signed-verdict';
import { harness, type Harness } from '../gateway/harness';
import { customsCheck, declaration, receiptRecord } from '../gateway/ledger-answers';
import { certifiedPerson, type TestIdentity } from '../verdicts/certificates';
import { answerConsolePages, browser, csrfOf, signIn } from './support';

const TX = '7'.repeat(64);
const DECL = '290120260000000001';
const RECEIPT = 'BankOrgMSP:R-1';
const signedAt = (txId: string, at: string): Record<string, string> => ({
    mspId: 'CustomsOrgMSP',
    id: 'x509::officer1',
    role: 'customs',
    party: 'CUSTOMS-2901',
    txId,
    at,
});

/** The submission key of the form whose action is `action`. */
function formKeyOf(page: string, action: string): string {
    const start = page.indexOf(`action="${action}"`);
    const key = /name="_idem" value="([^"]+)"/.exec(page.slice(start))?.[1];
    if (start < 0 || key === undefined) throw new Error(`no form ${action} in the page`);
    return key;
}

describe('console: customs and bank pages over the API’s own routes (fake ledger)', () => {
    let h: Harness;
    let customs: string;
    let bank: string;
    let vendor: string;
    let bankCa: TestIdentity;

    beforeAll(() => {
        const made = certifiedPerson('officer1');
        bankCa = made.ca;
        bankPerson = made.person;
    });
    let bankPerson: TestIdentity;

    beforeEach(() => {
        h = harness({ now: () => Date.parse('2026-03-02T02:00:00.000Z') });
        customs = h.user('CustomsOrg', 'officer1', 'customs', null);
        bank = h.user('BankOrg', 'officer1', 'bank', 'BANK-0001');
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        h.ledger.committed.set(TX, { valid: true, code: 'VALID', blockNumber: '42' });
        answerConsolePages(h.ledger, TX);
        h.ledger.on('DeclarationContract:GetDeclaration', ([declNo = '']) =>
            declaration(declNo, ['T-1'], {
                status: 'SUBMITTED',
                releaseDate: undefined,
                exitDate: undefined,
                customsEvents: 0,
                lines: [
                    {
                        gNo: 1,
                        hsCode: '9503006000',
                        name: 'Toys',
                        qty: 100,
                        unit: 'PCS',
                        valueUsd: 250_000,
                        mergedChapter: null,
                        isItemised: true,
                        sources: [],
                    },
                ],
                filedBy: { ...signedAt(TX, '2026-03-01T08:00:00.000Z'), mspId: 'MarketOrgMSP', party: 'A1' },
                updatedBy: { ...signedAt(TX, '2026-03-01T08:00:00.000Z'), mspId: 'MarketOrgMSP', party: 'A1' },
            } as never),
        );
        h.ledger.on('CustomsContract:GetCustomsEvents', ([declNo = '']) => ({
            declNo,
            status: 'ON_HOLD',
            events: [
                {
                    docType: 'customsEvent',
                    declNo,
                    seq: 1,
                    type: 'HELD',
                    fromStatus: 'SUBMITTED',
                    toStatus: 'ON_HOLD',
                    reason: 'stall check',
                    by: signedAt(TX, '2026-03-01T09:30:00.000Z'),
                },
            ],
        }));
        // a fraud: goods on the negative list (F-case), refused by CU-03
        h.ledger.on('CustomsContract:CheckDeclaration', ([declNo = '']) =>
            customsCheck({
                declNo,
                verdict: 'FAIL',
                checks: [
                    {
                        id: 'CU-03',
                        name: 'negative list',
                        result: 'FAIL',
                        reasons: [{ code: 'CU03_NEGATIVE_LIST', severity: 'FAIL', message: 'G-1 is barred' }],
                    },
                ],
                reliedOn: [{ recordType: 'trade', recordId: 'T-1', txId: TX }],
            }),
        );
        h.ledger.on('CustomsContract:AcceptDeclaration', ([declNo = '']) => declaration(declNo, ['T-1']));
        h.ledger.on('ReceiptContract:GetReceipt', ([receiptId = '']) => receiptRecord({ receiptId }));
        h.ledger.on('ReceiptContract:GetReceiptHistory', ([receiptId = '']) => ({
            receiptId,
            history: [{ txId: TX, timestamp: '2026-03-02T01:00:00.000Z', isDelete: false, value: receiptRecord() }],
        }));
        h.ledger.on('ReceiptContract:AllocateReceipt', () => receiptRecord({ status: 'ALLOCATED' }));
    });
    afterEach(() => {
        h.cleanup();
    });

    async function signedIn(key: string): Promise<request.Agent> {
        const agent = browser(h.app);
        await signIn(agent, key);
        return agent;
    }

    it('refuses a vendor the customs queue (403, in Chinese) and calls nothing', async () => {
        const agent = await signedIn(vendor);
        const res = await agent.get('/customs/queue');
        expect(res.status).toBe(403);
        expect(res.text).toContain('您的角色（市场经营户）无权打开此页面');
        expect((await agent.get(`/declarations/${DECL}`)).status).toBe(403);
        expect(h.ledger.calls).toEqual([]);
    });

    it('shows customs a declaration: the CU reason in plain words, lines with trace links, history with tx links', async () => {
        const agent = await signedIn(customs);
        const page = await agent.get(`/declarations/${DECL}?lang=en`);
        expect(page.status).toBe(200);
        expect(page.text).toContain('Goods are on the negative list in force.');
        expect(page.text).toContain('CU03_NEGATIVE_LIST');
        expect(page.text).toContain(`href="/trace?declNo=${DECL}&amp;gNo=1"`);
        expect(page.text).toContain('Held → <span class="status status-on_hold">On hold</span>');
        expect(page.text).toContain('stall check');
        expect(page.text).toContain(`href="/tx/${TX}"`);
        expect(page.text).toContain('Verify on the ledger');
        // a SUBMITTED declaration may be accepted, returned or held
        expect(page.text).toMatch(/value="accept"\s+checked/);
        expect(page.text).toContain('value="hold"');
        expect(page.text).not.toContain('value="exit"');
        expect(h.ledger.calls.every((c) => c.certificate.includes('|officer1|customs|'))).toBe(true);
    });

    it('records a customs decision as the officer, once for a form submitted twice', async () => {
        const agent = await signedIn(customs);
        const page = await agent.get(`/declarations/${DECL}`);
        const form = {
            _csrf: csrfOf(page.text),
            _idem: formKeyOf(page.text, `/declarations/${DECL}/decision`),
            decision: 'accept',
            reason: '',
            exitDate: '',
        };
        const first = await agent.post(`/declarations/${DECL}/decision`).type('form').send(form);
        expect(first.status).toBe(303);
        expect(first.headers.location).toBe(`/declarations/${DECL}?recorded=1`);
        const again = await agent.post(`/declarations/${DECL}/decision`).type('form').send(form);
        expect(again.status).toBe(303);
        const accepted = h.ledger.submits('CustomsContract:AcceptDeclaration');
        expect(accepted).toHaveLength(1);
        expect(accepted[0]?.args).toEqual([DECL]);
        expect(accepted[0]?.certificate).toContain('|officer1|customs|');
        expect((await agent.get(first.headers.location ?? '')).text).toContain('决定已记入账本。');
    });

    it('shows a refused decision at the form with its rule, and a form without its key refused before the ledger', async () => {
        h.ledger.failNext(
            'CustomsContract:HoldDeclaration',
            new ChaincodeRejection('RULE_V32', 'event before the last'),
        );
        const agent = await signedIn(customs);
        const page = await agent.get(`/declarations/${DECL}`);
        const csrf = csrfOf(page.text);
        const res = await agent
            .post(`/declarations/${DECL}/decision`)
            .type('form')
            .send({
                _csrf: csrf,
                _idem: formKeyOf(page.text, `/declarations/${DECL}/decision`),
                decision: 'hold',
                reason: 'x',
            });
        expect(res.status).toBe(422);
        expect(res.text).toContain('违反规则 V32');
        expect(res.text).toContain('aria-invalid="true"');
        expect(res.text).toMatch(/value="hold"\s+checked/);
        const keyless = await agent
            .post(`/declarations/${DECL}/decision`)
            .type('form')
            .send({ _csrf: csrf, decision: 'accept' });
        expect(keyless.status).toBe(400);
        expect(h.ledger.submits('CustomsContract:AcceptDeclaration')).toHaveLength(0);
    });

    it('shows the bank its receipt with history, and a refused allocation at the form naming V25', async () => {
        h.ledger.failNext(
            'ReceiptContract:AllocateReceipt',
            new ChaincodeRejection('RULE_V25', 'allocations exceed the trade value by more than 5%'),
        );
        const agent = await signedIn(bank);
        const page = await agent.get(`/receipts/${encodeURIComponent(RECEIPT)}`);
        expect(page.status).toBe(200);
        expect(page.text).toContain('US$25.00');
        expect(page.text).toContain('在账本上核验');
        const action = `/receipts/${encodeURIComponent(RECEIPT)}/allocate`;
        const res = await agent
            .post(action)
            .type('form')
            .send({
                _csrf: csrfOf(page.text),
                _idem: formKeyOf(page.text, action),
                tradeNo: 'T-1',
                amount: '2,000.50',
            });
        expect(res.status).toBe(422);
        expect(res.text).toContain('违反规则 V25：分配金额不得超过交易货值 5% 以上，也不得超过收汇金额');
        expect(res.text).toContain('id="allocate-error"');
        expect(res.text).toContain('value="2,000.50"');
        const tried = h.ledger.calls.filter((c) => c.fn === 'ReceiptContract:AllocateReceipt');
        expect(tried.map((c) => c.args)).toEqual([
            [RECEIPT, JSON.stringify([{ tradeNo: 'T-1', amountMinor: 200_050 }])],
        ]);
    });

    it('names who signed each receipt version as the customs pages do: party (else identity), org and time', async () => {
        const unnamed = {
            mspId: 'CustomsOrgMSP',
            id: 'x509::officer1',
            role: 'customs',
            party: null,
            txId: TX,
            at: '2026-03-02T01:30:00.000Z',
        };
        h.ledger.on('ReceiptContract:GetReceiptHistory', ([receiptId = '']) => ({
            receiptId,
            history: [
                { txId: TX, timestamp: '2026-03-02T01:00:00.000Z', isDelete: false, value: receiptRecord() },
                {
                    txId: TX,
                    timestamp: '2026-03-02T01:30:00.000Z',
                    isDelete: false,
                    value: receiptRecord({ status: 'VERIFIED', updatedBy: unnamed }),
                },
            ],
        }));
        const agent = await signedIn(bank);
        const page = await agent.get(`/receipts/${encodeURIComponent(RECEIPT)}?lang=en`);
        const en = new Translator('en');
        expect(page.status).toBe(200);
        expect(page.text).toContain(`OP-MARKET · MarketOrgMSP · ${en.dateTime('2024-03-01T08:00:00.000Z')}`);
        expect(page.text).toContain(`x509::officer1 · CustomsOrgMSP · ${en.dateTime('2026-03-02T01:30:00.000Z')}`);
    });

    it('exports the verdict as JSON signed with the officer’s own key, which a third party verifies', async () => {
        h.wallets.put('BankOrg', 'officer1', { mspId: 'BankOrgMSP', ...bankPerson });
        const agent = await signedIn(bank);
        const form = await agent.get('/receipts/check');
        const checked = await agent
            .post('/receipts/check')
            .type('form')
            .send({ _csrf: csrfOf(form.text), receiptId: RECEIPT });
        expect(checked.text).toContain('action="/receipts/check/export"');
        const res = await agent
            .post('/receipts/check/export')
            .type('form')
            .send({ _csrf: csrfOf(form.text), receiptId: RECEIPT, format: 'json' })
            .buffer(true)
            .parse((r, done) => {
                let text = '';
                r.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
                r.on('end', () => {
                    done(null, text);
                });
            });
        expect(res.status).toBe(200);
        expect(res.headers['content-disposition']).toContain('attachment; filename="verdict-BankOrgMSP_R-1.json"');
        const file = JSON.parse(res.body as string) as {
            statement: { result: { verdict: string }; evidence: unknown[] };
        };
        expect(file.statement.result.verdict).toBe('FAIL');
        expect(file.statement.evidence).toEqual([{ txId: TX, blockNumber: '42', valid: true }]);
        expect(verifyVerdict(file, bankCa.certificate).valid).toBe(true);
        file.statement.result.verdict = 'PASS';
        expect(verifyVerdict(file).valid).toBe(false);
    });
});
