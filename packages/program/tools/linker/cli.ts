/**
 * Command line: `tsx packages/program/tools/linker/cli.ts [-e entry] -o out.so a.o b.o ...`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';

import { isRaffleError } from '@raffle/errors';

import { linkSbf } from './link';

const USAGE = 'usage: cli.ts [-e entry] -o out.so input.o [more.o ...]';

function main(argv: string[]): number {
    const { values, positionals } = parseArgs({
        args: argv,
        options: { output: { type: 'string', short: 'o' }, entry: { type: 'string', short: 'e' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
    });
    if (values.help) {
        console.log(USAGE);
        return 0;
    }
    if (!values.output || positionals.length === 0) {
        console.error(USAGE);
        return 2;
    }
    const objects = positionals.map(path => ({ name: basename(path), bytes: new Uint8Array(readFileSync(path)) }));
    try {
        const program = linkSbf(objects, values.entry ? { entry: values.entry } : {});
        writeFileSync(values.output, program);
        console.log(`${values.output}: ${program.length} bytes`);
        return 0;
    } catch (e) {
        if (!isRaffleError(e)) throw e;
        console.error(e.message);
        return 1;
    }
}

process.exitCode = main(process.argv.slice(2));
