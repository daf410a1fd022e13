/**
 * Starts the example worker: `pnpm --filter @raffle/example-worker start`.
 *
 * The configuration comes from environment variables (see README.md). Every bad value is
 * reported on one line (`example-worker: <VARIABLE> <reason>`) and the process exits 1, before
 * anything connects. Then the worker runs until SIGTERM or SIGINT, which drain it and exit 0; a
 * second signal exits at once.
 */
import { ConfigError, configSecrets, loadConfig } from './config';

/** Prints the problems of a bad configuration and exits 1 (no stack trace). */
function exitWithProblems(error: ConfigError): never {
    process.stderr.write(`${error.lines().join('\n')}\n`);
    process.exit(1);
}

/** The configuration's secrets, once it is loaded: a failure message never repeats one. */
let secrets: readonly string[] = [];

async function main(): Promise<void> {
    let config;
    try {
        config = loadConfig(process.env);
    } catch (e) {
        if (e instanceof ConfigError) exitWithProblems(e);
        throw e;
    }
    const { loadKeys } = await import('./keys');
    let keys;
    try {
        keys = await loadKeys(config);
    } catch (e) {
        if (e instanceof ConfigError) exitWithProblems(e);
        throw e;
    }
    secrets = configSecrets(config);
    // The assembly (stores, clients, the worker, HTTP) loads only once the configuration is good.
    const { runWorkerApp } = await import('./app');
    const exitCode = await runWorkerApp(config, keys);
    process.exit(exitCode);
}

main().catch(async (e: unknown) => {
    if (e instanceof ConfigError) exitWithProblems(e);
    // The message only (no stack), with every configured secret removed.
    const { redactSecrets } = await import('@raffle/worker-kit/ops');
    process.stderr.write(`example-worker: failed to start: ${redactSecrets(e instanceof Error ? e.message : String(e), secrets).slice(0, 1_000)}\n`);
    process.exit(1);
});
