/** Customs transitions that take the declaration number and a reason. */
export const REASONED_EVENTS = {
    'inspection-order': ['OrderInspection', 'Order an inspection'],
    return: ['ReturnDeclaration', 'Return a declaration to the declarant'],
    withdraw: ['WithdrawDeclaration', 'Withdraw an accepted declaration'],
    hold: ['HoldDeclaration', 'Put a declaration on hold'],
    'lift-hold': ['LiftHold', 'Lift a hold'],
} as const;

/** Customs transitions that take only the declaration number. */
export const PLAIN_EVENTS = {
    accept: ['AcceptDeclaration', 'Accept a declaration'],
    release: ['ReleaseDeclaration', 'Release the goods'],
} as const;
