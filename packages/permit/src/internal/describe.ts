/**
 * Short, log-safe descriptions of hostile values for error reasons: never more than a few
 * dozen characters, no control characters, and never the content of byte arrays.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * @param value - anything
 * @returns e.g. `5n`, `"abc"`, `a number (3.5)`, `a Uint8Array of 12 bytes`, `null`
 */
export function describeValue(value: unknown): string {
    switch (typeof value) {
        case 'bigint':
            return `${value}n`;
        case 'number':
            return `the number ${String(value)}`;
        case 'string': {
            const shown = value.length > 48 ? `${value.slice(0, 48)}…` : value;
            return `the string ${JSON.stringify(shown)}`;
        }
        case 'boolean':
            return `the boolean ${String(value)}`;
        case 'undefined':
            return 'undefined';
        case 'object':
            if (value === null) return 'null';
            if (value instanceof Uint8Array) return `a Uint8Array of ${value.length} bytes`;
            if (Array.isArray(value)) return `an array of ${value.length} items`;
            return 'an object';
        default:
            return `a ${typeof value}`;
    }
}
