import { permissionOf } from '../../../../chaincode/src/lib/auth';
import type {
    ConsolidationOrder,
    CustomsEvent,
    Declaration,
    PackingList,
    Trade,
} from '../../../../chaincode/src/model/records';
import type { GatewayRole } from '../../auth/principal';
import { epcisDocumentOf, EpcisDocument, type DeclarationFacts, type EpcisIds } from '../../epcis';
import { defineRoute, type AnyRoute, type CallerLedger } from '../../http/route';
import { DeclParams } from './schema';

/** Who may export a declaration's trace: exactly who may trace its lines (the permission table decides). */
const TRACE_ROLES = Object.keys(permissionOf('CustomsContract.TraceDeclarationLine').roles) as GatewayRole[];

/** The ledger's answers are its canonical records (chaincode/src/model/records.ts). */
async function read<T>(ledger: CallerLedger, fn: string, ...args: string[]): Promise<T> {
    return (await ledger.query({ fn, args })) as T;
}

async function declarationFacts(ledger: CallerLedger, declNo: string): Promise<DeclarationFacts> {
    const declaration = await read<Declaration>(ledger, 'DeclarationContract:GetDeclaration', declNo);
    const [packing, trades, events] = await Promise.all([
        read<PackingList>(ledger, 'ConsolidationContract:GetPackingList', declaration.packingNo),
        Promise.all(declaration.tradeNos.map((tradeNo) => read<Trade>(ledger, 'TradeContract:GetTrade', tradeNo))),
        read<{ events: CustomsEvent[] }>(ledger, 'CustomsContract:GetCustomsEvents', declNo),
    ]);
    const orders = await Promise.all(
        packing.orderCodes.map((orderCode) =>
            read<ConsolidationOrder>(ledger, 'ConsolidationContract:GetConsolidationOrder', orderCode),
        ),
    );
    return { declaration, packing, orders, trades, customsEvents: events.events };
}

/** The export, its identifiers under `ids` (MPT_EPCIS_ID_BASE). */
export function epcisRoute(ids: EpcisIds): AnyRoute {
    return defineRoute({
        method: 'get',
        path: '/v1/declarations/:declNo/epcis',
        operationId: 'exportDeclarationEpcis',
        summary: 'A declaration’s trace as a GS1 EPCIS 2.0 document (JSON-LD)',
        description:
            'Commissioning of every trade line’s goods at its stall, packing into each container of the packing ' +
            'list, shipping at release and departing at the exit port, with the parties, times (+08:00) and ' +
            'business transactions. Identifiers and extension fields: docs/epcis.md.',
        tag: 'declarations',
        roles: TRACE_ROLES,
        ledger: [
            'DeclarationContract.GetDeclaration',
            'ConsolidationContract.GetPackingList',
            'ConsolidationContract.GetConsolidationOrder',
            'TradeContract.GetTrade',
            'CustomsContract.GetCustomsEvents',
        ],
        params: DeclParams,
        errors: ['NOT_FOUND'],
        mediaType: 'application/ld+json',
        response: EpcisDocument,
        handle: async ({ ledger, params }) =>
            epcisDocumentOf(await declarationFacts(ledger, params.declNo), new Date(), ids),
    });
}
