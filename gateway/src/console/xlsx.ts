import { crc32, inflateRawSync } from 'node:zlib';

/**
 * The first sheet of an Office Open XML workbook (.xlsx, as Excel, WPS and LibreOffice save it) as rows of text
 * cells, read with node:zlib alone: the zip's central directory, the workbook's first sheet, its shared strings and
 * the cell styles that mark dates. Formulas are read as the value the workbook saved. What each cell becomes:
 *
 * - shared and inline strings: their text, exactly (rich-text runs joined, phonetic guides dropped, `_xHHHH_` escapes
 *   decoded);
 * - numbers: the decimal text the file stores when it has at most 15 significant digits (what Excel shows and keeps
 *   exact), else rounded to 15 significant digits, never through a binary float sum — so `2.5` stays `2.5` and a
 *   formula's `0.30000000000000004` reads `0.3`; a value in exponent notation is kept as written (no amount is);
 * - numbers styled as dates: the Excel serial day as `YYYY-MM-DD` (the date as typed, which for a trade in China is
 *   the China date: the file holds no zone), in the 1900 or 1904 date system the workbook declares; a time of day is
 *   dropped;
 * - booleans `TRUE` / `FALSE`; error values (`#N/A`) as shown.
 *
 * Rows are numbered as in the sheet (row 1 at index 0); rows the sheet leaves out or empty are empty arrays, so a
 * result can name the row a person sees.
 */

/** Why a file is not a workbook this reader can read (the import names it to the user). */
export class WorkbookUnreadable extends Error {
    constructor(readonly detail: string) {
        super(`workbook unreadable: ${detail}`);
        this.name = 'WorkbookUnreadable';
    }
}

/** A zip (the container of .xlsx, .docx, …): `PK\x03\x04`. */
export const isZip = (bytes: Uint8Array): boolean =>
    bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;

/** The old binary Excel format (.xls) and password-protected workbooks are OLE compound files. */
export const isOleCompoundFile = (bytes: Uint8Array): boolean =>
    [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1].every((byte, i) => bytes[i] === byte);

/** Most bytes one inflated part may take: a sheet of 2,000 trades is well under 10 MB; a zip bomb is not. */
const MAX_PART_BYTES = 64 * 1024 * 1024;

interface ZipEntry {
    readonly method: number;
    readonly flags: number;
    readonly crc: number;
    readonly compressedSize: number;
    readonly size: number;
    readonly localOffset: number;
}

/** The zip's entries by name, from its central directory (the authority; local headers may omit sizes). */
function zipEntries(zip: Buffer): Map<string, ZipEntry> {
    const EOCD = 0x06054b50;
    const lowest = Math.max(0, zip.length - 22 - 0xffff);
    let end = -1;
    for (let at = zip.length - 22; at >= lowest; at--) {
        if (zip.readUInt32LE(at) === EOCD) {
            end = at;
            break;
        }
    }
    if (end < 0) throw new WorkbookUnreadable('not a complete zip file');
    const count = zip.readUInt16LE(end + 10);
    let at = zip.readUInt32LE(end + 16);
    if (count === 0xffff || at === 0xffffffff) throw new WorkbookUnreadable('ZIP64 workbooks are not supported');
    const entries = new Map<string, ZipEntry>();
    for (let i = 0; i < count; i++) {
        if (at + 46 > zip.length || zip.readUInt32LE(at) !== 0x02014b50) {
            throw new WorkbookUnreadable('damaged zip directory');
        }
        const nameLength = zip.readUInt16LE(at + 28);
        const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
        entries.set(name, {
            flags: zip.readUInt16LE(at + 8),
            method: zip.readUInt16LE(at + 10),
            crc: zip.readUInt32LE(at + 16),
            compressedSize: zip.readUInt32LE(at + 20),
            size: zip.readUInt32LE(at + 24),
            localOffset: zip.readUInt32LE(at + 42),
        });
        at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    }
    return entries;
}

function unzip(zip: Buffer, name: string, entry: ZipEntry): Buffer {
    if ((entry.flags & 0x1) !== 0) throw new WorkbookUnreadable('the workbook is encrypted');
    if (entry.size > MAX_PART_BYTES) throw new WorkbookUnreadable(`${name} is too large`);
    const local = entry.localOffset;
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) {
        throw new WorkbookUnreadable(`damaged zip entry ${name}`);
    }
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const stored = zip.subarray(start, start + entry.compressedSize);
    if (stored.length !== entry.compressedSize) throw new WorkbookUnreadable(`truncated zip entry ${name}`);
    let data: Buffer;
    if (entry.method === 0) data = stored;
    else if (entry.method === 8) {
        try {
            data = inflateRawSync(stored, { maxOutputLength: MAX_PART_BYTES });
        } catch {
            throw new WorkbookUnreadable(`damaged zip entry ${name}`);
        }
    } else throw new WorkbookUnreadable(`zip compression method ${entry.method} is not supported`);
    if (crc32(data) !== entry.crc) throw new WorkbookUnreadable(`damaged zip entry ${name} (checksum)`);
    return data;
}

