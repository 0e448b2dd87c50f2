/** One part of a `multipart/form-data` body: a form field, or a file with its name. */
export interface FormPart {
    readonly name: string;
    readonly fileName?: string;
    readonly data: Buffer;
}

const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

/**
 * The parts of a `multipart/form-data` body (RFC 7578) already read into memory (under the route's size limit): the
 * console's one upload form has a CSRF field and a file, so a streaming parser would buy nothing. Undefined when the
 * body is not multipart or is malformed.
 */
export function formParts(contentType: string | undefined, body: Buffer): FormPart[] | undefined {
    const boundary = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
    const token = boundary?.[1] ?? boundary?.[2];
    if (token === undefined) return undefined;
    const delimiter = Buffer.from(`--${token}`);
    const parts: FormPart[] = [];
    let at = body.indexOf(delimiter);
    while (at >= 0) {
        at += delimiter.length;
        if (body.subarray(at, at + 2).toString() === '--') return parts;
        const part = partAt(body, at, delimiter);
        if (part === undefined) return undefined;
        parts.push(part.part);
        at = part.next;
    }
    return undefined;
}

/** The part whose headers start at `at` (after a delimiter), and where the next delimiter starts. */
function partAt(body: Buffer, at: number, delimiter: Buffer): { part: FormPart; next: number } | undefined {
    if (!body.subarray(at, at + 2).equals(CRLF)) return undefined;
    const headersEnd = body.indexOf(HEADER_END, at);
    const next = body.indexOf(Buffer.concat([CRLF, delimiter]), at);
    if (headersEnd < 0 || next < 0 || headersEnd > next) return undefined;
    const headers = body.subarray(at + 2, headersEnd).toString('utf8');
    const disposition = /^content-disposition:\s*form-data(.*)$/im.exec(headers)?.[1] ?? '';
    const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
    const fileName = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
    if (name === undefined) return undefined;
    const data = body.subarray(headersEnd + HEADER_END.length, next);
    return { part: { name, ...(fileName === undefined ? {} : { fileName }), data }, next: next + CRLF.length };
}
