import { describe, expect, it } from '@jest/globals';
import { createServer, type AddressInfo } from 'node:net';
import { isListening } from '../../../network/src/processes';

describe('isListening', () => {
    it('is true while a server accepts connections on the port and false once it has closed', async () => {
        const server = createServer((socket) => socket.destroy());
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        const { port } = server.address() as AddressInfo;

        const open = await isListening(port);
        await new Promise((resolve) => server.close(resolve));
        const closed = await isListening(port);

        expect([open, closed]).toEqual([true, false]);
    });
});
