import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TestIdentity {
    readonly certificate: string;
    readonly privateKey: string;
}

/**
 * A CA and a person it certified, both ECDSA P-256 as Fabric CA issues them, made by the system's openssl (Node can
 * make keys but not certificates): real X.509 for the signature tests.
 */
export function certifiedPerson(username: string): { ca: TestIdentity; person: TestIdentity } {
    const dir = mkdtempSync(path.join(tmpdir(), 'mpt-certs-'));
    const at = (name: string): string => path.join(dir, name);
    const openssl = (...args: string[]): void => {
        execFileSync('openssl', args, { stdio: 'pipe' });
    };
    try {
        const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
        openssl(
            'req',
            '-x509',
            ...newKey,
            '-keyout',
            at('ca.key'),
            '-out',
            at('ca.pem'),
            '-days',
            '2',
            '-subj',
            '/CN=ca.bank.test',
        );
        openssl('req', ...newKey, '-keyout', at('p.key'), '-out', at('p.csr'), '-subj', `/OU=bank/CN=${username}`);
        openssl(
            'x509',
            '-req',
            '-in',
            at('p.csr'),
            '-CA',
            at('ca.pem'),
            '-CAkey',
            at('ca.key'),
            '-CAcreateserial',
            '-out',
            at('p.pem'),
            '-days',
            '2',
        );
        const read = (name: string): string => readFileSync(at(name), 'utf8');
        return {
            ca: { certificate: read('ca.pem'), privateKey: read('ca.key') },
            person: { certificate: read('p.pem'), privateKey: read('p.key') },
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
