import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import type { MessageKey } from '../messages';
import { csrfField } from './layout';

type Method = 'key' | 'code';

export interface SignInView {
    readonly csrf: string;
    /** Which form the error belongs to. */
    readonly error?: { readonly form: Method; readonly text: string };
    readonly notice?: string;
}

/** What differs between the two forms: the field, its label and hint, how browsers may treat it. */
const FORMS: Readonly<
    Record<Method, { title: MessageKey; field: string; label: MessageKey; type: string; hint?: MessageKey }>
> = {
    key: { title: 'signIn.withKey', field: 'apiKey', label: 'signIn.apiKey', type: 'password' },
    code: {
        title: 'signIn.withCode',
        field: 'enrolmentCode',
        label: 'signIn.code',
        type: 'text',
        hint: 'signIn.codeHint',
    },
};

function signInForm(t: Translator, view: SignInView, method: Method): SafeHtml {
    const form = FORMS[method];
    const error = view.error?.form === method ? view.error.text : undefined;
    const described = [form.hint === undefined ? '' : `${method}-hint`, error === undefined ? '' : `${method}-error`]
        .filter(Boolean)
        .join(' ');
    return html`<form method="post" action="/sign-in" class="card">
        <h2>${t.t(form.title)}</h2>
        ${csrfField(view.csrf)}<input type="hidden" name="method" value="${method}" />
        <label for="${form.field}">${t.t(form.label)}</label>
        <input
            id="${form.field}"
            name="${form.field}"
            type="${form.type}"
            autocomplete="off"
            required
            ${described === '' ? '' : html`aria-describedby="${described}"`}
            ${error === undefined ? '' : html`aria-invalid="true"`}
        />
        ${form.hint === undefined ? '' : html`<p class="hint" id="${method}-hint">${t.t(form.hint)}</p>`}
        ${error === undefined ? '' : html`<p class="error" role="alert" id="${method}-error">${error}</p>`}
        <button type="submit">${t.t('signIn.submit')}</button>
    </form>`;
}

/** Two forms: an API key, or a one-time enrolment code (redeemed, then signed in). */
export function signInPage(t: Translator, view: SignInView): SafeHtml {
    return html`${view.notice === undefined ? '' : html`<p class="notice" role="status">${view.notice}</p>`}
    ${signInForm(t, view, 'key')}${signInForm(t, view, 'code')}`;
}
