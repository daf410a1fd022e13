/**
 * Compute units per instruction (the program's own invocation, CPIs included), measured on
 * representative transactions. Prints the table of docs/program.md and guards against
 * regressions with generous ceilings.
 */
import { RefundMode, getUpdateConfigInstruction } from '@raffle/client';
import { describe, expect, it } from 'vitest';

import { DAY, PROGRAM_BYTES, RaffleHarness, type TransactionMetadata } from './support/harness';

describe('compute units', () => {
    it('stays within budget for every instruction', async () => {
        const rows: [string, bigint][] = [];
        const h = await RaffleHarness.create();
        const cu = (label: string, result: TransactionMetadata) => rows.push([label, h.programComputeUnits(result.logs())]);
        const start = h.now();

        const init = await RaffleHarness.create({ initializeConfig: false });
        const initResult = await init.sendOk([init.initializeConfigInstruction({})], [init.admin]);
        rows.push(['initialize_config', init.programComputeUnits(initResult.logs())]);
        cu(
            'update_config (3 fields)',
            await h.sendOk(
                [getUpdateConfigInstruction({ admin: h.admin, config: h.config, newAdmin: null, permitSigners: null, drawAuthority: null, drawCommitment: null, settleAuthority: null, treasury: h.treasury.address, feeBps: 300, mrftMint: null, paused: false })],
                [h.admin],
            ),
        );
        const raffle = await h.createRaffle({ maxTickets: 6 });
        cu('initialize_raffle_with_permit', raffle.result);
        const b = await h.buyer(1_000_000_000n, 10n);
        cu('join_with_token', await h.joinWithToken(raffle.address, b.signer, b.payment, 2));
        cu('join_with_ticket', await h.joinWithTicket(raffle.address, b.signer, b.mrft, 2));
        cu('join_with_token (sell-out: + draw seed, ThresholdReached)', await h.joinWithToken(raffle.address, b.signer, b.payment, 2));
        cu('request_draw_arcium', await h.requestDraw(raffle.address));
        cu('draw_callback', await h.drawCallback(raffle.address));
        const win = await h.winningEntry(raffle.address);
        cu('claim_prize (to the winner)', await h.claimPrize(raffle.address, await h.tokenAccount(win.entry.buyer, h.prizeMint), win.address));
        cu(
            'claim_proceeds (organizer + fee)',
            await h.claimProceeds(raffle.address, await h.tokenAccount(raffle.organizer.address, h.paymentMint), await h.tokenAccount(h.treasury.address, h.paymentMint)),
        );

        const settled = await h.createRaffle({ maxTickets: 1 });
        await h.sellOut(settled.address);
        cu('settle_draw', await h.sendOk([h.settleInstruction(settled.address, 0)], [h.settleAuthority]));

        const tokens = await h.createRaffle({ maxTickets: 50, deadline: start + DAY });
        const vouchers = await h.createRaffle({ maxTickets: 50, deadline: start + DAY, refundMode: RefundMode.Vouchers });
        for (let i = 0; i < 6; i++) {
            await h.joinWithToken(tokens.address, b.signer, b.payment, 1);
            await h.joinWithToken(vouchers.address, b.signer, b.payment, 1);
        }
        h.setTime(start + DAY);
        cu('refund_batch (Open -> Refunding, 1 token entry)', await h.refundBatch(tokens.address, await h.refundAccounts(tokens.address, 0, 1, () => b.payment)));
        cu('refund_batch (tokens mode, 5 entries, -> Refunded)', await h.refundBatch(tokens.address, await h.refundAccounts(tokens.address, 1, 6, () => b.payment)));
        cu('refund_batch (tokens mode, 5 entries replayed)', await h.refundBatch(tokens.address, await h.refundAccounts(tokens.address, 1, 6, () => b.payment)));
        await h.refundBatch(vouchers.address, await h.refundAccounts(vouchers.address, 0, 1, () => undefined));
        cu('refund_batch (vouchers mode, 5 entries, -> Refunded)', await h.refundBatch(vouchers.address, await h.refundAccounts(vouchers.address, 1, 6, () => undefined)));
        cu('claim_prize (back to the organizer)', await h.claimPrize(tokens.address, await h.tokenAccount(tokens.organizer.address, h.prizeMint)));
        cu(
            'claim_proceeds (vouchers mode, all to treasury)',
            await h.claimProceeds(vouchers.address, await h.tokenAccount(vouchers.organizer.address, h.paymentMint), await h.tokenAccount(h.treasury.address, h.paymentMint)),
        );
        h.setTime(start);
        const cancel = await h.createRaffle();
        cu('cancel_raffle', await h.sendOk([h.cancelInstruction(cancel.address, cancel.organizer)], [cancel.organizer]));

        const table = ['| instruction | compute units |', '| --- | ---: |', ...rows.map(([label, units]) => `| ${label} | ${units.toLocaleString('en-US')} |`)].join('\n');
        console.log(`${table}\n\nbinary: ${PROGRAM_BYTES.length} bytes`);
        for (const [label, units] of rows) expect(units, label).toBeLessThan(60_000n);
        expect(rows.length).toBe(18);
    });
});
