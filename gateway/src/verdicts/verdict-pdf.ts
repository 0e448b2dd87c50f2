import type { SignedVerdict } from './signed-verdict';

const PAGE_LINES = 70;
const LINE_WIDTH = 100;

/** JSON in ASCII only (other characters as \uXXXX), so a built-in PDF font shows it and it parses back the same. */
export const asciiJson = (value: unknown): string =>
    JSON.stringify(value, null, 1).replace(
        /[^\x20-\x7e\n]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );

const pdfString = (text: string): string => `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;

function wrap(lines: readonly string[]): string[] {
    return lines.flatMap((line) => {
        if (line.length <= LINE_WIDTH) return [line];
        const parts: string[] = [];
        for (let i = 0; i < line.length; i += LINE_WIDTH) parts.push(line.slice(i, i + LINE_WIDTH));
        return parts;
    });
}

/**
 * The signed verdict as a PDF of plain text (Courier, A4): a summary, then the whole signed JSON file, so a reader can
 * copy it out and re-check the signature exactly as the JSON export. Written by hand: a text PDF is a few objects.
 */
export function verdictPdf(verdict: SignedVerdict): Buffer {
    const result = verdict.statement.result as { verdict?: string };
    const lines = wrap([
        'Bank receipt check - signed verdict',
        `Receipt: ${verdict.statement.receiptId}`,
        `Verdict: ${String(result.verdict)}`,
        `Checked at: ${verdict.statement.checkedAt}`,
        `Signed by: ${verdict.statement.signedBy.username} (${verdict.signature.mspId})`,
        `Signature (${verdict.signature.algorithm}, base64 DER): ${verdict.signature.value}`,
        'Re-check: copy the JSON below into a file and run `mpt verify-verdict <file>` (docs/console.md).',
        '',
        '----- BEGIN SIGNED VERDICT JSON -----',
        ...asciiJson(verdict).split('\n'),
        '----- END SIGNED VERDICT JSON -----',
    ]);
    const pages: string[][] = [];
    for (let i = 0; i < lines.length; i += PAGE_LINES) pages.push(lines.slice(i, i + PAGE_LINES));

    // objects: 1 catalog, 2 pages, 3 font, then per page its page object and content stream
    const objects: string[] = [];
    const kids = pages.map((_, i) => `${4 + i * 2} 0 R`).join(' ');
    objects.push('<< /Type /Catalog /Pages 2 0 R >>');
    objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages.length} >>`);
    objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>');
    pages.forEach((page, i) => {
        const text = page.map((line) => `${pdfString(line)} Tj T*`).join('\n');
        const stream = `BT /F1 7 Tf 10 TL 28 810 Td\n${text}\nET`;
        objects.push(
            `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
        );
        objects.push(`<< /Length ${Buffer.byteLength(stream, 'latin1')} >>\nstream\n${stream}\nendstream`);
    });

    let out = '%PDF-1.4\n';
    const offsets: number[] = [];
    objects.forEach((body, i) => {
        offsets.push(Buffer.byteLength(out, 'latin1'));
        out += `${i + 1} 0 obj\n${body}\nendobj\n`;
    });
    const xref = Buffer.byteLength(out, 'latin1');
    out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
    out += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
    out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(out, 'latin1');
}

/** The signed JSON a verdict PDF carries, read back out of it (for `mpt verify-verdict file.pdf`). */
export function verdictFromPdf(pdf: Buffer): unknown {
    const text = pdf.toString('latin1');
    const shown = [...text.matchAll(/\(((?:\\.|[^\\)])*)\) Tj T\*/g)].map((m) => (m[1] ?? '').replace(/\\(.)/g, '$1'));
    const start = shown.indexOf('----- BEGIN SIGNED VERDICT JSON -----');
    const end = shown.indexOf('----- END SIGNED VERDICT JSON -----');
    if (start < 0 || end < start) throw new Error('this PDF carries no signed verdict');
    return JSON.parse(shown.slice(start + 1, end).join(''));
}
