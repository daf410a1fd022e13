/**
 * The admin API under `/admin`, authenticated by API keys with `read`, `write` or `admin`
 * scope: organizers, the permit ledger, the audit log and the API keys themselves. Every change
 * is written to the audit log with the acting key.
 *
 * @internal
 * @packageDocumentation
 */
import type { Address } from '@solana/kit';

import { API_KEY_SCOPES, createApiKey } from '../api-keys';
import type { Organizer, OrganizerPatch } from '../organizer';
import type { ApiKeyRecord, ApiKeyScope, AuditAction, AuditJson } from '../store/types';
import { addressFromPath, parseNewOrganizer, parsePatch } from './admin-input';
import { readJsonObject } from './body';
import { HttpError, type IncomingRequest } from './respond';
import { type RouteContext, methodNotAllowed, notFound, optional } from './route-context';
import { addressParam, cursorParam, invalid, limitParam, onlyKeys, onlyParams } from './validate';
import { apiKeyJson, auditJson, organizerJson, permitRecordJson } from './views';

const AUDIT_ACTIONS: readonly AuditAction[] = [
    'permit.issued',
    'permit.refused',
    'organizer.created',
    'organizer.updated',
    'organizer.signed-in',
    'api-key.created',
    'api-key.revoked',
];

function organizerAuditDetails(o: Organizer): { [key: string]: AuditJson } {
    return {
        enterpriseId: o.enterpriseId,
        tier: o.tier,
        allowedCollections: [...o.allowedCollections],
        active: o.active,
        nextRaffleId: o.nextRaffleId.toString(),
    };
}

/** Answers a request under `/admin`, given the path segments after `admin`, with `[status, body]`. */
export type AdminRoute = (request: IncomingRequest, url: URL, segments: string[]) => Promise<[number, unknown]>;

/**
 * Creates the admin routes.
 *
 * @param ctx - the shared route context
 * @returns the admin route
 */
