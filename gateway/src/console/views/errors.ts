import type { ApiError } from '../../http/errors';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';

/** The code's sentence in the user's language; a broken rule (RULE_Vnn) is named with its text. */
export function errorSentence(t: Translator, code: string): string {
    const rule = /^RULE_(V\d{2})(?:_[A-Z][A-Z0-9_]*)?$/.exec(code)?.[1];
    if (rule !== undefined) {
        return t.t('error.rule', { rule, text: t.lookup(`rule.${rule}`, t.t('rule.other')) });
    }
    return t.lookup(`code.${code}`, t.t('code.OTHER'));
}

/** An error shown where it happened: the sentence, the code, and the ledger's own words for the record. */
export function errorBox(t: Translator, error: ApiError): SafeHtml {
    return html`<div class="error" role="alert">
        <p><strong>${errorSentence(t, error.code)}</strong> <code>${error.code}</code></p>
        <details>
            <summary>${t.t('error.detail')}</summary>
            <p lang="en">${error.message}</p>
        </details>
    </div>`;
}

/** A short notice (signed out, session ended). */
export const notice = (text: string): SafeHtml => html`<p class="notice" role="status">${text}</p>`;
