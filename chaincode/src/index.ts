import { DocumentContract } from './contracts/document';
import { IdentityContract } from './contracts/identity';

export { DocumentContract, IdentityContract };

/** Read by fabric-chaincode-node through chaincode/package.json `main`. */
export const contracts = [DocumentContract, IdentityContract];
