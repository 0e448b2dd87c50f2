import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Router, type Response } from 'express';
import { contextOf } from '../http/context';
import { API_TITLE } from './document';

/**
 * `/docs`: Swagger UI over `/openapi.json`, its assets served from the `swagger-ui-dist` package (no CDN). The
 * policy allows nothing from elsewhere and no inline script: the page's own set-up is a file too. Swagger UI's
 * stylesheet draws its icons as `data:` SVG images.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
].join('; ');

/** `package.json` is resolved because the package's main module would load the whole bundle into the gateway. */
const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const PACKAGE_ASSETS: Readonly<Record<string, string>> = {
    'swagger-ui.css': 'text/css; charset=utf-8',
    'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
    'favicon-32x32.png': 'image/png',
};

// Authorize takes the API key (bearer scheme); it is kept in the page only, never in the browser's storage.
const SETUP_SCRIPT = `window.addEventListener('load', function () {
    window.ui = SwaggerUIBundle({
        url: '/openapi.json',
        dom_id: '#swagger-ui',
        deepLinking: true,
        docExpansion: 'list',
        defaultModelsExpandDepth: 0,
        displayRequestDuration: true,
        persistAuthorization: false,
        validatorUrl: null,
    });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${API_TITLE}</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/setup.js"></script>
</body>
</html>
`;

function send(res: Response, route: string, type: string, body: string | Buffer): void {
    contextOf(res).route = route;
    res.setHeader('content-security-policy', DOCS_CONTENT_SECURITY_POLICY);
    res.setHeader('x-content-type-options', 'nosniff');
    res.type(type).send(body);
}

interface Asset {
    readonly type: string;
    readonly body: Buffer;
}

let assets: ReadonlyMap<string, Asset> | undefined;

/** Read once per process, on first use. */
function docsAssets(): ReadonlyMap<string, Asset> {
    assets ??= new Map([
        ...Object.entries(PACKAGE_ASSETS).map(([name, type]): [string, Asset] => [
            name,
            { type, body: readFileSync(path.join(SWAGGER_UI_DIR, name)) },
        ]),
        ['setup.js', { type: 'text/javascript; charset=utf-8', body: Buffer.from(SETUP_SCRIPT) }],
    ]);
    return assets;
}

/** The `/docs` routes: the page, its set-up script and the Swagger UI assets. */
export function docsRouter(): Router {
    const router = Router();
    router.get('/', (_req, res) => {
        send(res, '/docs', 'text/html; charset=utf-8', PAGE);
    });
    router.get('/:asset', (req, res, next) => {
        const asset = docsAssets().get(req.params.asset);
        if (asset === undefined) {
            next();
            return;
        }
        res.setHeader('cache-control', 'public, max-age=3600');
        send(res, '/docs/:asset', asset.type, asset.body);
    });
    return router;
}
