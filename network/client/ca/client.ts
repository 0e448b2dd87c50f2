import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { Agent, request } from 'node:https';
import { bitString, lowS, oid, sequence, set, tlv, utf8String } from './der';

export interface Enrolment {
    /** PEM certificate issued by the CA. */
    readonly certificate: string;
    /** PKCS#8 PEM private key; it never leaves this process except into the caller's wallet. */
    readonly privateKey: string;
}

export interface Attribute {
    readonly name: string;
    readonly value: string;
}

export interface Registration {
    readonly id: string;
    readonly secret?: string;
    readonly type?: 'client' | 'admin' | 'peer' | 'orderer';
    readonly attributes?: readonly Attribute[];
    readonly maxEnrollments?: number;
}

/** An identity as the CA registered it (`GET /api/v1/identities/<id>`). */
export interface CaIdentity {
    readonly id: string;
    readonly type: string;
    readonly attrs: readonly Attribute[];
}

export class CaError extends Error {
    constructor(
        message: string,
        readonly statusCode: number,
        readonly caErrors: readonly { code: number; message: string }[],
    ) {
        super(message);
        this.name = 'CaError';
    }
}

interface CaResponse<T> {
    success: boolean;
    result: T;
    errors: { code: number; message: string }[];
}

/**
 * A small client for the Fabric CA REST API: enrol with a secret, register and revoke with a token signed by
 * an enrolled registrar. Attributes are registered with `ecert: true` so they land in every certificate
 * (asking for them at enrolment would drop all the others).
 */
export class FabricCaClient {
    readonly #url: URL;
    readonly #agent: Agent;
    readonly #caName: string | undefined;

    constructor(options: { url: string; tlsCaPem: string; caName?: string }) {
        this.#url = new URL(options.url);
        this.#agent = new Agent({ ca: options.tlsCaPem, keepAlive: true });
        this.#caName = options.caName;
    }

    async info(): Promise<{ CAName: string; Version: string }> {
        return this.#call('GET', '/api/v1/cainfo', undefined, {});
    }

    async enroll(id: string, secret: string): Promise<Enrolment> {
        const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        const body = { certificate_request: certificationRequest(id, privateKey, publicKey), caname: this.#caName };
        const authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
        const result = await this.#call<{ Cert: string }>('POST', '/api/v1/enroll', body, { authorization });
        return {
            certificate: Buffer.from(result.Cert, 'base64').toString('utf8'),
            privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        };
    }

    /** Registers an identity and returns its enrolment secret. */
    async register(registrar: Enrolment, registration: Registration): Promise<string> {
        const body = {
            id: registration.id,
            type: registration.type ?? 'client',
            secret: registration.secret,
            max_enrollments: registration.maxEnrollments ?? -1,
            affiliation: '',
            attrs: (registration.attributes ?? []).map((attr) => ({ ...attr, ecert: true })),
            caname: this.#caName,
        };
        const result = await this.#signedCall<{ secret: string }>(registrar, 'POST', '/api/v1/register', body);
        return result.secret;
    }

    /** An identity as the CA registered it. */
    async identity(registrar: Enrolment, id: string): Promise<CaIdentity> {
        const query = this.#caName === undefined ? '' : `?ca=${encodeURIComponent(this.#caName)}`;
        return this.#signedCall(registrar, 'GET', `/api/v1/identities/${encodeURIComponent(id)}${query}`, undefined);
    }

    /**
     * Gives a registered identity a new enrolment secret, usable `maxEnrollments` times (-1: unlimited); its type,
     * affiliation and attributes stay as registered.
     */
    async resetSecret(registrar: Enrolment, id: string, secret: string, maxEnrollments: number): Promise<void> {
        await this.#signedCall(registrar, 'PUT', `/api/v1/identities/${encodeURIComponent(id)}`, {
            secret,
            max_enrollments: maxEnrollments,
            caname: this.#caName,
        });
    }

    /** Revokes every certificate of an identity; peers only notice once the CRL reaches the channel config. */
    async revoke(registrar: Enrolment, id: string, reason = 'unspecified'): Promise<void> {
        await this.#signedCall(registrar, 'POST', '/api/v1/revoke', { id, reason, caname: this.#caName });
    }

    close(): void {
        this.#agent.destroy();
    }

    #signedCall<T>(registrar: Enrolment, method: string, path: string, body: unknown): Promise<T> {
        const bodyText = body === undefined ? '' : JSON.stringify(body);
        const b64 = (text: string): string => Buffer.from(text).toString('base64');
        const b64cert = b64(registrar.certificate);
        // Fabric CA >= 1.5.14 signs the method and URI too: method.b64(uri).b64(body).b64(cert)
        const payload = `${method}.${b64(path)}.${b64(bodyText)}.${b64cert}`;
        const signature = lowS(sign('sha256', Buffer.from(payload), createPrivateKey(registrar.privateKey)));
        const authorization = `${b64cert}.${signature.toString('base64')}`;
        return this.#call(method, path, bodyText === '' ? undefined : bodyText, { authorization });
    }

    #call<T>(method: string, path: string, body: unknown, headers: Record<string, string>): Promise<T> {
        const text = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
        return new Promise((resolve, reject) => {
            const req = request(
                new URL(path, this.#url),
                {
                    method,
                    agent: this.#agent,
                    headers: { 'content-type': 'application/json', ...headers },
                    timeout: 30_000,
                },
                (res) => {
                    const chunks: Buffer[] = [];
                    res.on('data', (chunk: Buffer) => chunks.push(chunk));
                    res.on('end', () => {
                        const raw = Buffer.concat(chunks).toString('utf8');
                        try {
                            const parsed = JSON.parse(raw) as CaResponse<T>;
                            if (parsed.success) {
                                resolve(parsed.result);
                                return;
                            }
                            const message = parsed.errors.map((e) => `${e.code}: ${e.message}`).join('; ');
                            reject(
                                new CaError(
                                    `CA ${method} ${path} failed: ${message}`,
                                    res.statusCode ?? 0,
                                    parsed.errors,
                                ),
                            );
                        } catch {
                            reject(
                                new CaError(
                                    `CA ${method} ${path} answered ${res.statusCode}: ${raw.slice(0, 200)}`,
                                    res.statusCode ?? 0,
                                    [],
                                ),
                            );
                        }
                    });
                },
            );
            req.on('timeout', () => req.destroy(new Error(`CA ${method} ${path} timed out`)));
            req.on('error', reject);
            req.end(text);
        });
    }
}

/** A PKCS#10 request for `commonName`, signed with the new key (ECDSA with SHA-256). */
function certificationRequest(commonName: string, privateKey: KeyObject, publicKey: KeyObject): string {
    const subject = sequence(set(sequence(oid('2.5.4.3'), utf8String(commonName))));
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const info = sequence(tlv(0x02, Buffer.from([0])), subject, spki, tlv(0xa0));
    const signature = sign('sha256', info, privateKey);
    const der = sequence(info, sequence(oid('1.2.840.10045.4.3.2')), bitString(signature));
    const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
    return `-----BEGIN CERTIFICATE REQUEST-----\n${lines.join('\n')}\n-----END CERTIFICATE REQUEST-----\n`;
}
