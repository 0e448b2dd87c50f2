/**
 * Failures of onboarding and enrolment at the certificate authorities, as facts about the CA; `http/errors.ts` is the
 * one place that decides what each answers over HTTP.
 */
export abstract class CertificateAuthorityError extends Error {
    constructor(message: string, options: { cause?: unknown } = {}) {
        super(message, { cause: options.cause });
        this.name = new.target.name;
    }
}

/** The username is registered at the CA for someone else (another role or party). */
export class UsernameTaken extends CertificateAuthorityError {
    constructor(username: string, cause?: unknown) {
        super(`username ${username} is already registered at this CA`, { cause });
    }
}

/** The CA answered and refused (a used or replaced enrolment secret, a registration it does not accept). */
export class CaRejected extends CertificateAuthorityError {
    constructor(cause?: unknown) {
        super('the certificate authority refused the request', { cause });
    }
}

/** The CA could not be reached: nothing is known to have changed there. */
export class CaUnavailable extends CertificateAuthorityError {
    constructor(cause?: unknown) {
        super('the certificate authority is not reachable; retry later', { cause });
    }
}

/** No CA for this organisation in the connection profile. */
export class UnknownOrganisation extends CertificateAuthorityError {
    constructor(org: string) {
        super(`unknown organisation ${org}`);
    }
}
