import { describe, expect, it } from '@jest/globals';
import type { CertificateAuthorities } from '../../../gateway/src/auth/identities';
import { EnrolmentCodes } from '../../../gateway/src/auth/enrolment-codes';
import { GatewayWallets } from '../../../gateway/src/auth/identities';
import { ApiKeyStore } from '../../../gateway/src/auth/key-store';
import { EMPTY, type AnyRoute } from '../../../gateway/src/http/route';
import { allRoutes } from '../../../gateway/src/routes';
import { generateMarket } from '../../../seeds/src/generate';
import { buildPlan } from '../../../seeds/src/plan';

/** The loader's requests against the gateway's own route schemas: same routes, bodies and path parameters. */
describe('seed requests and the gateway routes', () => {
    // routes only use these when handling a request; building them needs none
    const routes = allRoutes({
        keys: Object.create(ApiKeyStore.prototype) as ApiKeyStore,
        wallets: Object.create(GatewayWallets.prototype) as GatewayWallets,
        cas: {} as CertificateAuthorities,
        enrolmentCodes: Object.create(EnrolmentCodes.prototype) as EnrolmentCodes,
    });
    const byTemplate = new Map<string, AnyRoute>(
        routes.map((r) => [`${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`, r]),
    );
    const plan = buildPlan(generateMarket({ seed: 3, size: 'small', asOf: '2026-11-27' }));

    it('sends every operation to an existing write route with a body and parameters it accepts', () => {
        const problems: string[] = [];
        for (const op of plan.flatMap((p) => p.ops)) {
            const route = byTemplate.get(`${op.http.method} ${op.http.route}`);
            if (route === undefined) {
                problems.push(`${op.phase} ${op.id}: no route ${op.http.method} ${op.http.route}`);
                continue;
            }
            expect(route.write).toBe(true);
            const body = (route.body ?? EMPTY).safeParse(JSON.parse(JSON.stringify(op.http.body)));
            if (!body.success) problems.push(`${op.phase} ${op.id}: ${JSON.stringify(body.error.issues[0])}`);
            const names = [...op.http.route.matchAll(/\{([A-Za-z0-9_]+)\}/g)].map((m) => m[1] ?? '');
            const values = new RegExp(`^${op.http.route.replace(/\{[A-Za-z0-9_]+\}/g, '([^/]+)')}$`).exec(op.http.path);
            const params = Object.fromEntries(names.map((n, i) => [n, values?.[i + 1] ?? '']));
            const parsed = (route.params ?? EMPTY).safeParse(params);
            if (!parsed.success)
                problems.push(`${op.phase} ${op.id}: params ${JSON.stringify(parsed.error.issues[0])}`);
        }
        expect(problems).toEqual([]);
    });
});
