/**
 * Integration: compile the C fixtures with Debian's clang-19, link them, and run the program
 * in LiteSVM, once installed with `addProgram` and once deployed through the upgradeable
 * loader (InitializeBuffer, Write, DeployWithMaxDataLen), which applies the deploy checks.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { type Address, generateKeyPairSigner, type KeyPairSigner, lamports } from '@solana/kit';
import { FailedTransactionMetadata, LiteSVM, type TransactionMetadata } from 'litesvm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { deployWithUpgradeableLoader, sendOnSvm } from '../../../src/__tests__/support/loader-deploy';
import { linkSbf } from '../link';
import { expectLoaderInvariants } from './elf-invariants';
import { buildObject, bytes, CODE, exit, mov64 } from './object-builder';

const CLANG = 'clang-19';
const CLANG_FLAGS = ['-target', 'bpf', '-mcpu=v2', '-O2', '-ffreestanding', '-fno-builtin', '-mllvm', '-bpf-stack-size=4096', '-c'];
const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const hasClang = spawnSync(CLANG, ['--version']).status === 0;
// CI must run this suite: there a missing clang-19 fails the tests instead of skipping them.
const suite = hasClang || process.env.CI === 'true' ? describe : describe.skip;
const title = hasClang
    ? 'linked C program in LiteSVM'
    : 'linked C program in LiteSVM (clang-19 is missing: run `bash packages/program/scripts/install-clang.sh`)';

function u64(value: bigint | number): Uint8Array {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigUint64(0, BigInt(value), true);
    return out;
}
/** The `Custom(n)` code of a failed instruction, if that is how the transaction failed. */
function customErrorCode(result: TransactionMetadata | FailedTransactionMetadata): number | undefined {
    if (!(result instanceof FailedTransactionMetadata)) return undefined;
    const error: unknown = result.err();
    const inner: unknown = typeof error === 'object' && error !== null && 'err' in error && typeof error.err === 'function' ? error.err() : undefined;
    return typeof inner === 'object' && inner !== null && 'code' in inner && typeof inner.code === 'number' ? inner.code : undefined;
}

function logsOf(result: TransactionMetadata | FailedTransactionMetadata): string[] {
    return result instanceof FailedTransactionMetadata ? result.meta().logs() : result.logs();
}

function compile(dir: string, name: string): { name: string; bytes: Uint8Array } {
    const output = join(dir, `${name}.o`);
    execFileSync(CLANG, [...CLANG_FLAGS, join(FIXTURES, `${name}.c`), '-o', output]);
    return { name: `${name}.o`, bytes: new Uint8Array(readFileSync(output)) };
}

