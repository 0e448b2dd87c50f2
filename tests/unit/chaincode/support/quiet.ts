// fabric-contract-api logs every decorator at info level; tests only want warnings. Must load before it does.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'WARNING';
