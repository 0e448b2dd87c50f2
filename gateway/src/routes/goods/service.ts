import type { z } from 'zod';
import type { NegativeListQuery } from './schema';

/** GetNegativeList takes the date as its only argument. */
export const negativeListArgs = (query: z.output<typeof NegativeListQuery>): string[] => [query.asOf];
