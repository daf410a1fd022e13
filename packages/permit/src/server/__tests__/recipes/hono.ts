/** docs/permit-server.md's Hono recipe, type-checked and run by recipes.test.ts. */
// #region hono
import type { PermitHandler } from '@raffle/permit/server';
import { Hono } from 'hono';

// What @hono/node-server passes as `c.env` (its `HttpBindings`, reduced to what is read here).
// On Bun, Deno or Workers, take the address from their `getConnInfo(c)` instead.
type NodeBindings = { incoming?: { socket: { remoteAddress?: string } } };

export function createHonoApp(handler: PermitHandler): Hono<{ Bindings: NodeBindings }> {
    const app = new Hono<{ Bindings: NodeBindings }>();
    // The handler is created with `basePath: '/permit-api'`.
    app.all('/permit-api/*', c => handler(c.req.raw, { clientAddress: c.env?.incoming?.socket.remoteAddress }));
    return app;
}
// #endregion hono
