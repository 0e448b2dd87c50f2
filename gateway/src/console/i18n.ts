import { CATALOGUES, type Language, type MessageKey } from './messages';

export const LANGUAGES: readonly Language[] = ['zh', 'en'];
/** Chinese first: the console's users are a market, a customs office and banks in China. */
export const DEFAULT_LANGUAGE: Language = 'zh';
const LOCALE: Readonly<Record<Language, string>> = { zh: 'zh-CN', en: 'en-GB' };
const CHINA_TIME = 'Asia/Shanghai';

export const isLanguage = (value: unknown): value is Language =>
    typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);

/** Decimal string of `minor` units with `digits` fraction digits, exactly (no float arithmetic). */
function decimal(minor: number, digits: number): string {
    const sign = minor < 0 ? '-' : '';
    const text = String(Math.abs(minor)).padStart(digits + 1, '0');
    return digits === 0 ? `${sign}${text}` : `${sign}${text.slice(0, -digits)}.${text.slice(-digits)}`;
}

/** Messages, amounts and dates in one language; dates and times in China time. */
export class Translator {
    readonly locale: string;

    constructor(readonly language: Language) {
        this.locale = LOCALE[language];
    }

    t(key: MessageKey, params: Readonly<Record<string, string | number>> = {}): string {
        return CATALOGUES[this.language][key].replace(/\{(\w+)\}/g, (all, name: string) =>
            name in params ? String(params[name]) : all,
        );
    }

    /** A catalogue entry whose key is built from ledger data (a status, a reason code), or `fallback`. */
    lookup(key: string, fallback: string): string {
        const catalogue: Readonly<Record<string, string>> = CATALOGUES[this.language];
        return catalogue[key] ?? fallback;
    }

    /** Integer minor units of an ISO 4217 currency, with its symbol and thousands separators. */
    money(minor: number, currency: string): string {
        const format = new Intl.NumberFormat(this.locale, { style: 'currency', currency });
        const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
        // a decimal string formats exactly (Intl.NumberFormat v3): no float division of money
        return format.format(decimal(minor, digits) as unknown as number);
    }

    /** An integer with thousands separators. */
    count(value: number): string {
        return new Intl.NumberFormat(this.locale).format(value);
    }

    /** An instant (ISO 8601) in China time. */
    dateTime(iso: string): string {
        const at = new Date(iso);
        if (Number.isNaN(at.getTime())) return iso;
        return new Intl.DateTimeFormat(this.locale, {
            timeZone: CHINA_TIME,
            dateStyle: 'medium',
            timeStyle: 'medium',
        }).format(at);
    }

    /** A calendar date (YYYY-MM-DD, already a China business date on the ledger). */
    date(isoDate: string): string {
        const at = new Date(`${isoDate}T00:00:00Z`);
        if (Number.isNaN(at.getTime())) return isoDate;
        return new Intl.DateTimeFormat(this.locale, { timeZone: 'UTC', dateStyle: 'medium' }).format(at);
    }
}
