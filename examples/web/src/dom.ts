/**
 * A tiny DOM helper: elements are built with properties and children, and text is only ever
 * set through text nodes (never innerHTML), so data from the chain or a server cannot inject markup.
 */

type Child = Node | string | number | bigint | null | undefined | false;
type Props<K extends keyof HTMLElementTagNameMap> = Partial<Omit<HTMLElementTagNameMap[K], 'dataset' | 'style'>> & { dataset?: Record<string, string> };

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props<K> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
    const { dataset, ...rest } = props;
    const element = Object.assign(document.createElement(tag), rest);
    for (const [key, value] of Object.entries(dataset ?? {})) element.dataset[key] = value;
    element.append(...children.filter(c => c !== null && c !== undefined && c !== false).map(c => (c instanceof Node ? c : String(c))));
    return element;
}

/** Replaces an element's children. */
export function show(parent: Element, ...children: Child[]): void {
    parent.replaceChildren(...children.filter(c => c !== null && c !== undefined && c !== false).map(c => (c instanceof Node ? c : String(c))));
}

/** `4Nd1…xQ2a`: an address or signature shortened for display (the full value is in the title). */
export function short(value: string): HTMLElement {
    return h('code', { title: value }, `${value.slice(0, 4)}…${value.slice(-4)}`);
}

/** A base-unit amount as a decimal string: `formatAmount(5_000_000n, 6)` is `5`. */
export function formatAmount(amount: bigint, decimals: number): string {
    const unit = 10n ** BigInt(decimals);
    const fraction = (amount % unit).toString().padStart(decimals, '0').replace(/0+$/, '');
    return fraction ? `${amount / unit}.${fraction}` : `${amount / unit}`;
}

/** Parses a decimal string into base units: `parseAmount('5.5', 6)` is `5_500_000n`. */
export function parseAmount(text: string, decimals: number): bigint {
    const match = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
    if (!match || (match[2]?.length ?? 0) > decimals) throw new Error(`"${text}" is not an amount with at most ${decimals} decimals`);
    return BigInt(match[1]!) * 10n ** BigInt(decimals) + BigInt((match[2] ?? '').padEnd(decimals, '0') || '0');
}

/** `in 1 h 5 min`, `2 min ago`. */
export function relativeTime(seconds: bigint): string {
    const s = Number(seconds < 0n ? -seconds : seconds);
    const text = s >= 3600 ? `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min` : s >= 60 ? `${Math.floor(s / 60)} min` : `${s} s`;
    return seconds < 0n ? `${text} ago` : `in ${text}`;
}
