/*
 * System program CPIs: creating a program account at a PDA.
 *
 * CreateAccount fails when the address already holds lamports, and anyone can send lamports to
 * a PDA before it is created. So an empty address gets CreateAccount; a pre-funded one gets
 * Transfer (the shortfall to rent exemption, if any) + Allocate + Assign, the last two signed
 * by the PDA's seeds.
 */
#include "rr.h"

#define SYSTEM_CREATE_ACCOUNT 0
#define SYSTEM_ASSIGN 1
#define SYSTEM_TRANSFER 2
#define SYSTEM_ALLOCATE 8

static void account_info(SolAccountInfo *info, rr_acc *acc, bool is_signer) {
    info->key = ACC_KEY(acc);
    info->lamports = ACC_LAMPORTS(acc);
    info->data_len = ACC_DATA_LEN(acc);
    info->data = ACC_DATA(acc);
    info->owner = ACC_OWNER(acc);
    info->rent_epoch = 0;
    info->is_signer = is_signer;
    info->is_writable = true;
    info->executable = false;
}

static uint64_t invoke_system(const uint8_t *data, uint64_t data_len, SolAccountInfo *infos, uint64_t count, const SolSignerSeeds *seeds) {
    SolAccountMeta metas[2];
    for (uint64_t i = 0; i < count; i++) {
        metas[i].pubkey = infos[i].key;
        metas[i].is_writable = true;
        metas[i].is_signer = infos[i].is_signer;
    }
    SolInstruction ix = {RR_SYSTEM_PROGRAM_ID, metas, count, data, data_len};
    return sol_invoke_signed_c(&ix, infos, count, seeds, seeds ? 1 : 0);
}

uint64_t rr_create_pda_account(const RrCreateAccount *args) {
    uint64_t rent;
    uint64_t err = rr_rent_minimum_balance(args->space, &rent);
    if (err) return err;
    uint64_t current = *ACC_LAMPORTS(args->target);
    SolAccountInfo infos[2];
    uint8_t data[52];

    if (current == 0) {
        account_info(&infos[0], args->payer, true);
        account_info(&infos[1], args->target, true);
        st32(data, SYSTEM_CREATE_ACCOUNT);
        st64(data + 4, rent);
        st64(data + 12, args->space);
        key_copy(data + 20, args->owner);
        return invoke_system(data, 52, infos, 2, args->target_seeds);
    }

    if (current < rent) {
        account_info(&infos[0], args->payer, true);
        account_info(&infos[1], args->target, false);
        st32(data, SYSTEM_TRANSFER);
        st64(data + 4, rent - current);
        err = invoke_system(data, 12, infos, 2, 0);
        if (err) return err;
    }
    account_info(&infos[0], args->target, true);
    st32(data, SYSTEM_ALLOCATE);
    st64(data + 4, args->space);
    err = invoke_system(data, 12, infos, 1, args->target_seeds);
    if (err) return err;
    account_info(&infos[0], args->target, true);
    st32(data, SYSTEM_ASSIGN);
    key_copy(data + 4, args->owner);
    return invoke_system(data, 36, infos, 1, args->target_seeds);
}
