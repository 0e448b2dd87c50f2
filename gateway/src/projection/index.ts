/** The read side: each organisation's projection of its own peer's ledger (see docs/read-side.md). */
export {
    applyBlock,
    applyBlocks,
    BlockGap,
    nextBlock,
    readCheckpoint,
    type Applied,
    type ApplyOptions,
    type Checkpoint,
} from './apply';
export { parseBlock, type LedgerTransaction, type ParsedBlock } from './blocks';
export {
    dropPostgresReadModel,
    openReadModel,
    schemaName,
    type BeforeMigrate,
    type ReadModelDatabase,
    type ReadModelLocation,
} from './database';
export {
    Projector,
    type BlockSource,
    type BlockStream,
    type ProjectionState,
    type ProjectionStatus,
} from './projector';
export {
    startProjections,
    verifyOrgReadModel,
    type OrgReadModel,
    type Projections,
    type ProjectionsOptions,
    type VerifyOrgOptions,
} from './projections';
export { blocksOfTransactions } from './transactions';
export { eventTypesOf, subjectsOf, subscriptionTakes, type SubjectKind } from './outbox';
export type { OutboxTable, ReadModel } from './schema';
export {
    verifyReadModel,
    type CheckpointProblem,
    type CheckpointProblemKind,
    type Divergence,
    type DivergenceKind,
    type RowOrigin,
    type TableResult,
    type VerifyOptions,
    type VerifyProgress,
    type VerifyReport,
} from './verify';
