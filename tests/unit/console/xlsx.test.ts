import { describe, expect, it } from '@jest/globals';
import { ImportRefused, spreadsheetRows, tradesFromRows } from '../../../gateway/src/console/trade-import';
import { numberText, readFirstSheet, serialDate, WorkbookUnreadable } from '../../../gateway/src/console/xlsx';
import { xlsxOf, zipOf, type Cell } from './xlsx-fixture';

/**
 * The .xlsx reader of the trade import (gateway/src/console/xlsx.ts) on workbooks written here in the format Excel
 * writes: strings of every kind, numbers without float drift, dates from serials, rows numbered as in the sheet, and
 * bad files refused as a whole.
 */

const one = (rows: readonly (readonly Cell[])[], options: { date1904?: boolean } = {}): string[][] =>
    readFirstSheet(xlsxOf([{ name: '交易', rows }], options));

const refusalOf = (bytes: Buffer): string => {
    try {
        spreadsheetRows(bytes);
    } catch (error) {
        if (error instanceof ImportRefused) return `${error.reason}: ${error.detail}`;
        throw error;
    }
    throw new Error('the file was read');
};

describe('reading an .xlsx workbook', () => {
    it('reads shared, inline and rich-text strings exactly, Chinese and escapes included', () => {
        expect(
            one([
                ['交易单号', { inline: '  spaced  ' }, { rich: ['福田', '市场'], phonetic: 'ふくた' }],
                ['a & b <c>', { inline: 'line_x000D_break' }, { formula: 'CONCAT("T-","1")', text: 'T-1' }],
            ]),
        ).toEqual([
            ['交易单号', '  spaced  ', '福田市场'],
            ['a & b <c>', 'line\rbreak', 'T-1'],
        ]);
    });

    it('keeps a number’s decimal text exact, and rounds a formula’s float noise to what Excel shows', () => {
        const rows = one([
            [
                { number: '2.5' },
                { number: '1234.56' },
                { number: '0.30000000000000004' },
                { number: '9999999999999.99' },
                { number: '1200' },
                { number: '12345678901234567' },
                { number: '2.50' },
            ],
        ]);

        expect(rows).toEqual([['2.5', '1234.56', '0.3', '9999999999999.99', '1200', '12345678901234567', '2.5']]);
    });

    it('reads date-styled serials as dates (built-in, custom and Chinese formats; 1900 and 1904 systems)', () => {
        // 45658 is 2025-01-01 in the 1900 system; the 1904 system counts 1462 days fewer
        const row: Cell[] = [
            { number: '45658', style: 'date' },
            { number: '45658.75', style: 'customDate' },
            { number: '46082', style: 'cnDate' },
            { number: '45658' },
            { number: '61', style: 'date' },
        ];
        expect(one([row])).toEqual([['2025-01-01', '2025-01-01', '2026-03-01', '45658', '1900-03-01']]);
        expect(one([[{ number: '44196', style: 'date' }]], { date1904: true })).toEqual([['2025-01-01']]);
    });

    it('numbers rows as the sheet does: rows left out are empty, so a result names the row a person sees', () => {
        const rows = readFirstSheet(
            xlsxOf([
                {
                    name: 'Sheet1',
                    rows: new Map<number, Cell[]>([
                        [1, ['a', 'b']],
                        [4, [null, 'x']],
                    ]),
                },
            ]),
        );

        expect(rows).toEqual([['a', 'b'], [], [], ['', 'x']]);
    });

    it('reads the first sheet of the workbook, whatever its part is called', () => {
        const bytes = xlsxOf([
            { name: '第一', rows: [['first']] },
            { name: '第二', rows: [['second']] },
        ]);

        expect(readFirstSheet(bytes)).toEqual([['first']]);
    });

    it('reads booleans as TRUE and FALSE', () => {
        expect(one([[{ bool: true }, { bool: false }]])).toEqual([['TRUE', 'FALSE']]);
    });

    it('rounds to Excel’s 15 digits only past them', () => {
        expect([numberText('0.1'), numberText('1.0000000000000002'), numberText('-0.5'), numberText('1e-7')]).toEqual([
            '0.1',
            '1',
            '-0.5',
            '1e-7',
        ]);
        expect(serialDate('1', false)).toBe('1900-01-01');
    });
});

describe('a bad file is refused whole, with the reason', () => {
    const good = xlsxOf([{ name: 'S', rows: [['x']] }]);

    it.each([
        ['a truncated workbook', good.subarray(0, good.length - 30), /^badXlsx: /],
        [
            'a zip that is no workbook',
            zipOf([['word/document.xml', '<w:document/>']]),
            /^badXlsx: no xl\/workbook\.xml/,
        ],
        [
            'an old .xls (OLE) file',
            Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(504)]),
            /^oldExcel: $/,
        ],
    ])('%s', (_what, bytes, reason) => {
        expect(refusalOf(bytes)).toMatch(reason);
    });

    it('a part whose bytes do not match their checksum is refused', () => {
        const damaged = Buffer.from(good);
        // the central directory (after every local entry) records each part's CRC-32, 16 bytes into its entry
        const entry = damaged.lastIndexOf('xl/workbook.xml') - 46;
        damaged.writeUInt32LE((damaged.readUInt32LE(entry + 16) ^ 1) >>> 0, entry + 16);

        expect(() => readFirstSheet(good)).not.toThrow();
        expect(() => readFirstSheet(damaged)).toThrow(
            new WorkbookUnreadable('damaged zip entry xl/workbook.xml (checksum)'),
        );
    });

    it('CSV still reads as before', () => {
        expect(spreadsheetRows(Buffer.from('\uFEFFa,b\r\n1,2\r\n', 'utf8'))).toEqual([
            ['a', 'b'],
            ['1', '2'],
        ]);
    });
});

describe('a sheet’s rows become trades as a CSV’s do', () => {
    it('skips empty rows, keeps sheet row numbers, and reads a header below blank rows', () => {
        const rows = readFirstSheet(
            xlsxOf([
                {
                    name: 'S',
                    rows: new Map<number, Cell[]>([
                        [
                            2,
                            [
                                '交易单号',
                                '交易日期',
                                '代理商',
                                '采购商',
                                '币种',
                                '商品编码',
                                '数量',
                                '单价',
                                '付款方式',
                                '收款渠道',
                            ],
                        ],
                        [
                            3,
                            [
                                'T-X1',
                                { number: '46082', style: 'date' },
                                'A-0001',
                                'B-0001',
                                'USD',
                                'G-1',
                                { number: '1200' },
                                { number: '2.5' },
                                'PREPAID',
                                'BANK',
                            ],
                        ],
                        [
                            6,
                            [
                                'T-X2',
                                '2026-03-01',
                                'A-0001',
                                'B-0001',
                                'USD',
                                { number: '1001' },
                                { number: '3' },
                                { number: '0.30000000000000004' },
                                'PREPAID',
                                'BANK',
                            ],
                        ],
                    ]),
                },
            ]),
        );
        const parsed = tradesFromRows(rows, 'vendor', 'V-0001');

        expect(parsed.refused).toEqual([]);
        expect(parsed.trades.map((t) => [t.rowNos, t.body.tradeDate, t.body.lines[0]])).toEqual([
            [
                [3],
                '2026-03-01',
                expect.objectContaining({ goodsCode: 'G-1', qty: 1200, unitPrice: 250, amount: 300_000 }),
            ],
            [[6], '2026-03-01', expect.objectContaining({ goodsCode: '1001', qty: 3, unitPrice: 30, amount: 90 })],
        ]);
    });
});
