import { timingSafeEqual } from 'node:crypto';
import type { Db } from '../db/open';
import { ifWriteLockFree, LOCKED, writeTransaction } from '../db/transaction';
import type { Clock } from '../clock';
import { AppError } from '../../shared/errors';
import type { ApiKey, ApiScope, CreatedApiKey, Page } from '../../shared/domain';
import { generateApiKey, hashApiKey, isWellFormedApiKey } from './format';

export interface NewApiKey {
  nombre: string;
  sistema: string;
  scopes: ApiScope[];
  dias: number | null;
  limite_hora: number;
}

/** Why a presented key was refused; the API turns each into its own 401 detail. */
export type KeyRefusal = 'malformed' | 'unknown' | 'revoked' | 'expired';

export type Authentication =
  | { ok: true; key: ApiKey }
  /** `key` is set when the key exists (revoked, expired): the log can name its system. */
  | { ok: false; reason: KeyRefusal; key?: ApiKey };

interface KeyRow {
  id: number;
  nombre: string;
  sistema: string;
  prefijo: string;
  hash: string;
  scopes: string;
  limite_hora: number;
  activo: number;
  fecha_creacion: string;
  fecha_expiracion: string | null;
  fecha_revocacion: string | null;
  ultimo_uso: string | null;
}

// Last use is written at most this often per key, so a busy key does not cost a write per request.
const LAST_USE_RESOLUTION_MS = 60_000;
/** Active keys kept in memory after they authenticate; far more than a warehouse ever creates. */
const MAX_KNOWN_KEYS = 1000;

export type KeyService = ReturnType<typeof createKeyService>;

