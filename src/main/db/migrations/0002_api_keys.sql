-- API keys for the external REST API, and the responses kept for Idempotency-Key retries.
-- The key itself is never stored: only its SHA-256 hash and a short display prefix.

CREATE TABLE api_keys (
  id               INTEGER PRIMARY KEY,
  nombre           TEXT    NOT NULL,
  sistema          TEXT    NOT NULL,
  prefijo          TEXT    NOT NULL,
  hash             TEXT    NOT NULL UNIQUE,
  scopes           TEXT    NOT NULL,
  limite_hora      INTEGER NOT NULL DEFAULT 1000 CHECK (limite_hora > 0),
  activo           INTEGER NOT NULL DEFAULT 1 CHECK (activo IN (0, 1)),
  fecha_creacion   TEXT    NOT NULL,
  fecha_expiracion TEXT,
  fecha_revocacion TEXT,
  ultimo_uso       TEXT
);

CREATE TABLE idempotency_records (
  api_key_id       INTEGER NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  clave            TEXT    NOT NULL,
  -- SHA-256 of method, path and body: the same key with another request is refused.
  huella           TEXT    NOT NULL,
  estado           TEXT    NOT NULL CHECK (estado IN ('EN_CURSO', 'COMPLETADO')),
  status           INTEGER,
  content_type     TEXT,
  cuerpo           TEXT,
  fecha_creacion   TEXT    NOT NULL,
  fecha_expiracion TEXT    NOT NULL,
  PRIMARY KEY (api_key_id, clave)
) WITHOUT ROWID;
CREATE INDEX idempotency_records_expiry ON idempotency_records (fecha_expiracion);
