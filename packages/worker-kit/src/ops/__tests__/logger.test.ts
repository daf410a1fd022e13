/**
 * The logger hook: a real worker's and automations' events become structured lines, and no
 * secret (a keypair in base58 or as a JSON array, a database password, a bearer token, an API
 * key, a configured secret) reaches any line, while the useful part of each message stays.
 */
import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';

import { RWA_RAFFLE_EVENTS, RWA_RAFFLE_PROGRAM_ADDRESS } from '@raffle/client';
import { isRaffleError, RAFFLE_ERROR__INVALID_ARGUMENT } from '@raffle/errors';
import { createSolanaRpc, createSolanaRpcSubscriptions, getBase58Decoder } from '@solana/kit';
import EventEmitter from 'eventemitter3';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';

import type { RaffleAutomationEmitter } from '../../raffle/context';
import { createMemoryWorkerStore } from '../../store/memory/index';
import { createWorker } from '../../worker';
import { attachWorkerLogger, redactSecrets, type WorkerLogger } from '../logger';

/** A 64-byte Solana secret key (seed + public key), as bytes. */
function secretKeyBytes(): Uint8Array {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const d = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const x = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
    return new Uint8Array([...d, ...x]);
}

const keyBytes = secretKeyBytes();
const KEY_BASE58 = getBase58Decoder().decode(keyBytes);
const KEY_JSON = JSON.stringify(Array.from(keyBytes));
const DB_PASSWORD = 'S3cr3t-Pa55word';
const BEARER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvcHMifQ.c2lnbmF0dXJl';
const CONFIGURED = 'admin-token-7f3a9c2e11';
const API_KEY = 'helius-key-0a1b2c3d4e';
const REDIS_PASSWORD = 'redisPa55w0rd';
const SIGNATURE_HEX = 'ab'.repeat(32);
const SECRETS = [KEY_BASE58, KEY_JSON, keyBytes.join(','), DB_PASSWORD, BEARER, CONFIGURED, API_KEY, REDIS_PASSWORD, SIGNATURE_HEX];

function capture(): { logger: WorkerLogger; lines: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] } {
    const lines: { level: string; obj: Record<string, unknown>; msg: string | undefined }[] = [];
    const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
    return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, lines };
}

function makeWorker() {
    return createWorker({
        rpc: createSolanaRpc('http://127.0.0.1:1'),
        rpcSubscriptions: createSolanaRpcSubscriptions('ws://127.0.0.1:1'),
        store: createMemoryWorkerStore(),
        programAddress: RWA_RAFFLE_PROGRAM_ADDRESS,
        decoder: RWA_RAFFLE_EVENTS,
        role: 'jobs-only',
    });
}

const TX_SIGNATURE = '5'.repeat(87);
const RAFFLE = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';

