/** Calendar months and days as the ledger writes them (China dates, `YYYY-MM` and `YYYY-MM-DD`). */

export const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month `n` months after `month` (n may be negative). */
export function addMonths(month: string, n: number): string {
    const [year = 0, mon = 1] = month.split('-').map(Number);
    const index = year * 12 + (mon - 1) + n;
    return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every month from `from` to `to`, both included. */
export function monthsBetween(from: string, to: string): string[] {
    const months: string[] = [];
    for (let month = from; month <= to; month = addMonths(month, 1)) months.push(month);
    return months;
}

export const firstDay = (month: string): string => `${month}-01`;

export function lastDay(month: string): string {
    const [year = 0, mon = 1] = month.split('-').map(Number);
    return new Date(Date.UTC(year, mon, 0)).toISOString().slice(0, 10);
}

/** Whole days from one `YYYY-MM-DD` date to another (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
    return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** Today in China (UTC+8, no daylight saving), `YYYY-MM-DD`. */
export function chinaToday(now: Date = new Date()): string {
    return new Date(now.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);
}
