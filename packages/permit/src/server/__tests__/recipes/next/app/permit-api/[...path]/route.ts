/** docs/permit-server.md's Next.js (App Router) recipe, type-checked and run by recipes.test.ts. */
// #region next
// app/permit-api/[...path]/route.ts; the handler is created with `basePath: '/permit-api'`.
import { createClientAddressResolver } from '@raffle/permit/server';

import { handler } from './permit-handler';

export const runtime = 'nodejs'; // PGlite and pg need Node.js
export const dynamic = 'force-dynamic';

// One proxy in front (Vercel, or nginx): the client is the rightmost X-Forwarded-For entry.
const clientAddressOf = createClientAddressResolver(1);

// Next.js passes a second argument ({ params }); the permit handler must not receive it.
const serve = (request: Request): Promise<Response> =>
    handler(request, { clientAddress: clientAddressOf(undefined, request.headers.get('x-forwarded-for')) });

export const GET = serve;
export const POST = serve;
export const PATCH = serve;
export const DELETE = serve;
export const OPTIONS = serve;
// #endregion next
