/**
 * The part of `pg` this example uses. (`@types/pg` is not a dependency of the example yet;
 * with it installed, delete this file.)
 */
declare module 'pg' {
    import type { PgPoolLike } from '@raffle/permit/server';

    const pg: { Pool: new (config: { connectionString: string; max?: number }) => PgPoolLike };
    export default pg;
}
