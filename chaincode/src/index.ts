import { ConsolidationContract } from './contracts/consolidation';
import { CustomsContract } from './contracts/customs';
import { DeclarationContract } from './contracts/declaration';
import { DocumentContract } from './contracts/document';
import { ExemptionContract } from './contracts/exemption';
import { FinancingContract } from './contracts/financing';
import { GoodsContract } from './contracts/goods';
import { HistoryContract } from './contracts/history';
import { IdentityContract } from './contracts/identity';
import { PartyContract } from './contracts/party';
import { RatesContract } from './contracts/rates';
import { ReceiptContract } from './contracts/receipt';
import { ReconciliationContract } from './contracts/reconciliation';
import { RiskContract } from './contracts/risk';
import { TradeContract } from './contracts/trade';
import { skipDroppedShimLogs } from './lib/shim-logging';

skipDroppedShimLogs();

export {
    ConsolidationContract,
    CustomsContract,
    DeclarationContract,
    DocumentContract,
    ExemptionContract,
    FinancingContract,
    GoodsContract,
    HistoryContract,
    IdentityContract,
    PartyContract,
    RatesContract,
    ReceiptContract,
    ReconciliationContract,
    RiskContract,
    TradeContract,
};

/** Read by fabric-chaincode-node through chaincode/package.json `main`. */
export const contracts = [
    DocumentContract,
    IdentityContract,
    PartyContract,
    GoodsContract,
    TradeContract,
    ConsolidationContract,
    DeclarationContract,
    CustomsContract,
    RatesContract,
    HistoryContract,
    RiskContract,
    ReceiptContract,
    ExemptionContract,
    ReconciliationContract,
    FinancingContract,
];
