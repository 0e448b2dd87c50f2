/**
 * V32: dates that decide rules are facts of the transaction. "Today" is the China business date of the
 * proposal (`txBusinessDate`), so a date a party supplies is checked against it, never against UTC.
 */
import { ChaincodeError, ruleViolation } from '../lib/errors';
import { dayBefore } from '../lib/identity';

/** A supplied business date (trade date, value date, exit date) may not lie after today. */
export function futureDate(what: string, date: string, today: string): ChaincodeError | null {
    if (date <= today) return null;
    return ruleViolation('V32', `${what} ${date} is after today ${today} (China time)`);
}

/**
 * A declaration is dated on its filing day: today, or the day before (a declaration prepared just before
 * midnight and endorsed after it). Anything earlier would let it pass rules in force only from today.
 */
export function filingDate(declDate: string, today: string): ChaincodeError | null {
    const earliest = dayBefore(today);
    if (declDate > today) return futureDate('declDate', declDate, today);
    if (declDate >= earliest) return null;
    return ruleViolation(
        'V32',
        `declDate ${declDate} is before the filing day (${earliest} at the earliest, China time)`,
    );
}

/** Customs events keep their order (exit ≥ release ≥ acceptance ≥ filing): none is dated before the previous one. */
export function eventOrder(what: string, date: string, previous: string): ChaincodeError | null {
    if (date >= previous) return null;
    return ruleViolation('V32', `${what} ${date} is before the previous event on the declaration (${previous})`);
}
