export { GatewayClient, type Answer, type ClientOptions, type OpenApiDocument, type SendOptions } from './client';
export { GatewayError, GatewayUnreachable } from './errors';
export {
    OPERATIONS,
    type OperationId,
    type OperationInput,
    type OperationOutput,
    type OperationSpec,
} from './operations';
