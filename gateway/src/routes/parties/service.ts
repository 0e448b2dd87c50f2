import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { PartyBody } from './schema';

/** RegisterParty's arguments: the public fields as JSON, personal data as transient data with a fresh salt. */
export function partyArgs(body: z.output<typeof PartyBody>): { args: string[]; transient?: Record<string, string> } {
    const { private: personal, ...party } = body;
    if (personal?.idNumber === undefined && personal?.bankAccount === undefined) {
        return { args: [JSON.stringify(party)] };
    }
    const transient: Record<string, string> = { salt: randomBytes(16).toString('hex') };
    if (personal.idNumber !== undefined) {
        transient.idNumber = personal.idNumber;
    }
    if (personal.bankAccount !== undefined) {
        transient.bankAccount = personal.bankAccount;
    }
    return { args: [JSON.stringify(party)], transient };
}
