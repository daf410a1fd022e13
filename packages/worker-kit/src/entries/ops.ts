/**
 * `@raffle/worker-kit/ops`: what running a worker as a service needs. A fetch-API HTTP handler
 * (health, readiness, status, Prometheus metrics, the activity stream as Server-Sent Events, the
 * admin routes, a webhook receiver for pushed transactions and the operator page), a
 * pino-compatible logger hook that never logs a secret, and notifiers (a signed webhook) for
 * what the automations did. See docs/operations.md.
 *
 * @packageDocumentation
 */
export { operatorPage, type OperatorPage, type OperatorPageOptions } from '../ops/operator-page';
export { createWorkerMetrics, instrumentRpc, type RpcMetricsTarget, type WorkerMetrics, type WorkerMetricsOptions } from '../ops/metrics';
export { attachWorkerLogger, redactSecrets, type AttachWorkerLoggerOptions, type WorkerLogger } from '../ops/logger';
export {
    createWebhookNotifier,
    NOTIFICATION_TYPES,
    verifyWebhookSignature,
    WebhookDeliveryError,
    type Notification,
    type NotificationType,
    type Notifier,
    type VerifyWebhookSignatureInput,
    type WebhookNotifierOptions,
} from '../ops/notify';
export { createWorkerHttpHandler, type WorkerHttpHandler } from '../ops/http';
export type { WorkerHttpAutomations, WorkerHttpHandlerOptions, WorkerHttpMetrics, WorkerHttpSpendGuard, WorkerHttpSpendHold, WorkerHttpWorker } from '../ops/http-options';
export { attachActivityFeed, type ActivityFeedOptions } from '../ops/feed';
export { HELIUS_MAX_TRANSACTIONS, parseHeliusRawWebhook } from '../ops/helius';