/** Emits events whose errors carry every kind of secret. */
function emitSecretLadenEvents(worker: ReturnType<typeof makeWorker>, automations: RaffleAutomationEmitter): void {
    const job = { jobId: `${TX_SIGNATURE}:0:0:raffle.notify`, name: 'handler:WinnerDrawn:raffle.notify', attempt: 2 };
    worker.events.emit('worker:started', { owner: 'replica-1' });
    worker.events.emit('worker:error', { scope: 'effects', error: new Error(`could not sign with ${KEY_BASE58}: signer rejected`) });
    worker.events.emit('handler:failed', { ...job, eventId: `${TX_SIGNATURE}:0:0`, handler: 'raffle.notify', willRetry: true, error: new Error(`bad keypair file ${KEY_JSON}`) });
    worker.events.emit('job:dead', { ...job, error: `connect ECONNREFUSED postgres://raffle:${DB_PASSWORD}@db.internal:5432/raffle` });
    worker.events.emit('job:retry', { ...job, scope: 'rescheduled', delayMs: 1000, error: new Error(`401 from upstream (Authorization: Bearer ${BEARER})`) });
    worker.events.emit('ingest:disconnected', {
        attempt: 3,
        delayMs: 500,
        error: Object.assign(new Error(`socket closed: wss://rpc.example.com/?api-key=${API_KEY} (token ${CONFIGURED})`), { code: 'ECONNRESET' }),
    });
    worker.events.emit('lease:acquired', { name: 'leader:x', owner: 'replica-1', token: 7 });
    worker.events.emit('effect:resolved', { key: `draw-request:${RAFFLE}:0`, status: 'confirmed', signature: TX_SIGNATURE });
    worker.events.emit('event:retracted', { event: { id: `${TX_SIGNATURE}:0:0`, name: 'WinnerDrawn', signature: TX_SIGNATURE, slot: 99n, commitment: 'retracted' } });
    worker.events.emit('ingest:backfilled', { signatures: 3, events: 2, cursorSlot: 120n });
    automations.emit('automation:failed', { action: 'issue-tickets', raffle: RAFFLE as never, willRetry: false, error: new Error(`redis://:${REDIS_PASSWORD}@cache:6379 refused; x-raffle-signature: t=1700000000,v1=${SIGNATURE_HEX}`) });
    automations.emit('automation:done', { action: 'claim-prize', raffle: RAFFLE as never, key: `claim-prize:${RAFFLE}`, signature: TX_SIGNATURE, alreadyDone: false, details: { secret: CONFIGURED } });
    automations.emit('reconcile:done', { raffles: 4, repaired: [{ raffle: RAFFLE as never, actions: ['refund', 'claim-prize'] }], ms: 12 });
    (automations as unknown as EventEmitter).emit('spend:held', { hold: { id: 'hold-1', raffle: RAFFLE, action: 'refund', reason: `budget exceeded (${CONFIGURED})`, lamports: '5000', tickets: 0, heldAt: 1 } });
}

describe('redactSecrets', () => {
    it.each([
        [`key ${KEY_BASE58} leaked`, 'key [redacted key] leaked'],
        [`bytes ${KEY_JSON}!`, 'bytes [redacted key bytes]!'],
        [`postgres://app:${DB_PASSWORD}@db:5432/x failed`, 'postgres://app:***@db:5432/x failed'],
        [`redis://:${REDIS_PASSWORD}@cache:6379`, 'redis://:***@cache:6379'],
        [`Authorization: Bearer ${BEARER}`, 'Authorization: Bearer ***'],
        [`GET https://rpc.example.com/?api-key=${API_KEY}&x=1`, 'GET https://rpc.example.com/?api-key=***&x=1'],
        [`GET /stream?token=${API_KEY}`, 'GET /stream?token=***'],
        [`X-Raffle-Signature: t=1700000000,v1=${SIGNATURE_HEX}`, 'X-Raffle-Signature: ***'],
        ['nothing secret here', 'nothing secret here'],
    ])('case %#', (input, expected) => {
        expect(redactSecrets(input)).toBe(expected);
    });

    it('removes configured secrets literally (and URL-encoded), longest first', () => {
        expect(redactSecrets(`a ${CONFIGURED} b ${encodeURIComponent('p@ss word!')}`, [CONFIGURED, 'p@ss word!'])).toBe('a *** b ***');
        expect(redactSecrets('abc', ['ab'])).toBe('abc'); // too short to be a secret
    });
});

