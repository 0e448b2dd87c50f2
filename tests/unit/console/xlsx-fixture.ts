import { crc32, deflateRawSync } from 'node:zlib';

/**
 * A minimal .xlsx writer for tests: the parts Excel itself writes (content types, relationships, workbook, styles,
 * shared strings, sheets) in a deflated zip, so the reader under test meets the real format, not a shortcut.
 */

/** A cell: text (a shared string), a number (its stored decimal text as given), or one of the other kinds. */
export type Cell =
    | string
    | null
    | { readonly number: string; readonly style?: 'date' | 'customDate' | 'cnDate' }
    | { readonly inline: string }
    | { readonly rich: readonly string[]; readonly phonetic?: string }
    | { readonly bool: boolean }
    | { readonly formula: string; readonly text: string };

export interface SheetSpec {
    readonly name: string;
    /** Row number (1-based) → its cells; rows not named are absent from the sheet, as Excel leaves empty rows out. */
    readonly rows: ReadonlyMap<number, readonly Cell[]> | readonly (readonly Cell[])[];
}

const escapeXml = (text: string): string =>
    text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);

const columnName = (index: number): string => {
    let name = '';
    for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
    return name;
};

/** Style indexes of styles.xml below: 0 general, 1 built-in date (14), 2 and 3 custom date formats. */
const STYLE = { date: 1, customDate: 2, cnDate: 3 } as const;

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd;@"/><numFmt numFmtId="165" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/></numFmts>
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="1"><fill><patternFill patternType="none"/></fill></fills>
<borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
</styleSheet>`;

function sheetXml(spec: SheetSpec, shared: (text: string) => number): string {
    const rows: [number, readonly Cell[]][] = Array.isArray(spec.rows)
        ? (spec.rows as readonly (readonly Cell[])[]).map((cells, i) => [i + 1, cells])
        : [...(spec.rows as ReadonlyMap<number, readonly Cell[]>)];
    const body = rows
        .map(([rowNo, cells]) => {
            const xml = cells
                .map((cell, i) => {
                    const ref = `${columnName(i)}${rowNo}`;
                    if (cell === null) return '';
                    if (typeof cell === 'string') return `<c r="${ref}" t="s"><v>${shared(cell)}</v></c>`;
                    if ('number' in cell) {
                        const style = cell.style === undefined ? '' : ` s="${STYLE[cell.style]}"`;
                        return `<c r="${ref}"${style}><v>${cell.number}</v></c>`;
                    }
                    if ('inline' in cell) {
                        return `<c r="${ref}" t="inlineStr"><is><t xml:space="preserve">${escapeXml(cell.inline)}</t></is></c>`;
                    }
                    if ('rich' in cell) {
                        const runs = cell.rich
                            .map((text) => `<r><rPr><b/></rPr><t>${escapeXml(text)}</t></r>`)
                            .join('');
                        const guide =
                            cell.phonetic === undefined ? '' : `<rPh sb="0" eb="1"><t>${cell.phonetic}</t></rPh>`;
                        return `<c r="${ref}" t="s"><v>${shared(`\u0000rich:${runs}${guide}`)}</v></c>`;
                    }
                    if ('bool' in cell) return `<c r="${ref}" t="b"><v>${cell.bool ? 1 : 0}</v></c>`;
                    return `<c r="${ref}" t="str"><f>${escapeXml(cell.formula)}</f><v>${escapeXml(cell.text)}</v></c>`;
                })
                .join('');
            return `<row r="${rowNo}">${xml}</row>`;
        })
        .join('');
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' +
        `<sheetData>${body}</sheetData></worksheet>`
    );
}

/** The bytes of a zip holding `files`, each deflated, with its CRC-32, as Excel writes one. */
export function zipOf(files: readonly (readonly [string, string | Buffer])[]): Buffer {
    const locals: Buffer[] = [];
    const central: Buffer[] = [];
    let offset = 0;
    for (const [name, content] of files) {
        const data = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
        const packed = deflateRawSync(data);
        const nameBytes = Buffer.from(name, 'utf8');
        const local = Buffer.alloc(30);
        local.writeUInt32LE(0x04034b50, 0);
        local.writeUInt16LE(20, 4);
        local.writeUInt16LE(0x0800, 6);
        local.writeUInt16LE(8, 8);
        local.writeUInt32LE(crc32(data), 14);
        local.writeUInt32LE(packed.length, 18);
        local.writeUInt32LE(data.length, 22);
        local.writeUInt16LE(nameBytes.length, 26);
        const entry = Buffer.alloc(46);
        entry.writeUInt32LE(0x02014b50, 0);
        entry.writeUInt16LE(20, 4);
        entry.writeUInt16LE(20, 6);
        entry.writeUInt16LE(0x0800, 8);
        entry.writeUInt16LE(8, 10);
        entry.writeUInt32LE(crc32(data), 16);
        entry.writeUInt32LE(packed.length, 20);
        entry.writeUInt32LE(data.length, 24);
        entry.writeUInt16LE(nameBytes.length, 28);
        entry.writeUInt32LE(offset, 42);
        locals.push(local, nameBytes, packed);
        central.push(entry, nameBytes);
        offset += local.length + nameBytes.length + packed.length;
    }
    const directory = Buffer.concat(central);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(files.length, 8);
    end.writeUInt16LE(files.length, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(offset, 16);
    return Buffer.concat([...locals, directory, end]);
}

/**
 * An .xlsx workbook of `sheets`, the first listed first in the workbook; its parts are stored under names that do not
 * follow the sheet order (sheet 1 is `sheet2.xml`), so only the relationships say which part is the first sheet.
 */
export function xlsxOf(sheets: readonly SheetSpec[], options: { date1904?: boolean } = {}): Buffer {
    const strings: string[] = [];
    const index = new Map<string, number>();
    const shared = (text: string): number => {
        let at = index.get(text);
        if (at === undefined) {
            at = strings.push(text) - 1;
            index.set(text, at);
        }
        return at;
    };
    const partOf = (i: number): string => `sheet${sheets.length - i}.xml`;
    const sheetParts = sheets.map((spec, i) => [`xl/worksheets/${partOf(i)}`, sheetXml(spec, shared)] as const);
    const sst = strings
        .map((text) =>
            text.startsWith('\u0000rich:')
                ? `<si>${text.slice('\u0000rich:'.length)}</si>`
                : `<si><t xml:space="preserve">${escapeXml(text)}</t></si>`,
        )
        .join('');
    const ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
    const rns = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';
    const relNs = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"';
    const type = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
    return zipOf([
        [
            '[Content_Types].xml',
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
                '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
                '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
                '<Default Extension="xml" ContentType="application/xml"/>' +
                '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>' +
                sheets
                    .map(
                        (_s, i) =>
                            `<Override PartName="/xl/worksheets/${partOf(i)}" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`,
                    )
                    .join('') +
                '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>' +
                '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>' +
                '</Types>',
        ],
        [
            '_rels/.rels',
            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships ${relNs}>` +
                `<Relationship Id="rId1" Type="${type}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
        ],
        [
            'xl/workbook.xml',
            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook ${ns} ${rns}>` +
                `<workbookPr${options.date1904 === true ? ' date1904="1"' : ''}/><sheets>` +
                sheets
                    .map((s, i) => `<sheet name="${escapeXml(s.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
                    .join('') +
                '</sheets></workbook>',
        ],
        [
            'xl/_rels/workbook.xml.rels',
            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships ${relNs}>` +
                // listed in reverse, as the order of relationships means nothing
                [...sheets]
                    .map((_s, i) => i)
                    .reverse()
                    .map(
                        (i) =>
                            `<Relationship Id="rId${i + 1}" Type="${type}/worksheet" Target="worksheets/${partOf(i)}"/>`,
                    )
                    .join('') +
                `<Relationship Id="rId${sheets.length + 1}" Type="${type}/sharedStrings" Target="sharedStrings.xml"/>` +
                `<Relationship Id="rId${sheets.length + 2}" Type="${type}/styles" Target="styles.xml"/>` +
                '</Relationships>',
        ],
        ['xl/styles.xml', STYLES],
        [
            'xl/sharedStrings.xml',
            `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst ${ns} count="${strings.length}" uniqueCount="${strings.length}">${sst}</sst>`,
        ],
        ...sheetParts,
    ]);
}
