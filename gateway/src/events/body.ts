/** The webhook body: Standard Webhooks' `{type, timestamp, data}`, data being the chaincode event and where it is. */
export function webhookBody(event: {
    readonly event_id: string;
    readonly type: string;
    readonly occurred_at: string;
    readonly payload: string;
    readonly block_number: number;
    readonly cluster_id: string | null;
}): string {
    const payload = JSON.parse(event.payload) as Record<string, unknown>;
    return JSON.stringify({
        type: event.type,
        timestamp: event.occurred_at,
        data: { ...payload, eventId: event.event_id, blockNumber: event.block_number, clusterId: event.cluster_id },
    });
}
