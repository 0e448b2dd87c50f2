import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { ChaincodeRejection } from '../../../gateway/src/ledger/errors';
import { bearer, harness, idem, type Harness } from '../gateway/harness';
import { answerConsolePages, browser, csrfOf, signIn } from './support';

const TX = '7'.repeat(64);
const MINUTE = 60 * 1000;

describe('console: sessions, languages and pages over the API’s own routes', () => {
    let h: Harness;
    let clock: number;
    let vendor: string;
    let bank: string;
    let customs: string;
    /** Every HTML page a test received: none may contain an API key. */
    let pages: string[];

    beforeEach(() => {
        clock = Date.parse('2026-03-02T02:00:00.000Z');
        h = harness({ now: () => clock });
        vendor = h.user('MarketOrg', 'vendor1', 'vendor', 'V-0001');
        bank = h.user('BankOrg', 'officer1', 'bank', 'BANK-0001');
        customs = h.user('CustomsOrg', 'officer1', 'customs', null);
        h.ledger.committed.set(TX, { valid: true, code: 'VALID', blockNumber: '42' });
        answerConsolePages(h.ledger, TX);
        pages = [];
    });
    afterEach(() => {
        // the last 24 characters are secret (the key's base64url tail, which may itself hold '_')
        for (const key of [vendor, bank, customs]) {
            for (const page of pages) expect(page).not.toContain(key.slice(-24));
        }
        h.cleanup();
    });

    const seen = (res: request.Response): request.Response => {
        if (res.type === 'text/html') pages.push(res.text);
        return res;
    };

    /** The bank officer signs in and submits the check form for `receiptId`. */
    async function checkAsBank(receiptId: string): Promise<request.Response> {
        const agent = browser(h.app);
        await signIn(agent, bank);
        const form = await agent.get('/receipts/check');
        return agent
            .post('/receipts/check')
            .type('form')
            .send({ _csrf: csrfOf(form.text), receiptId });
    }

    it('sends a visitor without a session to the sign-in page, in Chinese by default', async () => {
        const home = await request(h.app).get('/');
        expect(home.status).toBe(303);
        expect(home.headers.location).toBe('/sign-in');
        const page = seen(await request(h.app).get('/sign-in'));
        expect(page.status).toBe(200);
        expect(page.text).toContain('<html lang="zh-CN">');
        expect(page.text).toContain('使用 API 密钥');
    });

    it('signs in with an API key into an httpOnly, SameSite=Strict session cookie, Secure only over https', async () => {
        const agent = browser(h.app);
        const res = await signIn(agent, vendor);
        expect(res.status).toBe(303);
        expect(res.headers.location).toBe('/');
        const cookie = String(res.headers['set-cookie']);
        expect(cookie).toMatch(/mpt_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict/);
        expect(cookie).not.toContain('Secure');
        const home = seen(await agent.get('/'));
        expect(home.text).toContain('href="/trades"');
        expect(home.text).not.toContain('href="/receipts/check"');
        expect(home.text).toContain('已登录：vendor1（市场经营户）');

        const behindTls = h.restart({ console: { idleMs: 30 * MINUTE, cookies: { secure: 'always' } } });
        const secure = await request(behindTls).get('/sign-in');
        expect(String(secure.headers['set-cookie'])).toMatch(
            /mpt_signin=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Strict/,
        );
    });

    it('refuses an unknown key in the user’s language and opens no session', async () => {
        const agent = browser(h.app);
        const res = seen(await signIn(agent, 'mpt_nope_nope'));
        expect(res.status).toBe(401);
        expect(res.text).toContain('此 API 密钥不存在或已停用。');
        expect(String(res.headers['set-cookie'])).not.toContain('mpt_session');
        expect((await agent.get('/')).status).toBe(303);
    });

    it('refuses a sign-in without the form’s CSRF token (403) and opens no session', async () => {
        const agent = browser(h.app);
        await agent.get('/sign-in');
        const res = seen(await agent.post('/sign-in').type('form').send({ method: 'key', apiKey: vendor }));
        expect(res.status).toBe(403);
        expect(res.text).toContain('未提交任何内容');
        expect((await agent.get('/')).status).toBe(303);
    });

    it('redeems an enrolment code through the enrolment logic and signs the person in without showing the key', async () => {
        const operator = h.user('MarketOrg', 'operator1', 'operator', 'OP-YIWU');
        const onboarded = await request(h.app)
            .post('/v1/onboarding')
            .set(bearer(operator))
            .set('Idempotency-Key', idem())
            .send({ username: 'vendor9', role: 'vendor', party: 'V-0009' });
        const code = (onboarded.body as { enrolmentCode: string }).enrolmentCode;
        const agent = browser(h.app);
        const form = await agent.get('/sign-in');
        const res = await agent
            .post('/sign-in')
            .type('form')
            .send({ _csrf: csrfOf(form.text), method: 'code', enrolmentCode: code });
        expect(res.status).toBe(303);
        const home = seen(await agent.get('/'));
        expect(home.text).toContain('vendor9');
        const [key] = h.keys.activeFor('MarketOrg', 'vendor9');
        expect(key?.role).toBe('vendor');
        expect(home.text).not.toContain('mpt_');

        const again = browser(h.app);
        const second = await again.get('/sign-in');
        const reused = seen(
            await again
                .post('/sign-in')
                .type('form')
                .send({ _csrf: csrfOf(second.text), method: 'code', enrolmentCode: code }),
        );
        expect(reused.status).toBe(400);
        expect(reused.text).toContain('此注册码无效');
    });

    it('switches language with ?lang= and remembers it in a cookie', async () => {
        const agent = browser(h.app);
        await signIn(agent, vendor);
        const english = seen(await agent.get('/trades?lang=en'));
        expect(english.text).toContain('<html lang="en-GB">');
        expect(english.text).toContain('My trades');
        const next = seen(await agent.get('/'));
        expect(next.text).toContain('What you can do');
        const back = seen(await agent.get('/?lang=zh'));
        expect(back.text).toContain('您可以办理的业务');
    });

    it('lists the vendor’s own trades, signed as the vendor, with amounts in the currency and thousands separators', async () => {
        const agent = browser(h.app);
        await signIn(agent, vendor);
        const page = seen(await agent.get('/trades'));
        expect(page.status).toBe(200);
        expect(page.text).toContain('US$1,234,567.89');
        expect(page.text).toContain('已出口');
        expect(page.text).toContain('尚未申报');
        const call = h.ledger.calls.find((c) => c.fn === 'TradeContract:ListTradesByVendor');
        expect(call?.args[0]).toBe('V-0001');
        expect(call?.certificate).toContain('|vendor1|vendor|V-0001');
    });

    it('shows a trade with its history in China time and links each transaction to its block', async () => {
        const agent = browser(h.app);
        await signIn(agent, vendor);
        const page = seen(await agent.get('/trades/T-1?lang=en'));
        expect(page.status).toBe(200);
        expect(page.text).toContain('12,000 PCS');
        // 16:30 UTC on 1 March is 00:30 on 2 March in Beijing
        expect(page.text).toContain('2 Mar 2026, 00:30:00');
        expect(page.text).toContain(`href="/tx/${TX}"`);
        const tx = seen(await agent.get(`/tx/${TX}?lang=en`));
        expect(tx.text).toContain('Committed in block 42');
    });

    it('shows a trade the ledger refuses to show (another owner’s) as the ledger’s refusal, in the user’s language', async () => {
        h.ledger.failNext(
            'TradeContract:GetTrade',
            new ChaincodeRejection('FORBIDDEN', 'vendor V-0001 does not own T-9'),
        );
        const agent = browser(h.app);
        await signIn(agent, vendor);
        const page = seen(await agent.get('/trades/T-9'));
        expect(page.status).toBe(403);
        expect(page.text).toContain('您无权查看或办理此项。');
    });

    it('answers 403 in the user’s language when a role opens a page it may not see, and calls no ledger', async () => {
        const agent = browser(h.app);
        await signIn(agent, bank);
        const before = h.ledger.calls.length;
        const trades = seen(await agent.get('/trades'));
        expect(trades.status).toBe(403);
        expect(trades.text).toContain('您的角色（银行经办人）无权打开此页面。');
        const trace = seen(await agent.get('/trace?lang=en&declNo=D1&gNo=1'));
        expect(trace.status).toBe(403);
        expect(trace.text).toContain('Your role (bank officer) may not open this page.');
        expect(h.ledger.calls.length).toBe(before);
    });

    it('checks a receipt for a bank: verdict, every BK reason in plain words, trades and the facts relied on', async () => {
        const res = seen(await checkAsBank('BankOrgMSP:R-1'));
        expect(res.status).toBe(200);
        expect(res.text).toContain('核验结论: <span class="verdict verdict-fail">不通过</span>');
        expect(res.text).toContain('收款人已备案且状态有效。');
        expect(res.text).toContain('金额超过交易的剩余可用额。');
        expect(res.text).toContain(`href="/tx/${TX}"`);
        expect(res.text).toContain('已写入第 42 号区块');
        const call = h.ledger.calls.find((c) => c.fn === 'ReceiptContract:CheckReceipt');
        expect(call?.kind).toBe('evaluate');
        expect(JSON.parse(call?.args[0] ?? '{}')).toEqual({ receiptId: 'BankOrgMSP:R-1' });
        expect(call?.certificate).toContain('|officer1|bank|');
    });

    it('shows a refused check at the field, naming the broken rule in Chinese', async () => {
        h.ledger.failNext('ReceiptContract:CheckReceipt', new ChaincodeRejection('RULE_V25', 'allocations exceed'));
        const res = seen(await checkAsBank('BankOrgMSP:R-1'));
        expect(res.status).toBe(422);
        expect(res.text).toContain('违反规则 V25：分配金额不得超过交易货值 5% 以上，也不得超过收汇金额');
        expect(res.text).toContain('aria-invalid="true"');
    });

    it('refuses a POST without the session’s CSRF token (403) and submits nothing', async () => {
        const agent = browser(h.app);
        await signIn(agent, bank);
        const res = seen(await agent.post('/receipts/check').type('form').send({ receiptId: 'BankOrgMSP:R-1' }));
        expect(res.status).toBe(403);
        expect(res.text).toContain('此表单已过期或并非来自本网站。未提交任何内容');
        const forged = await agent
            .post('/receipts/check')
            .type('form')
            .send({ _csrf: 'x'.repeat(43), receiptId: 'R' });
        expect(forged.status).toBe(403);
        expect(h.ledger.calls.some((c) => c.fn.startsWith('ReceiptContract:'))).toBe(false);
        const signOut = await agent.post('/sign-out').type('form').send({});
        expect(signOut.status).toBe(403);
        expect((await agent.get('/')).status).toBe(200);
    });

    it('draws a customs trace as graph data over the trace and serves cytoscape from the gateway', async () => {
        const agent = browser(h.app);
        await signIn(agent, customs);
        const page = seen(await agent.get('/trace?declNo=290120260000000001&gNo=1'));
        expect(page.status).toBe(200);
        const data = /<script type="application\/json" id="trace-data">([^<]*)<\/script>/.exec(page.text)?.[1] ?? '[]';
        const elements = JSON.parse(data) as { data: { kind?: string; source?: string } }[];
        const kinds = elements.flatMap((e) => (e.data.kind === undefined ? [] : [e.data.kind]));
        expect(kinds.sort()).toEqual(['consolidation', 'container', 'goods', 'goods', 'line', 'vendor', 'vendor']);
        expect(elements.filter((e) => e.data.source !== undefined)).toHaveLength(6);
        expect(page.text).toContain('<script src="/console/assets/cytoscape.min.js"></script>');
        const call = h.ledger.calls.find((c) => c.fn === 'CustomsContract:TraceDeclarationLine');
        expect(call?.args).toEqual(['290120260000000001', '1']);
        const asset = await request(h.app).get('/console/assets/cytoscape.min.js');
        expect(asset.status).toBe(200);
        expect(asset.type).toBe('text/javascript');
        expect(asset.text.length).toBeGreaterThan(100_000);
    });

    it('ends a session after the idle time, and tells the person so', async () => {
        const agent = browser(h.app);
        await signIn(agent, vendor);
        clock += 29 * MINUTE;
        expect((await agent.get('/')).status).toBe(200);
        clock += 31 * MINUTE;
        const expired = await agent.get('/trades');
        expect(expired.status).toBe(303);
        expect(expired.headers.location).toBe('/sign-in?ended=1');
        const page = seen(await agent.get('/sign-in?ended=1'));
        expect(page.text).toContain('会话已结束');
        expect((await agent.get('/')).status).toBe(303);
    });

    it('signs out with the CSRF token, and a revoked key ends its sessions at once', async () => {
        const agent = browser(h.app);
        await signIn(agent, vendor);
        const home = await agent.get('/');
        const out = await agent
            .post('/sign-out')
            .type('form')
            .send({ _csrf: csrfOf(home.text) });
        expect(out.status).toBe(303);
        expect(out.headers.location).toBe('/sign-in?out=1');
        expect((await agent.get('/')).status).toBe(303);

        const other = browser(h.app);
        await signIn(other, vendor);
        const keyId = vendor.split('_')[1] ?? '';
        h.keys.revoke(keyId, 'test');
        expect((await other.get('/')).status).toBe(303);
    });

    it('keeps the REST API as it was: a session cookie is no API credential', async () => {
        const agent = browser(h.app);
        await signIn(agent, vendor);
        const me = await agent.get('/v1/me');
        expect(me.status).toBe(401);
        expect(me.headers['content-security-policy']).toBeUndefined();
        expect((await request(h.app).get('/v1/me').set(bearer(vendor))).status).toBe(200);
        expect((await request(h.app).get('/openapi.json')).status).toBe(200);
    });

    it('serves pages that may not be framed, cached, or load scripts from elsewhere', async () => {
        const res = await request(h.app).get('/sign-in');
        expect(res.headers['content-security-policy']).toContain("script-src 'self'");
        expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
        expect(res.headers['cache-control']).toBe('no-store');
    });
});