export function createAdminRoute(ctx: RouteContext): AdminRoute {
    const { store, audit, requireApiKey } = ctx;
    const { maxBodyBytes, now } = ctx.config;

    const updateOrganizer = async (key: ApiKeyRecord, address: Address, patch: OrganizerPatch): Promise<[number, unknown]> => {
        const updated = await store.updateOrganizer(address, patch, now());
        if (updated === undefined) throw new HttpError(404, 'ORGANIZER_NOT_FOUND', `organizer ${address} does not exist`);
        const details: { [key: string]: AuditJson } = {};
        if (patch.enterpriseId !== undefined) details.enterpriseId = patch.enterpriseId;
        if (patch.tier !== undefined) details.tier = patch.tier;
        if (patch.allowedCollections !== undefined) details.allowedCollections = [...patch.allowedCollections];
        if (patch.active !== undefined) details.active = patch.active;
        if (patch.nextRaffleId !== undefined) details.nextRaffleId = patch.nextRaffleId.toString();
        await audit('organizer.updated', `api-key:${key.id}`, address, details);
        return [200, { organizer: organizerJson(updated) }];
    };

    return async (request: IncomingRequest, url: URL, segments: string[]): Promise<[number, unknown]> => {
        const method = request.method;
        const [resource, id, action, ...rest] = segments;
        if (rest.length > 0) throw notFound();
        if (resource === 'organizers') {
            if (id === undefined) {
                if (method === 'GET') {
                    await requireApiKey(request, 'read');
                    onlyParams(url.searchParams, ['limit', 'after', 'active']);
                    const limit = limitParam(url.searchParams);
                    const active = url.searchParams.get('active');
                    if (active !== null && active !== 'true' && active !== 'false') throw invalid('active', 'must be true or false');
                    const list = await store.listOrganizers({
                        limit,
                        ...optional('after', addressParam(url.searchParams, 'after')),
                        ...optional('active', active === null ? undefined : active === 'true'),
                    });
                    return [200, { organizers: list.map(organizerJson), nextCursor: list.length === limit ? list[list.length - 1]!.address : null }];
                }
                if (method === 'POST') {
                    const key = await requireApiKey(request, 'write');
                    const input = parseNewOrganizer(await readJsonObject(request, maxBodyBytes));
                    const created = await store.createOrganizer(input, now());
                    if (created === undefined) throw new HttpError(409, 'ORGANIZER_EXISTS', `organizer ${input.address} exists; PATCH it instead`);
                    await audit('organizer.created', `api-key:${key.id}`, created.address, organizerAuditDetails(created));
                    return [201, { organizer: organizerJson(created) }];
                }
                throw methodNotAllowed(['GET', 'POST']);
            }
            const address = addressFromPath(id);
            if (action === undefined) {
                if (method === 'GET') {
                    await requireApiKey(request, 'read');
                    onlyParams(url.searchParams, []);
                    const o = await store.getOrganizer(address);
                    if (o === undefined) throw new HttpError(404, 'ORGANIZER_NOT_FOUND', `organizer ${address} does not exist`);
                    return [200, { organizer: organizerJson(o), activePermits: await store.countActivePermits(address, now()) }];
                }
                if (method === 'PATCH') {
                    const key = await requireApiKey(request, 'write');
                    const patch = parsePatch(await readJsonObject(request, maxBodyBytes));
                    return updateOrganizer(key, address, patch);
                }
                throw methodNotAllowed(['GET', 'PATCH']);
            }
            if (action === 'activate' || action === 'deactivate') {
                if (method !== 'POST') throw methodNotAllowed(['POST']);
                const key = await requireApiKey(request, 'write');
                return updateOrganizer(key, address, { active: action === 'activate' });
            }
            throw notFound();
        }
        if (resource === 'permits' && id === undefined) {
            if (method !== 'GET') throw methodNotAllowed(['GET']);
            await requireApiKey(request, 'read');
            onlyParams(url.searchParams, ['organizer', 'limit', 'before']);
            const limit = limitParam(url.searchParams);
            const permits = await store.listPermits({
                limit,
                ...optional('organizer', addressParam(url.searchParams, 'organizer')),
                ...optional('before', cursorParam(url.searchParams, 'before')),
            });
            return [200, { permits: permits.map(permitRecordJson), nextCursor: permits.length === limit ? permits[permits.length - 1]!.seq : null }];
        }
        if (resource === 'audit' && id === undefined) {
            if (method !== 'GET') throw methodNotAllowed(['GET']);
            await requireApiKey(request, 'read');
            onlyParams(url.searchParams, ['organizer', 'action', 'limit', 'before']);
            const limit = limitParam(url.searchParams);
            const action = url.searchParams.get('action');
            if (action !== null && !AUDIT_ACTIONS.includes(action as AuditAction)) throw invalid('action', `must be one of ${AUDIT_ACTIONS.join(', ')}`);
            const entries = await store.listAudit({
                limit,
                ...optional('organizer', addressParam(url.searchParams, 'organizer')),
                ...optional('action', (action ?? undefined) as AuditAction | undefined),
                ...optional('before', cursorParam(url.searchParams, 'before')),
            });
            return [200, { entries: entries.map(auditJson), nextCursor: entries.length === limit ? entries[entries.length - 1]!.id : null }];
        }
        if (resource === 'api-keys' && action === undefined) {
            if (id === undefined) {
                if (method === 'GET') {
                    await requireApiKey(request, 'admin');
                    onlyParams(url.searchParams, []);
                    return [200, { apiKeys: (await store.listApiKeys()).map(apiKeyJson) }];
                }
                if (method === 'POST') {
                    const key = await requireApiKey(request, 'admin');
                    const body = await readJsonObject(request, maxBodyBytes);
                    onlyKeys(body, ['scopes', 'label']);
                    const scopes = body.scopes;
                    if (!Array.isArray(scopes) || scopes.length === 0 || scopes.some(s => !API_KEY_SCOPES.includes(s as ApiKeyScope))) {
                        throw invalid('scopes', `must be a non-empty array of ${API_KEY_SCOPES.join(', ')}`);
                    }
                    const label = body.label;
                    if (label !== undefined && (typeof label !== 'string' || label.length > 200 || /[\u0000-\u001f\u007f]/.test(label))) {
                        throw invalid('label', 'must be a string of at most 200 printable characters');
                    }
                    const created = await createApiKey(store, { scopes: scopes as ApiKeyScope[], ...optional('label', label), now: now() });
                    await audit('api-key.created', `api-key:${key.id}`, null, { id: created.record.id, scopes: [...created.record.scopes], label: created.record.label });
                    return [201, { apiKey: apiKeyJson(created.record), key: created.key }];
                }
                throw methodNotAllowed(['GET', 'POST']);
            }
            if (method !== 'DELETE') throw methodNotAllowed(['DELETE']);
            const key = await requireApiKey(request, 'admin');
            if (!/^[A-Za-z0-9_]{1,64}$/.test(id)) throw new HttpError(404, 'API_KEY_NOT_FOUND', 'no such API key');
            if (!(await store.revokeApiKey(id, now()))) throw new HttpError(404, 'API_KEY_NOT_FOUND', `API key ${id} does not exist or is already revoked`);
            await audit('api-key.revoked', `api-key:${key.id}`, null, { id });
            return [204, null];
        }
        throw notFound();
    };
}
