/** A readable, timestamped timeline on stdout. */
const started = Date.now();

function stamp(): string {
    return `+${((Date.now() - started) / 1000).toFixed(2).padStart(6)}s`;
}

/** A section heading. */
export function section(title: string): void {
    console.log(`\n${title}\n${'-'.repeat(title.length)}`);
}

/** One step that happened. */
export function step(text: string): void {
    console.log(`${stamp()}  ${text}`);
}

/** A detail under the previous step. */
export function detail(text: string): void {
    console.log(`${' '.repeat(11)}${text}`);
}

/** `1234567` base units with 6 decimals -> `1.234567`. */
export function tokens(amount: bigint, decimals = 6): string {
    const unit = 10n ** BigInt(decimals);
    const fraction = (amount % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
    return `${amount / unit}${fraction ? `.${fraction}` : ''}`;
}

/** Shortens an address or signature for display. */
export function short(text: string): string {
    return `${text.slice(0, 4)}…${text.slice(-4)}`;
}
