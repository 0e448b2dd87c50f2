import { pageArgs } from '../common';

/** ListDeclarationsByDate(declDate, pageSize, bookmark). */
export const declListArgs = (q: { declDate: string; pageSize: number; bookmark: string }): string[] => [
    q.declDate,
    ...pageArgs(q),
];
