/* SPL Token (classic) CPIs: Transfer, InitializeAccount3, BurnChecked. */
#include "rr.h"

#define TOKEN_TRANSFER 3
#define TOKEN_BURN_CHECKED 15
#define TOKEN_INITIALIZE_ACCOUNT3 18

static void token_account_info(SolAccountInfo *info, rr_acc *acc, bool is_writable, bool is_signer) {
    info->key = ACC_KEY(acc);
    info->lamports = ACC_LAMPORTS(acc);
    info->data_len = ACC_DATA_LEN(acc);
    info->data = ACC_DATA(acc);
    info->owner = ACC_OWNER(acc);
    info->rent_epoch = 0;
    info->is_signer = is_signer;
    info->is_writable = is_writable;
    info->executable = false;
}

static uint64_t invoke_token(const uint8_t *data, uint64_t data_len, const SolAccountInfo *infos, uint64_t count, const SolSignerSeeds *seeds) {
    SolAccountMeta metas[3];
    for (uint64_t i = 0; i < count; i++) {
        metas[i].pubkey = infos[i].key;
        metas[i].is_writable = infos[i].is_writable;
        metas[i].is_signer = infos[i].is_signer;
    }
    SolInstruction ix = {RR_TOKEN_PROGRAM_ID, metas, count, data, data_len};
    return sol_invoke_signed_c(&ix, infos, count, seeds, seeds ? 1 : 0);
}

uint64_t rr_token_transfer(rr_acc *source, rr_acc *destination, rr_acc *authority, uint64_t amount, const SolSignerSeeds *signer) {
    SolAccountInfo infos[3];
    uint8_t data[9];
    token_account_info(&infos[0], source, true, false);
    token_account_info(&infos[1], destination, true, false);
    token_account_info(&infos[2], authority, false, true);
    data[0] = TOKEN_TRANSFER;
    st64(data + 1, amount);
    return invoke_token(data, 9, infos, 3, signer);
}

uint64_t rr_token_initialize_account3(rr_acc *account, rr_acc *mint, const uint8_t *owner) {
    SolAccountInfo infos[2];
    uint8_t data[33];
    token_account_info(&infos[0], account, true, false);
    token_account_info(&infos[1], mint, false, false);
    data[0] = TOKEN_INITIALIZE_ACCOUNT3;
    key_copy(data + 1, owner);
    return invoke_token(data, 33, infos, 2, 0);
}

uint64_t rr_token_burn_checked(rr_acc *account, rr_acc *mint, rr_acc *authority, uint64_t amount, uint8_t decimals) {
    SolAccountInfo infos[3];
    uint8_t data[10];
    token_account_info(&infos[0], account, true, false);
    token_account_info(&infos[1], mint, true, false);
    token_account_info(&infos[2], authority, false, true);
    data[0] = TOKEN_BURN_CHECKED;
    st64(data + 1, amount);
    data[9] = decimals;
    return invoke_token(data, 10, infos, 3, 0);
}
