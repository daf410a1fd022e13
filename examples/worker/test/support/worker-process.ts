/**
 * The example worker as a child process, started exactly as a user starts it
 * (`node --import tsx src/main.ts` in examples/worker, configured by environment variables
 * only), with its JSON log lines parsed as they arrive.
 */
import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** examples/worker: the child's working directory (tsx finds tsconfig.json and its paths there). */
export const WORKER_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** Optional: every child line appended to this file (diagnosis). */
const LOG_FILE = process.env.EXAMPLE_WORKER_TEST_LOG;

/** One pino line. */
export interface LogLine {
    readonly level: number;
    readonly msg?: string;
    readonly [key: string]: unknown;
}

/** The parent's handle on a worker process. */
export interface WorkerProcess {
    readonly pid: number;
    /** Every JSON line so far. */
    readonly logs: LogLine[];
    /** stdout lines that were not JSON (there should be none). */
    readonly otherStdout: string[];
    /** stderr so far. */
    stderr(): string;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    readonly hasExited: boolean;
    /** The first line (already seen or to come) matching `match`; rejects after `timeoutMs` or on exit. */
    waitFor(match: (line: LogLine) => boolean, timeoutMs: number, what?: string): Promise<LogLine>;
    /** Waits for the `http listening` line and returns the base URL. */
    ready(timeoutMs?: number): Promise<string>;
    signal(signal: NodeJS.Signals): void;
    /** SIGTERM, then the exit (SIGKILL after `timeoutMs`). */
    stop(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<WorkerProcess>();

/**
 * Starts the worker with `env` (added to a minimal environment: PATH, HOME, no inherited
 * worker variables).
 *
 * @param env - the worker's variables
 * @param tag - a name in the diagnosis log
 */
export function startWorkerProcess(env: Record<string, string>, tag = 'worker'): WorkerProcess {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: WORKER_DIR,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
    });
    const logs: LogLine[] = [];
    const otherStdout: string[] = [];
    const stderrChunks: string[] = [];
    const waiters = new Set<(line: LogLine) => void>();
    let exitedFlag = false;
    let buffer = '';
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(resolve => {
        proc.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
            exitedFlag = true;
            running.delete(child);
            resolve({ code, signal });
        });
    });
    proc.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
            const text = buffer.slice(0, newline);
            buffer = buffer.slice(newline + 1);
            if (LOG_FILE) appendFileSync(LOG_FILE, `${tag} ${text}\n`);
            let line: LogLine;
            try {
                line = JSON.parse(text) as LogLine;
            } catch {
                otherStdout.push(text);
                continue;
            }
            logs.push(line);
            for (const waiter of [...waiters]) waiter(line);
        }
    });
    proc.stderr.on('data', (chunk: Buffer) => {
        stderrChunks.push(chunk.toString());
        if (LOG_FILE) appendFileSync(LOG_FILE, `${tag} [stderr] ${chunk.toString()}`);
    });
    const child: WorkerProcess = {
        pid: proc.pid!,
        logs,
        otherStdout,
        stderr: () => stderrChunks.join(''),
        exited,
        get hasExited() {
            return exitedFlag;
        },
        waitFor(match, timeoutMs, what = 'a matching log line') {
            const seen = logs.find(match);
            if (seen) return Promise.resolve(seen);
            return new Promise<LogLine>((resolve, reject) => {
                const waiter = (line: LogLine) => {
                    if (!match(line)) return;
                    cleanup();
                    resolve(line);
                };
                const timer = setTimeout(() => {
                    cleanup();
                    reject(new Error(`${tag}: no ${what} within ${timeoutMs} ms; last lines: ${tail()}`));
                }, timeoutMs);
                const onExit = () => {
                    cleanup();
                    reject(new Error(`${tag} exited before ${what}; last lines: ${tail()}`));
                };
                function cleanup() {
                    clearTimeout(timer);
                    waiters.delete(waiter);
                    proc.off('close', onExit);
                }
                if (exitedFlag) return onExit();
                proc.once('close', onExit);
                waiters.add(waiter);
            });
        },
        async ready(timeoutMs = 60_000) {
            const line = await child.waitFor(l => l.msg === 'http listening', timeoutMs, 'http listening');
            return String(line.url);
        },
        signal(signal) {
            if (!exitedFlag) proc.kill(signal);
        },
        async stop(timeoutMs = 30_000) {
            if (!exitedFlag) proc.kill('SIGTERM');
            const exit = await Promise.race([exited, new Promise<null>(resolve => setTimeout(() => resolve(null), timeoutMs).unref())]);
            if (exit !== null) return exit;
            proc.kill('SIGKILL');
            return exited;
        },
    };
    const tail = () => `${logs.slice(-6).map(l => JSON.stringify(l).slice(0, 300)).join(' | ')}; stderr: ${child.stderr().slice(-1_500)}`;
    running.add(child);
    return child;
}

/** SIGKILLs every worker still running (afterAll), and waits for their exits (bounded). */
export async function killAllWorkers(): Promise<void> {
    const all = [...running];
    for (const child of all) child.signal('SIGKILL');
    await Promise.all(all.map(c => Promise.race([c.exited, new Promise(resolve => setTimeout(resolve, 5_000).unref())])));
}