describe('attachWorkerLogger', () => {
    it('logs structured lines with no secret in any of them, keeping the useful message', () => {
        const worker = makeWorker();
        const automations: RaffleAutomationEmitter = new EventEmitter();
        const { logger, lines } = capture();
        const detach = attachWorkerLogger(worker, logger, { automations: { events: automations }, secrets: [CONFIGURED] });
        emitSecretLadenEvents(worker, automations);

        expect(lines.length).toBe(14);
        for (const line of lines) {
            const text = JSON.stringify(line);
            for (const secret of SECRETS) expect(text, `line ${line.obj.event}`).not.toContain(secret);
        }
        const by = (event: string) => lines.find(l => l.obj.event === event)!;
        expect(by('worker:error')).toMatchObject({ level: 'error', obj: { scope: 'effects', err: { message: 'could not sign with [redacted key]: signer rejected' } } });
        expect(by('handler:failed')).toMatchObject({ level: 'warn', obj: { jobId: `${TX_SIGNATURE}:0:0:raffle.notify`, willRetry: true, err: { message: 'bad keypair file [redacted key bytes]' } } });
        expect(by('job:dead')).toMatchObject({ level: 'error', obj: { err: { message: 'connect ECONNREFUSED postgres://raffle:***@db.internal:5432/raffle' } } });
        expect(by('job:retry')).toMatchObject({ level: 'debug', obj: { scope: 'rescheduled', err: { message: '401 from upstream (Authorization: Bearer ***)' } } });
        expect(by('ingest:disconnected')).toMatchObject({ level: 'warn', obj: { err: { message: 'socket closed: wss://rpc.example.com/?api-key=*** (token ***)', code: 'ECONNRESET' } } });
        expect(by('automation:failed')).toMatchObject({ level: 'error', obj: { action: 'issue-tickets', raffle: RAFFLE, err: { message: 'redis://:***@cache:6379 refused; x-raffle-signature: ***' } } });
        // Identifiers stay readable (a signature is not a key), payload details are not logged.
        expect(by('effect:resolved')).toMatchObject({ level: 'info', obj: { key: `draw-request:${RAFFLE}:0`, status: 'confirmed', signature: TX_SIGNATURE } });
        expect(by('automation:done').obj).toEqual({ event: 'automation:done', action: 'claim-prize', raffle: RAFFLE, key: `claim-prize:${RAFFLE}`, signature: TX_SIGNATURE, alreadyDone: false });
        expect(by('event:retracted')).toMatchObject({ level: 'warn', obj: { eventId: `${TX_SIGNATURE}:0:0`, slot: '99' } });
        expect(by('ingest:backfilled')).toMatchObject({ level: 'info', obj: { events: 2, cursorSlot: '120' } });
        expect(by('reconcile:done')).toMatchObject({ level: 'info', obj: { raffles: 4, repaired: 1, actions: 2 } });
        expect(by('spend:held')).toMatchObject({ level: 'error', obj: { holdId: 'hold-1', lamports: '5000', reason: 'budget exceeded (***)' } });

        detach();
        emitSecretLadenEvents(worker, automations);
        expect(lines.length).toBe(14);
    });

    it('survives a logger that throws, and refuses bad arguments', () => {
        const worker = makeWorker();
        const boom = () => {
            throw new Error('disk full');
        };
        attachWorkerLogger(worker, { debug: boom, info: boom, warn: boom, error: boom });
        expect(() => worker.events.emit('worker:error', { scope: 'jobs', error: new Error('x') })).not.toThrow();
        const invalid = (f: () => unknown) => {
            try {
                f();
            } catch (e) {
                return isRaffleError(e, RAFFLE_ERROR__INVALID_ARGUMENT) ? e.context.name : e;
            }
            return null;
        };
        expect(invalid(() => attachWorkerLogger(worker, {} as WorkerLogger))).toBe('logger');
        expect(invalid(() => attachWorkerLogger(worker, capture().logger, { secrets: ['abc'] }))).toBe('secrets');
    });

    it('writes JSON lines through real pino with no secret in them', () => {
        const chunks: string[] = [];
        const stream = new Writable({
            write(chunk: Buffer, _encoding, done) {
                chunks.push(chunk.toString('utf8'));
                done();
            },
        });
        const logger: WorkerLogger = pino({ level: 'debug' }, stream);
        const worker = makeWorker();
        const automations: RaffleAutomationEmitter = new EventEmitter();
        attachWorkerLogger(worker, logger, { automations: { events: automations }, secrets: [CONFIGURED] });
        emitSecretLadenEvents(worker, automations);
        const lines = chunks.join('').split('\n').filter(Boolean);
        expect(lines).toHaveLength(14);
        for (const line of lines) for (const secret of SECRETS) expect(line).not.toContain(secret);
        const parsed = lines.map(l => JSON.parse(l) as { level: number; event: string; msg: string; err?: { message: string } });
        expect(parsed.find(p => p.event === 'job:dead')).toMatchObject({ level: 50, msg: 'job became a dead letter', err: { message: 'connect ECONNREFUSED postgres://raffle:***@db.internal:5432/raffle' } });
        expect(parsed.find(p => p.event === 'job:retry')?.level).toBe(20);
    });
});
