/** Consolidation orders and packing lists go to the chaincode as one JSON argument each. */
export const jsonArg = (body: unknown): string[] => [JSON.stringify(body)];
