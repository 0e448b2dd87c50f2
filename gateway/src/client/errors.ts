/** The gateway could not be reached (nothing is known to have happened there). */
export class GatewayUnreachable extends Error {
    constructor(
        readonly url: string,
        cause: unknown,
        /** What the caller should do, appended to the message (how to start the gateway, which option to pass). */
        advice?: string,
    ) {
        const why =
            cause instanceof Error ? ((cause.cause as Error | undefined)?.message ?? cause.message) : String(cause);
        super(`gateway not reachable at ${url} (${why})${advice === undefined ? '' : `. ${advice}`}`, { cause });
        this.name = 'GatewayUnreachable';
    }
}

/** The gateway answered an error: its status and the `{error: {code, message, requestId, txId?}}` body. */
export class GatewayError extends Error {
    readonly code: string;
    readonly requestId: string | undefined;
    readonly txId: string | undefined;

    constructor(
        readonly status: number,
        readonly body: unknown,
    ) {
        const error = (
            body as { error?: { code?: string; message?: string; requestId?: string; txId?: string } } | null
        )?.error;
        super(
            error
                ? `${error.code ?? status}: ${error.message ?? ''} (request ${error.requestId ?? '?'})`
                : `HTTP ${status}`,
        );
        this.name = 'GatewayError';
        this.code = error?.code ?? `HTTP_${status}`;
        this.requestId = error?.requestId;
        this.txId = error?.txId;
    }
}
