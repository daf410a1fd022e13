/** docs/permit-server.md's Express recipe, type-checked and run by recipes.test.ts. */
// #region express
import { type PermitHandler, createNodeRequestListener } from '@raffle/permit/server';
import express from 'express';

export function createExpressApp(handler: PermitHandler): express.Express {
    const app = express();
    // Before any body parser: the permit API reads, bounds and checks its own body, and answers
    // malformed JSON in its error format. Express strips the mount path: create the handler
    // without `basePath`.
    app.use('/permit-api', createNodeRequestListener(handler, { trustProxy: false }));
    app.use(express.json());
    app.post('/orders', (req, res) => {
        res.json({ received: req.body });
    });
    return app;
}
// #endregion express