suite(title, () => {
    let dir = '';
    let elf: Uint8Array = new Uint8Array(0);
    let svm: LiteSVM;
    let payer: KeyPairSigner;

    beforeAll(async () => {
        if (!hasClang) throw new Error('clang-19 is missing (required when CI=true): run `bash packages/program/scripts/install-clang.sh`');
        dir = mkdtempSync(join(tmpdir(), 'sbf-link-'));
        elf = linkSbf([compile(dir, 'hello'), compile(dir, 'helpers')]);
        // Raw LiteSVM on purpose: this tests the toolchain's output, not the raffle program, so no raffle fixtures.
        svm = new LiteSVM();
        payer = await generateKeyPairSigner();
        svm.airdrop(payer.address, lamports(100_000_000_000n));
    });
    afterAll(() => {
        if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const invoke = (program: Address, data: number[]) => sendOnSvm(svm, payer, [{ programAddress: program, data: new Uint8Array(data) }]);

    it('compiles objects the linker has work to do on: callx with dst register, syscalls, rodata', () => {
        const helpers = compile(dir, 'helpers').bytes;
        // LLVM 19: callx r3 = 8d 03 00 00 00 00 00 00 (register in dst, imm 0)
        expect(Buffer.from(helpers).includes(Buffer.from([0x8d, 0x03, 0, 0, 0, 0, 0, 0]))).toBe(true);
        const program = expectLoaderInvariants(elf);
        expect(program.dynsym.slice(2).map(s => s.name)).toEqual(['sol_log_', 'sol_log_64_', 'sol_log_data']);
        expect(linkSbf([compile(dir, 'hello'), compile(dir, 'helpers')])).toEqual(elf);
    });

    it('runs under addProgram: rodata string, callx through a rodata table, sol_log_data', async () => {
        const program = (await generateKeyPairSigner()).address;
        svm.addProgram(program, elf);
        const result = await invoke(program, [0, 0]);
        if (result instanceof FailedTransactionMetadata) throw new Error(result.toString());
        const logs = result.logs();
        expect(logs).toContain('Program log: hello from a linked C program');
        expect(logs).toContain('Program log: 0x2a, 0x0, 0x0, 0x0, 0x0'); // twice(21) via callx
        expect(logs).toContain(`Program data: ${Buffer.from('raffle').toString('base64')} ${Buffer.from(u64(42)).toString('base64')}`);
        expect(logs.at(-1)).toBe(`Program ${program} success`);

        const other = await invoke(program, [0, 1]);
        if (other instanceof FailedTransactionMetadata) throw new Error(other.toString());
        expect(other.logs()).toContain('Program log: 0x3f, 0x0, 0x0, 0x0, 0x0'); // thrice(21)
    });

    it('surfaces the custom error code the program returns', async () => {
        const program = (await generateKeyPairSigner()).address;
        svm.addProgram(program, elf);
        const result = await invoke(program, [1, 0]);
        expect(customErrorCode(result)).toBe(6001);
        const failed = result as FailedTransactionMetadata;
        expect(failed.meta().logs()).toContain('Program log: hello from a linked C program');
        expect(failed.meta().logs().at(-1)).toBe(`Program ${program} failed: custom program error: 0x1771`);
    });

    it('is accepted by a real deploy through the upgradeable loader and runs', async () => {
        const { programId: program } = await deployWithUpgradeableLoader(svm, payer, elf);
        svm.warpToSlot(svm.getClock().slot + 1n); // a program deployed in slot N runs from N + 1
        const result = await invoke(program, [0, 0]);
        if (result instanceof FailedTransactionMetadata) throw new Error(`${result.toString()}\n${result.meta().logs().join('\n')}`);
        expect(result.logs()).toContain('Program log: hello from a linked C program');
        expect(result.logs()).toContain('Program log: 0x2a, 0x0, 0x0, 0x0, 0x0');
        expect(customErrorCode(await invoke(program, [1, 0]))).toBe(6001);
    });

    it('loads and deploys a program without syscalls or rodata (no DT_REL, no .rodata segment)', async () => {
        const minimal = linkSbf([
            { name: 'min.o', bytes: buildObject({ sections: [{ name: '.text', flags: CODE, data: bytes(mov64(0, 0), exit()) }], symbols: [{ name: 'entrypoint', section: '.text', size: 16 }] }) },
        ]);
        expect(expectLoaderInvariants(minimal).relDyn).toHaveLength(0);
        const added = (await generateKeyPairSigner()).address;
        svm.addProgram(added, minimal);
        expect(logsOf(await invoke(added, []))).toContain(`Program ${added} success`);
        const { programId: deployed } = await deployWithUpgradeableLoader(svm, payer, minimal);
        svm.warpToSlot(svm.getClock().slot + 1n);
        expect(logsOf(await invoke(deployed, []))).toContain(`Program ${deployed} success`);
    });

    it('makes a real deploy reject a syscall the runtime does not register (why the linker refuses them)', async () => {
        // Rename sol_log_64_ in .dynstr to a same-length name that is no syscall.
        const forged = elf.slice();
        const at = Buffer.from(forged).indexOf('sol_log_64_\0');
        forged.set(new TextEncoder().encode('sol_log_xx_'), at);
        await expect(deployWithUpgradeableLoader(svm, payer, forged)).rejects.toThrow(/Unresolved symbol \(sol_log_xx_\)/);
    });
});
