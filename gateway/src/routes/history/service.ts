/** GetHistory(recordType, recordId). */
export const historyArgs = (p: { recordType: string; recordId: string }): string[] => [p.recordType, p.recordId];
