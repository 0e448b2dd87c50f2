import { z } from 'zod';
import { Id, IsoDate, Text } from '../common';

export const InspectionBody = z.strictObject({ passed: z.boolean(), remark: Text });
export const ExitBody = z.strictObject({
    exitDate: IsoDate.describe(
        'V32: the day the goods left, China time: not before the previous event (the release), not in the future',
    ),
});
export const AmendDeclarationBody = z.strictObject({
    amendment: z
        .strictObject({
            exitPort: Id.optional(),
            transportMode: z.enum(['SEA', 'ROAD', 'RAIL', 'AIR']).optional(),
            billOfLading: Id.optional(),
        })
        .refine((a) => Object.keys(a).length > 0, 'amend at least one field'),
    reason: Text,
});
