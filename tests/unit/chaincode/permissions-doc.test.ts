import { describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import '../../../chaincode/src/index';
import { permissionsMarkdown } from '../../../chaincode/src/lib/permissions-doc';

const DOC = join(__dirname, '..', '..', '..', 'docs', 'permissions.md');

/** Prettier pads table cells; compare cell contents, not padding. */
function normalise(markdown: string): string[] {
    return markdown
        .trim()
        .split('\n')
        .map((line) =>
            line.startsWith('|')
                ? line
                      .split('|')
                      .map((cell) => cell.trim().replace(/^:?-{3,}:?$/, '---'))
                      .join('|')
                : line,
        );
}

describe('docs/permissions.md', () => {
    it('equals the matrix generated from the code (all contracts registered)', () => {
        const generated = permissionsMarkdown();
        if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, generated);
        expect(normalise(readFileSync(DOC, 'utf8'))).toEqual(normalise(generated));
        expect(generated).toContain('| TradeContract.RegisterTrade | write |');
    });
});
