/** Serving a fetch handler on 127.0.0.1, port 0, over real HTTP. */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { createNodeRequestListener } from '../../../server/node-listener';
import type { PermitHandlerContext } from '../../../server/handler';

export interface TestServer {
    url: string;
    close(): Promise<void>;
}

/** Starts a loopback server for the handler; always close it. */
export async function serveHandler(handler: (request: Request, context?: PermitHandlerContext) => Promise<Response>): Promise<TestServer> {
    const server: Server = createServer(createNodeRequestListener(handler));
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        close: () =>
            new Promise<void>(resolve => {
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
