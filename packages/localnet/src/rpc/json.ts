/**
 * JSON for the wire: bigints are written as raw JSON numbers (u64 values such as `rentEpoch`
 * = 18446744073709551615 or large lamports survive exactly, as a Rust node writes them).
 */

/**
 * Serializes a value to JSON, writing bigints as plain numbers.
 *
 * @param value - any JSON-like value (objects, arrays, strings, numbers, booleans, null, bigints)
 * @returns the JSON text
 */
export function stringifyJson(value: unknown): string {
    const out: string[] = [];
    write(value, out);
    return out.join('');
}

function write(value: unknown, out: string[]): void {
    switch (typeof value) {
        case 'bigint':
            out.push(value.toString());
            return;
        case 'number':
            out.push(Number.isFinite(value) ? String(value) : 'null');
            return;
        case 'string':
            out.push(JSON.stringify(value));
            return;
        case 'boolean':
            out.push(value ? 'true' : 'false');
            return;
        case 'undefined':
        case 'function':
        case 'symbol':
            out.push('null');
            return;
        default:
            break;
    }
    if (value === null) {
        out.push('null');
        return;
    }
    if (Array.isArray(value)) {
        out.push('[');
        value.forEach((v, i) => {
            if (i > 0) out.push(',');
            write(v, out);
        });
        out.push(']');
        return;
    }
    if (value instanceof Uint8Array) {
        write(Array.from(value), out);
        return;
    }
    out.push('{');
    let first = true;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        if (!first) out.push(',');
        first = false;
        out.push(JSON.stringify(k), ':');
        write(v, out);
    }
    out.push('}');
}
