import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths pino blanks in every log line: API keys, Authorization headers, private keys, enrolment secrets. */
export const REDACT_PATHS = [
    'authorization',
    'headers.authorization',
    'req.headers.authorization',
    'apiKey',
    '*.apiKey',
    'privateKey',
    '*.privateKey',
    'secret',
    '*.secret',
    'enrolmentCode',
    '*.enrolmentCode',
];

/** The gateway's structured logger (JSON lines on stdout unless another destination is given). */
export function newLogger(level: string, destination?: DestinationStream): Logger {
    return pino(
        {
            level,
            base: { service: 'mpt-gateway' },
            redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
            timestamp: pino.stdTimeFunctions.isoTime,
        },
        destination,
    );
}
