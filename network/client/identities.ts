/** Wallet names of the two identities the network enrols in every org besides its demo users. */
export const BOOTSTRAP_ADMIN = 'admin';
export const REGISTRAR = 'registrar';

/** The certificate attributes a person is registered with: the chaincode reads role and party from them. */
export const userAttributes = (user: {
    readonly role: string;
    readonly party: string;
}): { name: string; value: string }[] => [
    { name: 'mpt.role', value: user.role },
    { name: 'mpt.party', value: user.party },
];
