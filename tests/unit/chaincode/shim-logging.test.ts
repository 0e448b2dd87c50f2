import './support/quiet';
import { describe, expect, it, jest } from '@jest/globals';
import { Shim } from 'fabric-shim';
import { skipDroppedShimLogs } from '../../../chaincode/src/lib/shim-logging';

describe('fabric-shim logging in the chaincode server', () => {
    it('no longer formats the debug lines of each request to the peer, and keeps what the level prints', () => {
        const handler = Shim.newLogger('lib/handler.js');
        expect(handler.isLevelEnabled('debug')).toBe(false);
        const warn = handler.warn;
        const transform = jest.spyOn(handler.format, 'transform');

        handler.debug('handleGetState - with key: %s', 'k');
        const formattedBefore = transform.mock.calls.length;
        skipDroppedShimLogs();
        handler.debug('handleGetState - with key: %s', 'k');
        handler.info('Calling chaincode Invoke() succeeded');

        expect(formattedBefore).toBe(1);
        expect(transform).toHaveBeenCalledTimes(1);
        expect(handler.warn).toBe(warn);
        transform.mockRestore();
    });
});
