import type { Expectation, FraudCase } from '../model';
import { pad } from '../ids';
import { buyerParty, type Parties } from '../parties';
import { at, must, type Rng } from '../rng';

/**
 * F11 beyond the first case (generate.ts): a passport re-typed in lower case to dodge a naive match, and the
 * near-miss: a namesake of a filed buyer, same name and nationality, with a passport of their own.
 */
export function partyCases(rng: Rng, parties: Parties): FraudCase[] {
    const buyerIds = new Set(parties.parties.filter((p) => p.input.type === 'BUYER').map((p) => p.input.partyId));
    const next = (k: number): string => `B-${pad(buyerIds.size + k, 4)}`;
    const original = must(
        parties.parties.find((p) => p.input.partyId === at(parties.buyers, 4).partyId),
        'buyer 5',
    );
    const retypedId = next(1);
    const retyped: Expectation = { outcome: 'FLAGGED', ruleId: 'F11', subjectType: 'party', subjectId: retypedId };
    const country = at(parties.buyers, 4).country;
    parties.parties.push({
        ...buyerParty(rng, retypedId, `${rng.pick(country.given)} ${rng.pick(country.surnames)}`, country, () =>
            (original.private?.idNumber ?? '').toLowerCase(),
        ),
        expect: retyped,
    });
    const namesakeOf = at(parties.buyers, 3);
    const namesakeId = next(2);
    const namesake: Expectation = {
        outcome: 'ACCEPTED',
        unflagged: { ruleId: 'F11', subjectType: 'party', subjectId: namesakeId },
    };
    parties.parties.push({
        ...buyerParty(rng, namesakeId, namesakeOf.name, namesakeOf.country, () =>
            rng.pattern(namesakeOf.country.passport),
        ),
        expect: namesake,
    });
    return [
        {
            caseId: 'FRAUD-F11-PASSPORT-RETYPED',
            pattern: 'F11',
            title: `${retypedId} filed with the passport of ${original.input.partyId} typed in lower case`,
            caughtBy: 'flag F11 (documents match whatever their case)',
            records: [original.input.partyId, retypedId].map((id) => ({ kind: 'party', id })),
            expected: retyped,
        },
        {
            caseId: 'NEAR-F11-NAMESAKE-OWN-PASSPORT',
            pattern: 'F11',
            nearMiss: true,
            title: `${namesakeId} has the name and nationality of ${namesakeOf.partyId} (${namesakeOf.name}) and a passport of their own`,
            caughtBy: 'flag F11 stays silent: a shared name is not a shared document',
            records: [namesakeOf.partyId, namesakeId].map((id) => ({ kind: 'party', id })),
            expected: namesake,
        },
    ];
}
