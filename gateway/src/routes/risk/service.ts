import { pageArgs } from '../common';

/** ListFlagsBySubject(subjectType, subjectId, pageSize, bookmark). */
export const flagListArgs = (q: {
    subjectType: string;
    subjectId: string;
    pageSize: number;
    bookmark: string;
}): string[] => [q.subjectType, q.subjectId, ...pageArgs(q)];
