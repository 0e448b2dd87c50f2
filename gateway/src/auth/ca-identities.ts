import { createPrivateKey, sign } from 'node:crypto';
import { Agent, request } from 'node:https';
import { CaError, type Attribute, type Enrolment } from '../../../network/src/ca/client';
import { lowS } from '../../../network/src/ca/der';

/** An identity as the CA registered it (`GET /api/v1/identities/<id>`). */
export interface CaIdentity {
    readonly id: string;
    readonly type: string;
    readonly attrs: readonly Attribute[];
}

/**
 * The Fabric CA identities API, which network/src/ca/client.ts does not cover: read a registration and give it a
 * new enrolment secret. Calls are signed by a registrar exactly like register/revoke (Fabric CA >= 1.5.14 token:
 * `method.b64(uri).b64(body).b64(cert)`, low-S ECDSA).
 */
export class CaIdentities {
    readonly #url: URL;
    readonly #agent: Agent;
    readonly #caName: string | undefined;

    constructor(options: { url: string; tlsCaPem: string; caName?: string }) {
        this.#url = new URL(options.url);
        this.#agent = new Agent({ ca: options.tlsCaPem, keepAlive: true });
        this.#caName = options.caName;
    }

    async get(registrar: Enrolment, id: string): Promise<CaIdentity> {
        const query = this.#caName === undefined ? '' : `?ca=${encodeURIComponent(this.#caName)}`;
        return this.#signed<CaIdentity>(registrar, 'GET', `/api/v1/identities/${encodeURIComponent(id)}${query}`, '');
    }

    /** Sets a new enrolment secret; everything else about the identity stays as registered. */
    async resetSecret(registrar: Enrolment, id: string, secret: string): Promise<void> {
        const body = JSON.stringify({ secret, caname: this.#caName });
        await this.#signed(registrar, 'PUT', `/api/v1/identities/${encodeURIComponent(id)}`, body);
    }

    close(): void {
        this.#agent.destroy();
    }

    #signed<T>(registrar: Enrolment, method: string, uri: string, body: string): Promise<T> {
        const b64 = (text: string): string => Buffer.from(text).toString('base64');
        const cert = b64(registrar.certificate);
        const payload = `${method}.${b64(uri)}.${b64(body)}.${cert}`;
        const signature = lowS(sign('sha256', Buffer.from(payload), createPrivateKey(registrar.privateKey)));
        const headers = {
            'content-type': 'application/json',
            authorization: `${cert}.${signature.toString('base64')}`,
        };
        return new Promise((resolve, reject) => {
            const req = request(
                new URL(uri, this.#url),
                { method, agent: this.#agent, headers, timeout: 30_000 },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on('data', (chunk: Buffer) => chunks.push(chunk));
                    res.on('end', () => {
                        const raw = Buffer.concat(chunks).toString('utf8');
                        let parsed: { success?: boolean; result?: T; errors?: { code: number; message: string }[] };
                        try {
                            parsed = JSON.parse(raw) as typeof parsed;
                        } catch {
                            parsed = {};
                        }
                        if (parsed.success === true) {
                            resolve(parsed.result as T);
                            return;
                        }
                        const errors = parsed.errors ?? [];
                        const text = errors.map((e) => `${e.code}: ${e.message}`).join('; ') || raw.slice(0, 200);
                        reject(new CaError(`CA ${method} ${uri} failed: ${text}`, res.statusCode ?? 0, errors));
                    });
                },
            );
            req.on('timeout', () => req.destroy(new Error(`CA ${method} ${uri} timed out`)));
            req.on('error', reject);
            req.end(body === '' ? undefined : body);
        });
    }
}
