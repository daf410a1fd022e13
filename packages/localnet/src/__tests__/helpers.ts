/** Test helpers: raw JSON-RPC calls, transfers signed with kit, a raw websocket client, bounded waits. */
import {
    type Address,
    type Blockhash,
    type Instruction,
    type KeyPairSigner,
    type TransactionSigner,
    appendTransactionMessageInstructions,
    createTransactionMessage,
    getBase64EncodedWireTransaction,
    getSignatureFromTransaction,
    pipe,
    setTransactionMessageFeePayerSigner,
    setTransactionMessageLifetimeUsingBlockhash,
    signTransactionMessageWithSigners,
} from '@solana/kit';
import { getTransferSolInstruction } from '@solana-program/system';
import WebSocket from 'ws';

/** A JSON-RPC response body. */
export interface RpcResponse {
    jsonrpc: string;
    id: unknown;
    result?: any;
    error?: { code: number; message: string; data?: any };
}

export async function rpcRaw(url: string, body: string): Promise<{ status: number; text: string }> {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    return { status: res.status, text: await res.text() };
}

export async function rpc(url: string, method: string, params: unknown[] = []): Promise<RpcResponse> {
    const { text } = await rpcRaw(url, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));
    return JSON.parse(text) as RpcResponse;
}

export async function rpcOk(url: string, method: string, params: unknown[] = []): Promise<any> {
    const r = await rpc(url, method, params);
    if (r.error) throw new Error(`${method}: ${JSON.stringify(r.error)}`);
    return r.result;
}

/** Builds and signs a transaction; returns its base64 wire form and signature. */
export async function buildTx(
    instructions: Instruction[],
    payer: TransactionSigner,
    blockhash: string,
    version: 0 | 'legacy' = 0,
): Promise<{ wire: string; signature: string }> {
    const message = pipe(
        createTransactionMessage({ version }),
        (m) => setTransactionMessageFeePayerSigner(payer, m),
        (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: blockhash as Blockhash, lastValidBlockHeight: 1_000_000n }, m),
        (m) => appendTransactionMessageInstructions(instructions, m),
    );
    const tx = await signTransactionMessageWithSigners(message);
    return { wire: getBase64EncodedWireTransaction(tx), signature: getSignatureFromTransaction(tx) };
}

export async function transferTx(url: string, from: KeyPairSigner, to: Address, amount: bigint, version: 0 | 'legacy' = 0) {
    const { value } = await rpcOk(url, 'getLatestBlockhash', [{ commitment: 'processed' }]);
    return buildTx([getTransferSolInstruction({ source: from, destination: to, amount })], from, value.blockhash, version);
}

export async function send(url: string, wire: string, config: Record<string, unknown> = {}): Promise<RpcResponse> {
    return rpc(url, 'sendTransaction', [wire, { encoding: 'base64', ...config }]);
}

/** A raw PubSub client. */
export class WsClient {
    readonly notifications: any[] = [];
    private readonly pending = new Map<number, (v: any) => void>();
    private nextId = 1;
    closed = false;
    private constructor(readonly ws: WebSocket) {
        ws.on('message', (data) => {
            const msg = JSON.parse(data.toString());
            if (Array.isArray(msg)) {
                for (const m of msg) this.pending.get(m.id)?.(m);
                return;
            }
            if (msg.method) this.notifications.push(msg);
            else this.pending.get(msg.id)?.(msg);
        });
        ws.on('close', () => {
            this.closed = true;
        });
    }

    static open(url: string): Promise<WsClient> {
        return new Promise((resolve, reject) => {
            const ws = new WebSocket(url);
            ws.once('open', () => resolve(new WsClient(ws)));
            ws.once('error', reject);
        });
    }

    call(method: string, params: unknown[] = []): Promise<any> {
        const id = this.nextId++;
        return new Promise((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`ws ${method} timed out`)), 5000);
            this.pending.set(id, (m) => {
                clearTimeout(t);
                this.pending.delete(id);
                resolve(m);
            });
            this.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
        });
    }

    async subscribe(method: string, params: unknown[] = []): Promise<number> {
        const r = await this.call(method, params);
        if (r.error) throw new Error(JSON.stringify(r.error));
        return r.result as number;
    }

    of(subscription: number): any[] {
        return this.notifications.filter((n) => n.params.subscription === subscription);
    }

    close(): void {
        this.ws.terminate();
    }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
