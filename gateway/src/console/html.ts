/** HTML that is already escaped: the only thing {@link html} inserts without escaping. */
export class SafeHtml {
    constructor(readonly text: string) {}

    toString(): string {
        return this.text;
    }
}

const ESCAPES: Readonly<Record<string, string>> = {
    '&': '&amp;',
    '<': '&lt;',
    '>': '&gt;',
    '"': '&quot;',
    "'": '&#39;',
};

export function escapeHtml(text: string): string {
    return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
    if (value instanceof SafeHtml) return value.text;
    if (Array.isArray(value)) return (value as readonly Value[]).map(render).join('');
    if (value === null || value === undefined || value === false) return '';
    return escapeHtml(String(value));
}

/** A template tag that escapes every interpolated value except {@link SafeHtml} (and arrays of them). */
export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
    let out = strings[0] ?? '';
    values.forEach((value, i) => {
        out += render(value) + (strings[i + 1] ?? '');
    });
    return new SafeHtml(out);
}

/** JSON for a `<script type="application/json">` block: `<` escaped so no value can close the element. */
export function jsonBlock(value: unknown): SafeHtml {
    return new SafeHtml(JSON.stringify(value).replace(/</g, '\\u003c'));
}
