import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { GATEWAY_ROLES, type GatewayRole } from '../../../gateway/src/auth/principal';
import { bearer, errorOf, harness, servedOperations, type Harness } from './harness';

interface GatedOperation {
    readonly operationId: string;
    readonly method: 'get' | 'post' | 'put' | 'delete';
    /** As Express matches it (`/v1/declarations/:declNo/epcis`), the form the 403 names. */
    readonly pattern: string;
    readonly refused: GatewayRole;
}

const ORG_OF: Partial<Record<GatewayRole, string>> = { customs: 'CustomsOrg', bank: 'BankOrg' };

describe('a role the gateway gate leaves out', () => {
    let h: Harness;
    let gated: GatedOperation[];

    beforeAll(async () => {
        h = harness();
        const served = await servedOperations<{ operationId: string; 'x-roles'?: string[] }>(h.app);
        gated = served.flatMap(({ path, method, operation }) => {
            const allowed = operation['x-roles'];
            const refused = GATEWAY_ROLES.find((role) => allowed !== undefined && !allowed.includes(role));
            if (refused === undefined) return [];
            const pattern = path.replace(/\{(\w+)\}/g, ':$1');
            return [
                { operationId: operation.operationId, method: method as GatedOperation['method'], pattern, refused },
            ];
        });
    });
    afterAll(() => {
        h.cleanup();
    });

    it('is told, in English and Chinese, which operation it may not call, on every gated route', async () => {
        // the work lists, market views, EPCIS export, read-model check and onboarding all carry a gate
        expect(gated.length).toBeGreaterThanOrEqual(12);
        const answers: [string, number, string][] = [];
        for (const op of gated) {
            const key = h.user(ORG_OF[op.refused] ?? 'MarketOrg', `refused-${op.operationId}`, op.refused, 'P-1');
            const url = op.pattern.replace(/:(\w+)/g, 'X-1');
            const res = await request(h.app)
                [op.method](url)
                .set(bearer(key))
                .set('Idempotency-Key', 'role-refusal-1')
                .send(op.method === 'get' ? undefined : {});
            answers.push([op.operationId, res.status, errorOf(res).message]);
        }

        expect(answers).toEqual(
            gated.map((op) => {
                const operation = `${op.operationId} (${op.method.toUpperCase()} ${op.pattern})`;
                return [
                    op.operationId,
                    403,
                    `role ${op.refused} may not call ${operation} / 角色 ${op.refused} 无权调用 ${operation}`,
                ];
            }),
        );
        expect(answers.filter(([, , message]) => /may not (the|a|an) /i.test(message))).toEqual([]);
    });
});