export function createKeyService({
  db,
  clock,
  onChange,
}: {
  db: Db;
  clock: Clock;
  onChange?: (id: number) => void;
}) {
  const stmt = {
    insert: db.prepare(`INSERT INTO api_keys (nombre, sistema, prefijo, hash, scopes, limite_hora,
      fecha_creacion, fecha_expiracion) VALUES (@nombre, @sistema, @prefijo, @hash, @scopes,
      @limite_hora, @fecha_creacion, @fecha_expiracion)`),
    byId: db.prepare('SELECT * FROM api_keys WHERE id = ?'),
    byHash: db.prepare('SELECT * FROM api_keys WHERE hash = ?'),
    revoke: db.prepare(
      'UPDATE api_keys SET activo = 0, fecha_revocacion = ? WHERE id = ? AND activo = 1',
    ),
    touch: db.prepare('UPDATE api_keys SET ultimo_uso = ? WHERE id = ?'),
  };
  // A transaction, so it bumps the data-change counter: a process serving the API drops the key
  // from its memory before the next request.
  const revokeTx = writeTransaction(db, (when: string, id: number) => stmt.revoke.run(when, id));
  const lastTouched = new Map<number, number>();
  // Keys that authenticated, by their text: the API checks one on every request, and hashing and
  // looking it up cost more than the rest of the request's own work. Emptied by every change made
  // here and, through `forget`, whenever the core sees another process commit to the file. Only
  // active keys are kept: a refused or unknown key is looked up every time, so guessing cannot
  // grow it.
  const known = new Map<string, { key: ApiKey; expiresAt: number | null }>();

  /** Records the key's last use, at most once per LAST_USE_RESOLUTION_MS. */
  const touch = (key: ApiKey, now: Date) => {
    const last = lastTouched.get(key.id) ?? 0;
    if (now.getTime() - last < LAST_USE_RESOLUTION_MS) return;
    lastTouched.set(key.id, now.getTime());
    const when = now.toISOString();
    // Written on the API's thread: if another connection holds the write lock (an import
    // committing), this use goes unrecorded rather than hold the request, and a later one counts.
    if (ifWriteLockFree(db, () => stmt.touch.run(when, key.id)) === LOCKED) return;
    key.ultimo_uso = when;
    onChange?.(key.id);
  };

  const toKey = (row: KeyRow, now: Date): ApiKey => {
    const expired = row.fecha_expiracion !== null && row.fecha_expiracion <= now.toISOString();
    return {
      id: row.id,
      nombre: row.nombre,
      sistema: row.sistema,
      prefijo: row.prefijo,
      scopes: JSON.parse(row.scopes) as ApiScope[],
      limite_hora: row.limite_hora,
      activo: row.activo === 1,
      estado: row.activo !== 1 ? 'REVOCADA' : expired ? 'EXPIRADA' : 'ACTIVA',
      fecha_creacion: row.fecha_creacion,
      fecha_expiracion: row.fecha_expiracion,
      fecha_revocacion: row.fecha_revocacion,
      ultimo_uso: row.ultimo_uso,
    };
  };

  const requireRow = (id: number): KeyRow => {
    const row = stmt.byId.get(id) as KeyRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No existe la clave ${id}`);
    return row;
  };

  return {
    create(input: NewApiKey): CreatedApiKey {
      const now = clock.now();
      const { key, prefix, hash } = generateApiKey();
      const expires =
        input.dias === null
          ? null
          : new Date(now.getTime() + input.dias * 86_400_000).toISOString();
      const { lastInsertRowid } = stmt.insert.run({
        nombre: input.nombre,
        sistema: input.sistema,
        prefijo: prefix,
        hash,
        scopes: JSON.stringify([...new Set(input.scopes)]),
        limite_hora: input.limite_hora,
        fecha_creacion: now.toISOString(),
        fecha_expiracion: expires,
      });
      const id = Number(lastInsertRowid);
      known.clear();
      onChange?.(id);
      return { clave: key, key: toKey(requireRow(id), now) };
    },

    list({
      incluir_inactivas,
      page,
      page_size,
    }: {
      incluir_inactivas: boolean;
      page: number;
      page_size: number;
    }): Page<ApiKey> {
      const now = clock.now();
      const where = incluir_inactivas
        ? ''
        : `WHERE activo = 1 AND (fecha_expiracion IS NULL OR fecha_expiracion > @now)`;
      const params = { now: now.toISOString() };
      const total = (
        db
          .prepare(`SELECT count(*) AS n FROM api_keys ${where}`)
          .get(incluir_inactivas ? {} : params) as { n: number }
      ).n;
      const rows = db
        .prepare(
          `SELECT * FROM api_keys ${where} ORDER BY activo DESC, id DESC LIMIT @limit OFFSET @offset`,
        )
        .all({
          ...(incluir_inactivas ? {} : params),
          limit: page_size,
          offset: (page - 1) * page_size,
        }) as KeyRow[];
      return { items: rows.map((r) => toKey(r, now)), total, page, page_size };
    },

    get(id: number): ApiKey {
      return toKey(requireRow(id), clock.now());
    },

    revoke(id: number): ApiKey {
      const row = requireRow(id);
      if (row.activo !== 1)
        throw new AppError('CONFLICT', `La clave ${row.prefijo}… ya estaba revocada`);
      revokeTx(clock.now().toISOString(), id);
      known.clear();
      onChange?.(id);
      return toKey(requireRow(id), clock.now());
    },

    /**
     * Checks a presented key: a key that already authenticated is found by its text; any other
     * is checked for shape and checksum (no lookup), then looked up by its hash.
     */
    authenticate(presented: string): Authentication {
      const now = clock.now();
      const cached = known.get(presented);
      if (cached && (cached.expiresAt === null || now.getTime() < cached.expiresAt)) {
        touch(cached.key, now);
        return { ok: true, key: cached.key };
      }
      known.delete(presented);

      if (!isWellFormedApiKey(presented)) return { ok: false, reason: 'malformed' };
      const hash = hashApiKey(presented);
      const row = stmt.byHash.get(hash) as KeyRow | undefined;
      if (!row || !timingSafeEqual(Buffer.from(row.hash, 'hex'), Buffer.from(hash, 'hex'))) {
        return { ok: false, reason: 'unknown' };
      }
      const key = toKey(row, now);
      if (key.estado === 'REVOCADA') return { ok: false, reason: 'revoked', key };
      if (key.estado === 'EXPIRADA') return { ok: false, reason: 'expired', key };
      if (known.size >= MAX_KNOWN_KEYS) known.clear();
      known.set(presented, {
        key,
        expiresAt: row.fecha_expiracion === null ? null : Date.parse(row.fecha_expiracion),
      });
      touch(key, now);
      return { ok: true, key };
    },

    /** Drops the keys kept by `authenticate`: another process may have revoked one. */
    forget(): void {
      known.clear();
    },
  };
}
