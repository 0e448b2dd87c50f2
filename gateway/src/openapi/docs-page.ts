/** A self-contained HTML page listing every operation of an OpenAPI document (no scripts, no CDN). */

type Json = Record<string, unknown>;

const escapeHtml = (text: string): string =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const asRecord = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function parametersTable(parameters: unknown): string {
    const list = Array.isArray(parameters) ? parameters.map(asRecord) : [];
    if (list.length === 0) {
        return '';
    }
    const rows = list
        .map(
            (p) =>
                `<tr><td><code>${escapeHtml(str(p.name))}</code></td><td>${escapeHtml(str(p.in))}</td>` +
                `<td>${p.required === true ? 'yes' : 'no'}</td>` +
                `<td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td></tr>`,
        )
        .join('');
    return `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>`;
}

function operationHtml(path: string, method: string, op: Json): string {
    const body = asRecord(asRecord(asRecord(asRecord(op.requestBody).content)['application/json']).schema);
    const responses = Object.entries(asRecord(op.responses))
        .map(([status, r]) => `<li><b>${escapeHtml(status)}</b> ${escapeHtml(str(asRecord(r).description))}</li>`)
        .join('');
    const success = Object.entries(asRecord(op.responses)).find(([status]) => status.startsWith('2'));
    const successSchema = asRecord(asRecord(asRecord(success?.[1]).content)['application/json']).schema;
    return [
        `<section id="${escapeHtml(str(op.operationId) || `${method}-${path}`)}">`,
        `<h3><span class="m">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>`,
        `<p>${escapeHtml(str(op.summary))}</p>`,
        op.description ? `<p>${escapeHtml(str(op.description))}</p>` : '',
        parametersTable(op.parameters),
        Object.keys(body).length > 0
            ? `<details><summary>request body</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>`
            : '',
        successSchema
            ? `<details><summary>response body</summary><pre>${escapeHtml(JSON.stringify(successSchema, null, 2))}</pre></details>`
            : '',
        `<ul>${responses}</ul>`,
        '</section>',
    ].join('\n');
}

export function docsPage(document: Json): string {
    const info = asRecord(document.info);
    const sections: string[] = [];
    for (const [path, methods] of Object.entries(asRecord(document.paths))) {
        for (const [method, op] of Object.entries(asRecord(methods))) {
            sections.push(operationHtml(path, method, asRecord(op)));
        }
    }
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(str(info.title))}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}
section{border-top:1px solid #ddd;padding:.5rem 0}.m{display:inline-block;min-width:4rem;color:#06c}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .5rem;text-align:left;font-size:.9rem}
pre{background:#f6f6f6;padding:.5rem;overflow:auto;font-size:.8rem}
</style></head><body>
<h1>${escapeHtml(str(info.title))} <small>${escapeHtml(str(info.version))}</small></h1>
<p>${escapeHtml(str(info.description))}</p>
<p>Authenticate with <code>Authorization: Bearer &lt;API key&gt;</code>. Every write needs an
<code>Idempotency-Key</code> header. Errors: <code>{"error":{"code","message","requestId","txId?"}}</code>.
Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
${sections.join('\n')}
</body></html>
`;
}
