/** docs/permit-server.md's Fastify recipe, type-checked and run by recipes.test.ts. */
// #region fastify
import { type PermitHandler, createNodeRequestListener } from '@raffle/permit/server';
import Fastify, { type FastifyInstance } from 'fastify';

export async function createFastifyApp(handler: PermitHandler): Promise<FastifyInstance> {
    const app = Fastify();
    const listener = createNodeRequestListener(handler, { trustProxy: false });
    // In its own plugin scope, so the rest of the app keeps Fastify's JSON parsing.
    await app.register(async permitApi => {
        // Leave the body unread: the permit API reads, bounds and checks it, and answers every
        // error (malformed JSON, wrong media type, too large) in its own format.
        permitApi.removeAllContentTypeParsers();
        permitApi.addContentTypeParser('*', (_request, _payload, done) => done(null));
        permitApi.all('/permit-api/*', (request, reply) => {
            reply.hijack();
            listener(request.raw, reply.raw);
        });
    });
    app.post('/orders', async request => ({ received: request.body }));
    return app;
}
// #endregion fastify
