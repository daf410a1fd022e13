// @ts-check
/**
 * TypeDoc plugin: code generated from the IDL (any `src/generated/` folder) carries the IDL's
 * docs where the IDL has them; the helper functions Codama adds around them (encoders,
 * decoders, discriminator constants, ...) get a one-line summary that points to the IDL, so
 * `notDocumented` validation stays strict for hand-written code.
 */
import { Converter, Comment } from 'typedoc';

/** @param {import('typedoc').Application} app */
export function load(app) {
    app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
        const symbol = context.getSymbolFromReflection(reflection);
        const file = symbol?.declarations?.[0]?.getSourceFile().fileName ?? '';
        if (!file.includes('/src/generated/')) return;
        if (reflection.comment || reflection.signatures?.some(s => s.comment)) return;
        const summary = [{ kind: 'text', text: `Generated from the rwa_raffle IDL by \`pnpm codegen\` (see docs/protocol.md).` }];
        reflection.comment = new Comment(/** @type {any} */ (summary));
    });
}
