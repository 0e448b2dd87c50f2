import { html, type SafeHtml } from '../html';
import type { Translator } from '../i18n';
import { IMPORT_COLUMNS, type ImportColumn, type ImportJob, type RowResult } from '../trade-import';
import { errorSentence } from './errors';
import { csrfField } from './layout';

export interface ImportForm {
    readonly csrf: string;
    readonly columns: readonly ImportColumn[];
    readonly error?: string;
}

/** The upload form, the template to download, and the columns accepted (Chinese or English headers). */
export function importForm(t: Translator, form: ImportForm): SafeHtml {
    const invalid = form.error !== undefined;
    return html`<p>${t.t('page.importTrades.intro')}</p>
        <p><a href="/trades/import/template.csv" download>${t.t('import.template')}</a></p>
        <details>
            <summary>${t.t('import.columns')}</summary>
            <ul>
                ${form.columns.map(
                    (column) =>
                        html`<li>
                            <strong>${IMPORT_COLUMNS[column][0]}</strong> / <code>${IMPORT_COLUMNS[column][1]}</code>:
                            ${t.lookup(`import.col.${column}`, column)}
                        </li>`,
                )}
            </ul>
        </details>
        <form method="post" action="/trades/import" enctype="multipart/form-data" class="card">
            ${csrfField(form.csrf)}
            <label for="file">${t.t('import.file')}</label>
            <input
                id="file"
                name="file"
                type="file"
                accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                required
                aria-describedby="file-hint${invalid ? ' file-error' : ''}"
                ${invalid ? html`aria-invalid="true"` : ''}
            />
            <p class="hint" id="file-hint">${t.t('import.fileHint')}</p>
            ${invalid ? html`<p class="error field-error" id="file-error" role="alert">${form.error}</p>` : ''}
            <button type="submit">${t.t('import.submit')}</button>
        </form>`;
}

/** A row's outcome in the user's language: registered, or the code's sentence (a broken rule named). */
export function rowOutcome(t: Translator, row: RowResult): string {
    return row.ok ? t.t('import.ok') : errorSentence(t, row.code ?? 'INTERNAL');
}

/** Progress while the rows go to the ledger; then the per-row results, downloadable as CSV. */
export function importJobPage(t: Translator, job: ImportJob): SafeHtml {
    const failed = job.results.filter((r) => !r.ok).length;
    const status =
        job.state === 'running'
            ? t.t('import.running', { done: job.doneRows, total: job.totalRows })
            : t.t('import.done', { total: job.totalRows, ok: job.totalRows - failed, failed });
    const progress = html`<label for="import-progress">${t.t('import.progress', { file: job.fileName })}</label>
        <progress id="import-progress" value="${job.doneRows}" max="${job.totalRows}">
            ${job.doneRows}/${job.totalRows}
        </progress>
        <p role="status" aria-live="polite" id="import-status">${status}</p>`;
    if (job.state === 'running') return progress;
    return html`${progress}
        ${job.failure === undefined ? '' : html`<div class="error" role="alert"><p>${errorSentence(t, job.failure)}</p></div>`}
        <p>
            <a href="/trades/import/${job.id}/results.csv" download>${t.t('import.download')}</a> ·
            <a href="/trades/import">${t.t('import.again')}</a> · <a href="/trades">${t.t('page.myTrades')}</a>
        </p>
        <div class="table-wrap">
            <table id="import-results">
                <caption>
                    ${t.t('import.results')}
                </caption>
                <thead>
                    <tr>
                        <th scope="col" class="num">${t.t('import.rowNo')}</th>
                        <th scope="col">${t.t('col.tradeNo')}</th>
                        <th scope="col">${t.t('import.result')}</th>
                    </tr>
                </thead>
                <tbody>
                    ${job.results.map(
                        (row) =>
                            html`<tr class="${row.ok ? 'row-ok' : 'row-failed'}">
                                <td class="num">${row.rowNo}</td>
                                <th scope="row">${row.tradeNo}</th>
                                <td>
                                    ${rowOutcome(t, row)}
                                    ${row.ok ? '' : html`<code class="reason-code">${row.code ?? ''}</code>`}
                                    ${
                                        row.message === undefined
                                            ? ''
                                            : html`<details>
                                                  <summary>${t.t('error.detail')}</summary>
                                                  <p lang="en">${row.message}</p>
                                              </details>`
                                    }
                                </td>
                            </tr>`,
                    )}
                </tbody>
            </table>
        </div>`;
}
