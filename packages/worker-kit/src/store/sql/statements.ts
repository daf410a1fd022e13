/**
 * The SQL statements of a store, bound to its schema: the `queries/*.sql` files (embedded as
 * `SQL_QUERIES`) with `:schema` replaced by the quoted schema, once per store.
 *
 * @internal
 */
import { SQL_QUERIES } from './queries.generated';

/** The name of one statement (`queries/<name>.sql` in camelCase). */
export type SqlStatementName = keyof typeof SQL_QUERIES;

/** Every statement, ready to run against one schema. */
export type SqlStatements = { readonly [K in SqlStatementName]: string };

/** `:schema`, but not the tail of a `::schema` cast. */
const SCHEMA_PLACEHOLDER = /(?<!:):schema\b/g;

/**
 * Binds every statement to a schema.
 *
 * @param quotedSchema - the schema as `quoteSchema` returns it (checked and quoted)
 * @returns the statements
 */
export function sqlStatements(quotedSchema: string): SqlStatements {
    const out: Record<string, string> = {};
    for (const [name, text] of Object.entries(SQL_QUERIES)) out[name] = text.replace(SCHEMA_PLACEHOLDER, quotedSchema);
    return out as SqlStatements;
}
