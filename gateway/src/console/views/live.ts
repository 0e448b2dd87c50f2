import { eventTypesOf, type SubjectKind } from '../../projection';
import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';

/** The element the live script swaps: a list page renders its rows inside it, and a refresh reads it back. */
export const LIVE_LIST_ID = 'live-list';

/**
 * A list that keeps itself current (console/live-script.ts): `list` inside the element the script refreshes when an
 * event about `subjects` arrives on the page's event stream, the polite live region that announces what changed, and
 * the script. Without JavaScript it is the same list, current as of the page load. The list's own rows carry
 * `data-live-rows` on their `<tbody>`, each row keyed by its `<th scope="row">`, so new and changed rows can be told.
 */
export function liveList(t: Translator, subjects: readonly SubjectKind[], list: SafeHtml): SafeHtml {
    return html`<div id="${LIVE_LIST_ID}" data-live-events="${eventTypesOf(subjects).join(' ')}">${list}</div>
        <p
            id="live-status"
            class="live-status"
            role="status"
            aria-live="polite"
            data-updated="${t.t('live.updated')}"
            data-ended="${t.t('live.ended')}"
            data-interrupted="${t.t('live.interrupted')}"
        ></p>
        <script src="/console/assets/live.js"></script>`;
}
