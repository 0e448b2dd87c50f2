import type { CheckExpectation, Expectation, FraudCase } from '../model';

/** How `seed:fraud` and the docs show a case: its ID (a near-miss marked), its title and the answer it must get. */
export interface CaseLine {
    readonly id: string;
    readonly title: string;
    readonly answer: string;
}

function answerOf(e: Expectation): string {
    switch (e.outcome) {
        case 'REJECTED':
            return `refused ${e.code}`;
        case 'FLAGGED':
            return `flag ${e.ruleId} on ${e.subjectType} ${e.subjectId}${e.status === undefined ? '' : `, left ${e.status}`}`;
        case 'ACCEPTED':
            return [
                'accepted',
                e.unflagged === undefined
                    ? ''
                    : `no ${e.unflagged.ruleId} flag on ${e.unflagged.subjectType} ${e.unflagged.subjectId}`,
                e.status === undefined ? '' : `left ${e.status}`,
            ]
                .filter((p) => p !== '')
                .join(', ');
    }
}

const check = (what: string, c: CheckExpectation | undefined): string =>
    c === undefined ? '' : `; ${what} ${c.verdict}${c.reason === undefined ? '' : ` ${c.reason}`}`;

export function describeCase(f: FraudCase): CaseLine {
    const e = f.expected;
    return {
        id: `${f.caseId}${f.nearMiss === true ? ' (near-miss)' : ''}`,
        title: `[${f.pattern}] ${f.title}`,
        answer: `${answerOf(e)}${check('bank check', e.bankCheck)}${check('customs check', e.customsCheck)}`,
    };
}
