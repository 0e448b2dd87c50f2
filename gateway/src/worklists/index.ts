/** Work lists and searches over the caller's org read model (docs/read-side.md "Work lists"). */
export {
    decodeCursor,
    DEFAULT_LIMIT,
    encodeCursor,
    MAX_LIMIT,
    MIN_LIMIT,
    type CursorPosition,
    type Direction,
    type Page,
} from './cursor';
export * from './measures';
export * from './queries';
export {
    ListForbidden,
    partyRequirement,
    rolesOf,
    rowScope,
    scopeOf,
    WORK_LISTS,
    type ListCaller,
    type RowScope,
    type WorkListName,
} from './scope';
export { escapeLike } from './text-match';
