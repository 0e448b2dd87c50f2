import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** The repository root: the nearest directory above this file whose package.json is ours. */
export function repoRoot(from: string = __dirname): string {
    let dir = from;
    for (;;) {
        const manifest = path.join(dir, 'package.json');
        if (existsSync(manifest)) {
            const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
            if (name === 'market-procurement-ledger') {
                return dir;
            }
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            throw new Error(`cannot find the repository root above ${from}`);
        }
        dir = parent;
    }
}

/** Where binaries and networks live: shared by every network on the machine (MPT_FABRIC_HOME, default .fabric). */
export const toolsDir = (): string => process.env.MPT_FABRIC_HOME ?? path.join(repoRoot(), '.fabric');

/** The default network's state directory. */
export const DEFAULT_STATE_DIR = (): string => path.join(toolsDir(), 'net');
