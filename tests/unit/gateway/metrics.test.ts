import { describe, expect, it } from '@jest/globals';
import { Metrics } from '../../../gateway/src/ops/metrics';

describe('Metrics', () => {
    it('renders the documented series with their labels in the Prometheus text format', async () => {
        const metrics = new Metrics();
        metrics.request('GET', '/v1/trades/:id', 200, 0.02);
        metrics.request('GET', '/v1/trades/:id', 200, 3);
        metrics.fabricCall('submit', 'TradeContract:RegisterTrade', 'ok', 0.7);
        metrics.rateLimited();

        const text = await metrics.render();

        expect(text).toContain('# TYPE mpt_http_requests_total counter');
        expect(text).toContain('mpt_http_requests_total{method="GET",route="/v1/trades/:id",status="200"} 2');
        expect(text).toContain('# TYPE mpt_http_request_duration_seconds histogram');
        expect(text).toContain(
            'mpt_http_request_duration_seconds_bucket{le="0.025",method="GET",route="/v1/trades/:id"} 1',
        );
        expect(text).toContain(
            'mpt_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/v1/trades/:id"} 2',
        );
        expect(text).toContain('mpt_http_request_duration_seconds_sum{method="GET",route="/v1/trades/:id"} 3.02');
        expect(text).toContain(
            'mpt_fabric_call_duration_seconds_count{fn="TradeContract:RegisterTrade",kind="submit",outcome="ok"} 1',
        );
        expect(text).toContain('mpt_rate_limited_total 1');
        expect(metrics.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    });

    it('keeps each instance its own counts, and the process metrics in every one', async () => {
        const first = new Metrics();
        const second = new Metrics();
        first.rateLimited();
        first.rateLimited();

        const [a, b] = await Promise.all([first.render(), second.render()]);

        expect(a).toContain('mpt_rate_limited_total 2');
        expect(b).toContain('mpt_rate_limited_total 0');
        for (const text of [a, b]) {
            expect(text).toContain('# TYPE process_resident_memory_bytes gauge');
            expect(text).toContain('# TYPE nodejs_gc_duration_seconds histogram');
        }
    });
});