// XML: the few elements and attributes a workbook's parts need, read with regular expressions over well-formed text.

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function xmlText(raw: string): string {
    return raw
        .replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_all, name: string) =>
            name.startsWith('#x')
                ? String.fromCodePoint(parseInt(name.slice(2), 16))
                : name.startsWith('#')
                  ? String.fromCodePoint(Number(name.slice(1)))
                  : (ENTITIES[name] ?? ''),
        )
        .replace(/_x([0-9A-Fa-f]{4})_/g, (_all, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function attribute(attributes: string, name: string): string | undefined {
    const match = new RegExp(`(?:^|\\s)${name}\\s*=\\s*("([^"]*)"|'([^']*)')`).exec(attributes);
    return match === null ? undefined : xmlText(match[2] ?? match[3] ?? '');
}

/** The text of a string item (`<si>` or `<is>`): its `<t>`s, runs included, phonetic guides (`<rPh>`) left out. */
function stringItem(xml: string): string {
    const withoutPhonetics = xml.replace(/<rPh\b[\s\S]*?<\/rPh>/g, '');
    let text = '';
    for (const match of withoutPhonetics.matchAll(/<t(?:\s[^>]*)?>([\s\S]*?)<\/t>|<t(?:\s[^>]*)?\/>/g)) {
        text += xmlText(match[1] ?? '');
    }
    return text;
}

function sharedStrings(xml: string | undefined): string[] {
    if (xml === undefined) return [];
    return [...xml.matchAll(/<si\b[^>]*>([\s\S]*?)<\/si>|<si\b[^>]*\/>/g)].map((match) => stringItem(match[1] ?? ''));
}

/** Built-in number formats that show a date (ECMA-376 §18.8.30, and the CJK date formats Excel uses in China). */
const DATE_FORMAT_IDS = new Set([14, 15, 16, 17, 22, 27, 28, 29, 30, 31, 34, 35, 36, 50, 51, 52, 53, 54, 57, 58]);

/** A custom format shows a date when, outside quoted text and `[…]` sections, it has a day or year part. */
const isDateFormatCode = (code: string): boolean => /[dy]/i.test(code.replace(/"[^"]*"|\[[^\]]*\]|\\./g, ''));

/** For each cell style index (`s`), whether it shows a date. */
function dateStyles(xml: string | undefined): boolean[] {
    if (xml === undefined) return [];
    const custom = new Map<number, string>();
    for (const match of xml.matchAll(/<numFmt\b([^>]*)\/?>/g)) {
        const attributes = match[1] ?? '';
        custom.set(Number(attribute(attributes, 'numFmtId')), attribute(attributes, 'formatCode') ?? '');
    }
    const cellXfs = /<cellXfs\b[^>]*>([\s\S]*?)<\/cellXfs>/.exec(xml)?.[1] ?? '';
    return [...cellXfs.matchAll(/<xf\b([^>]*?)\/?>/g)].map((match) => {
        const id = Number(attribute(match[1] ?? '', 'numFmtId') ?? '0');
        const code = custom.get(id);
        return code === undefined ? DATE_FORMAT_IDS.has(id) : isDateFormatCode(code);
    });
}

/** A stored number as the decimal text a person typed or Excel shows (see the module comment). */
export function numberText(stored: string): string {
    const value = stored.trim();
    if (!/^-?\d+(\.\d+)?$/.test(value)) return value;
    const digits = value.replace(/^-?0*|\./g, '').replace(/^0+/, '');
    const exact = digits.length <= 15 ? value : Number(value).toPrecision(15);
    if (/e/i.test(exact)) return value;
    return exact.includes('.') ? exact.replace(/\.?0+$/, '') : exact;
}

const DAY_MS = 86_400_000;
/** Day 0 of each date system: serial 1 is 1900-01-01 in the 1900 system (which counts a 29 February 1900). */
const EPOCH_1900 = Date.UTC(1899, 11, 30);
const EPOCH_1904 = Date.UTC(1904, 0, 1);

/** An Excel serial date as `YYYY-MM-DD` (the time of day dropped), or the number's text when it is not a date. */
export function serialDate(stored: string, date1904: boolean): string {
    const serial = Number(stored);
    if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return numberText(stored);
    const day = Math.floor(serial);
    // the 1900 system's serials below 61 (before 1 March 1900) sit one day off its non-existent 29 February
    const shift = !date1904 && day < 61 ? 1 : 0;
    return new Date((date1904 ? EPOCH_1904 : EPOCH_1900) + (day + shift) * DAY_MS).toISOString().slice(0, 10);
}

/** `B12` → column 1 (A is 0). */
function columnOf(reference: string): number | undefined {
    const letters = /^([A-Z]{1,3})\d+$/.exec(reference)?.[1];
    if (letters === undefined) return undefined;
    let column = 0;
    for (let i = 0; i < letters.length; i++) column = column * 26 + letters.charCodeAt(i) - 64;
    return column - 1;
}

/** The first sheet's part name: the workbook's first `<sheet>`, through its relationship. */
function firstSheetPath(workbook: string, relationships: string | undefined): string {
    const first = /<sheet\b([^>]*)\/?>/.exec(workbook)?.[1];
    const id = first === undefined ? undefined : attribute(first, 'r:id');
    if (first === undefined) throw new WorkbookUnreadable('the workbook has no sheet');
    for (const match of (relationships ?? '').matchAll(/<Relationship\b([^>]*)\/?>/g)) {
        const attributes = match[1] ?? '';
        if (attribute(attributes, 'Id') !== id) continue;
        const target = attribute(attributes, 'Target') ?? '';
        return target.startsWith('/') ? target.slice(1) : `xl/${target.replace(/^\.\//, '')}`;
    }
    return 'xl/worksheets/sheet1.xml';
}

/** Largest sheet the import reads: rows past this are refused as too many anyway. */
const MAX_ROWS = 100_000;
const MAX_COLUMNS = 256;

/** What turns a cell's stored value into text: the shared strings, the date styles, the date system. */
interface CellContext {
    readonly strings: readonly string[];
    readonly dates: readonly boolean[];
    readonly date1904: boolean;
}

/** Cell types (`t`) whose text is decided by the type alone. */
const TYPED: Readonly<Record<string, (stored: string, context: CellContext) => string>> = {
    s: (stored, { strings }) => strings[Number(stored)] ?? '',
    str: (stored) => xmlText(stored),
    e: (stored) => xmlText(stored),
    b: (stored) => (stored.trim() === '1' ? 'TRUE' : 'FALSE'),
};

function cellText(attributes: string, inner: string, context: CellContext): string {
    const type = attribute(attributes, 't') ?? 'n';
    if (type === 'inlineStr') return stringItem(/<is\b[^>]*>([\s\S]*?)<\/is>/.exec(inner)?.[1] ?? '');
    const stored = /<v\b[^>]*>([\s\S]*?)<\/v>/.exec(inner)?.[1];
    if (stored === undefined) return '';
    const typed = TYPED[type];
    if (typed !== undefined) return typed(stored, context);
    const isDate = context.dates[Number(attribute(attributes, 's') ?? '0')] === true;
    return isDate ? serialDate(stored, context.date1904) : numberText(stored);
}

function rowCells(xml: string, context: CellContext): string[] {
    const row: string[] = [];
    for (const match of xml.matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const attributes = match[1] ?? '';
        const column = columnOf(attribute(attributes, 'r') ?? '') ?? row.length;
        if (column >= MAX_COLUMNS) throw new WorkbookUnreadable(`more than ${MAX_COLUMNS} columns`);
        while (row.length < column) row.push('');
        row[column] = cellText(attributes, match[2] ?? '', context);
    }
    return row;
}

function sheetRows(sheet: string, context: CellContext): string[][] {
    const rows: string[][] = [];
    const data = /<sheetData\b[^>]*>([\s\S]*?)<\/sheetData>/.exec(sheet)?.[1] ?? '';
    for (const match of data.matchAll(/<row\b([^>]*?)(?:\/>|>([\s\S]*?)<\/row>)/g)) {
        const number = Number(attribute(match[1] ?? '', 'r') ?? rows.length + 1);
        if (!Number.isInteger(number) || number < rows.length + 1 || number > MAX_ROWS) {
            throw new WorkbookUnreadable(`row ${number} is out of order or beyond ${MAX_ROWS}`);
        }
        while (rows.length < number - 1) rows.push([]);
        rows.push(rowCells(match[2] ?? '', context));
    }
    return rows;
}

/** The first sheet of `bytes` (an .xlsx file) as rows of cell texts; {@link WorkbookUnreadable} when it is not one. */
export function readFirstSheet(bytes: Uint8Array): string[][] {
    const zip = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!isZip(zip)) throw new WorkbookUnreadable('not a zip file');
    const entries = zipEntries(zip);
    const part = (name: string): string | undefined => {
        const entry = entries.get(name);
        return entry === undefined ? undefined : unzip(zip, name, entry).toString('utf8');
    };
    const workbook = part('xl/workbook.xml');
    if (workbook === undefined) throw new WorkbookUnreadable('no xl/workbook.xml: not an Excel workbook');
    const sheetPath = firstSheetPath(workbook, part('xl/_rels/workbook.xml.rels'));
    const sheet = part(sheetPath);
    if (sheet === undefined) throw new WorkbookUnreadable(`no ${sheetPath}`);
    return sheetRows(sheet, {
        strings: sharedStrings(part('xl/sharedStrings.xml')),
        dates: dateStyles(part('xl/styles.xml')),
        date1904: /<workbookPr\b[^>]*\bdate1904\s*=\s*["'](1|true)["']/.test(workbook),
    });
}
