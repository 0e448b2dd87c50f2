import { Shim } from 'fabric-shim';

/** fabric-shim's loggers on the path of every transaction and of every request it sends the peer. */
const HOT_LOGGERS = ['lib/handler.js', 'lib/stub.js', 'lib/iterators.js', 'contracts-spi/chaincodefromcontract.js'];

type LevelMethods = Record<string, unknown>;

/**
 * fabric-shim logs through winston, which formats every message (timestamp, metadata, colours, the record as JSON)
 * before its transport drops those below the level: several debug lines a request to the peer, about a fifth of a
 * chaincode server's CPU in a bank check. A level the logger would drop now returns at once; what it prints is
 * unchanged (CORE_CHAINCODE_LOGGING_LEVEL, read once when the server starts).
 */
export function skipDroppedShimLogs(): void {
    for (const name of HOT_LOGGERS) {
        const logger = Shim.newLogger(name);
        const methods = logger as unknown as LevelMethods;
        for (const level of Object.keys(logger.levels)) {
            if (typeof methods[level] === 'function' && !logger.isLevelEnabled(level)) {
                methods[level] = (): typeof logger => logger;
            }
        }
    }
}
