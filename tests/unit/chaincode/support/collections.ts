import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CollectionDefinition } from './fake-ledger';

/** The real collections config the network deploys, so the fake enforces the same membership. */
export function collectionsConfig(): CollectionDefinition[] {
    const path = join(__dirname, '..', '..', '..', '..', 'chaincode', 'collections_config.json');
    return JSON.parse(readFileSync(path, 'utf8')) as CollectionDefinition[];
}
