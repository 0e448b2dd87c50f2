import { sign, verify, X509Certificate } from 'node:crypto';
import { canonical } from '../idempotency/idempotent';

/**
 * A bank verdict exported for a third party: the verdict and the ledger facts it relied on (txId, block), signed by
 * the person who exported it with their own enrolled Fabric key (ECDSA P-256 over SHA-256, as Fabric signs), over the
 * canonical JSON of `statement` (object keys sorted, no spaces). Anyone holding the file can re-check it with the
 * certificate inside it, and check that certificate against the bank's CA certificate (docs/console.md).
 */
export interface SignedVerdict {
    readonly format: typeof VERDICT_FORMAT;
    readonly statement: VerdictStatement;
    readonly signature: {
        readonly algorithm: typeof SIGNATURE_ALGORITHM;
        /** Base64 of the DER-encoded ECDSA signature over `canonical(statement)` (UTF-8). */
        readonly value: string;
        readonly mspId: string;
        /** The signer's X.509 certificate (PEM), as the org's Fabric CA issued it. */
        readonly certificate: string;
    };
}

export interface VerdictStatement {
    readonly kind: 'bank-receipt-check';
    readonly receiptId: string;
    /** When the gateway ran the check (ISO 8601, UTC). */
    readonly checkedAt: string;
    readonly signedBy: { readonly username: string; readonly role: string; readonly party: string | null };
    /** The verdict as the ledger answered it (BankCheckResult). */
    readonly result: unknown;
    /** The ledger transactions relied on, with the block that committed each. */
    readonly evidence: readonly unknown[];
}

export const VERDICT_FORMAT = 'mpt-signed-verdict/1';
export const SIGNATURE_ALGORITHM = 'ECDSA-P256-SHA256';

/** The bytes that are signed: the statement's canonical JSON. */
export const signedBytes = (statement: VerdictStatement): Buffer => Buffer.from(canonical(statement), 'utf8');

/** Signs `statement` with a Fabric identity (PEM private key and certificate). */
export function signVerdict(
    statement: VerdictStatement,
    identity: { readonly mspId: string; readonly certificate: string; readonly privateKey: string },
): SignedVerdict {
    const value = sign('sha256', signedBytes(statement), identity.privateKey).toString('base64');
    return {
        format: VERDICT_FORMAT,
        statement,
        signature: { algorithm: SIGNATURE_ALGORITHM, value, mspId: identity.mspId, certificate: identity.certificate },
    };
}

export interface VerdictCheck {
    readonly valid: boolean;
    /** Why it is not valid, or who signed it. */
    readonly detail: string;
    readonly subject?: string;
}

const refused = (detail: string): VerdictCheck => ({ valid: false, detail });

/**
 * Re-checks a signed verdict: its shape, the signature over the canonical statement with the certificate's P-256 key,
 * and — given the org's CA certificate (PEM) — that the certificate was issued and signed by that CA.
 */
export function verifyVerdict(document: unknown, caCertificate?: string): VerdictCheck {
    const file = document as { format?: unknown; statement?: unknown; signature?: Record<string, unknown> } | null;
    const signature = file?.signature;
    if (file?.format !== VERDICT_FORMAT || file.statement === undefined || signature === undefined) {
        return refused(`not a ${VERDICT_FORMAT} document`);
    }
    if (signature.algorithm !== SIGNATURE_ALGORITHM || typeof signature.value !== 'string') {
        return refused(`the signature is not ${SIGNATURE_ALGORITHM}`);
    }
    const certificate = certificateOf(signature.certificate);
    if (certificate === undefined) return refused('the certificate cannot be read or holds no ECDSA P-256 key');
    const statement = file.statement as VerdictStatement;
    if (!verify('sha256', signedBytes(statement), certificate.publicKey, Buffer.from(signature.value, 'base64'))) {
        return refused('the signature does not match the statement: the file was changed or signed by someone else');
    }
    if (caCertificate !== undefined && !issuedBy(certificate, new X509Certificate(caCertificate))) {
        return refused('the certificate was not issued by the given CA');
    }
    return {
        valid: true,
        detail: `signed by ${certificate.subject.replace(/\n/g, ', ')}`,
        subject: certificate.subject,
    };
}

/** The signer's certificate, when it is one and holds a P-256 key. */
function certificateOf(pem: unknown): X509Certificate | undefined {
    try {
        const certificate = new X509Certificate(String(pem));
        const key = certificate.publicKey;
        return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1'
            ? certificate
            : undefined;
    } catch {
        return undefined;
    }
}

const issuedBy = (certificate: X509Certificate, ca: X509Certificate): boolean =>
    certificate.checkIssued(ca) && certificate.verify(ca.publicKey);
