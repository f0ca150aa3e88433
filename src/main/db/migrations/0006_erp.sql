-- The ERP synchronizer: its connector profile, the watermark of each entity, the runs and the
-- per-record sync ledger (the seed's SincronizacionERP).

-- One connector per data directory.
CREATE TABLE erp_config (
  id                    INTEGER PRIMARY KEY CHECK (id = 1),
  url                   TEXT    NOT NULL,
  perfil                TEXT    NOT NULL CHECK (perfil IN ('rest', 'odata')),
  autenticacion         TEXT    NOT NULL
                        CHECK (autenticacion IN ('ninguna', 'bearer', 'basic', 'cabecera')),
  -- Not secret: Basic's user, the header's name.
  usuario               TEXT,
  cabecera              TEXT,
  -- The secret (token, password, header value) as the secret box sealed it: encrypted with the
  -- OS key store in the desktop app where there is one, as given otherwise (see docs/ERP.md).
  credencial            TEXT,
  -- JSON: {articulos, stock, movimientos}.
  rutas                 TEXT    NOT NULL,
  paginacion            TEXT    NOT NULL
                        CHECK (paginacion IN ('auto', 'pagina', 'siguiente', 'enlace', 'odata')),
  tamano_pagina         INTEGER NOT NULL,
  -- JSON: {articulos: {field: ERP name | null}, stock: {...}}.
  mapeo                 TEXT    NOT NULL,
  -- JSON: REST query parameter names {pagina, limite, desde}.
  parametros            TEXT    NOT NULL,
  cada_segundos         INTEGER NOT NULL DEFAULT 3600 CHECK (cada_segundos >= 60),
  activo                INTEGER NOT NULL DEFAULT 1 CHECK (activo IN (0, 1)),
  solapamiento_segundos INTEGER NOT NULL DEFAULT 300 CHECK (solapamiento_segundos >= 0),
  timeout_ms            INTEGER NOT NULL DEFAULT 30000 CHECK (timeout_ms >= 100),
  fecha_creacion        TEXT    NOT NULL,
  fecha_actualizacion   TEXT    NOT NULL
);

-- Where each entity's next pull starts: the newest ERP modification time seen (with the id of
-- that record, ties broken by id) by the last pull that read every page. Movements: the last
-- outbox event (events.seq) queued for pushing.
CREATE TABLE erp_watermarks (
  entidad             TEXT PRIMARY KEY CHECK (entidad IN ('articulos', 'stock', 'movimientos')),
  fecha               TEXT,
  referencia          TEXT,
  secuencia           INTEGER,
  ejecucion           INTEGER,
  fecha_actualizacion TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE erp_sync_runs (
  id             INTEGER PRIMARY KEY,
  tipo           TEXT    NOT NULL
                 CHECK (tipo IN ('completa', 'articulos', 'stock', 'movimientos', 'reintento')),
  origen         TEXT    NOT NULL CHECK (origen IN ('programada', 'ui', 'cli')),
  usuario        TEXT    NOT NULL,
  -- EN_CURSO while it runs; one left EN_CURSO by a process that died is closed as FALLIDA by
  -- the next run (it finds the lock the dead process left).
  estado         TEXT    NOT NULL
                 CHECK (estado IN ('EN_CURSO', 'COMPLETADA', 'FALLIDA', 'CANCELADA')),
  leidos         INTEGER NOT NULL DEFAULT 0,
  creados        INTEGER NOT NULL DEFAULT 0,
  actualizados   INTEGER NOT NULL DEFAULT 0,
  sin_cambios    INTEGER NOT NULL DEFAULT 0,
  fallidos       INTEGER NOT NULL DEFAULT 0,
  enviados       INTEGER NOT NULL DEFAULT 0,
  error          TEXT,
  -- JSON: per entity, its counts, state, error, pages and watermarks.
  detalle        TEXT    NOT NULL DEFAULT '{}',
  fecha_inicio   TEXT    NOT NULL,
  fecha_fin      TEXT,
  duracion_ms    INTEGER
);
CREATE INDEX erp_sync_runs_fecha ON erp_sync_runs (fecha_inicio, id);
CREATE INDEX erp_sync_runs_estado ON erp_sync_runs (estado, id);

-- The sync ledger: one row per ERP record pulled (articulo, stock) and per local movement pushed
-- (movimiento, keyed by its outbox event id, which is also its Idempotency-Key).
CREATE TABLE erp_sync_records (
  id                 INTEGER PRIMARY KEY,
  tipo               TEXT    NOT NULL CHECK (tipo IN ('articulo', 'stock', 'movimiento')),
  referencia_externa TEXT    NOT NULL,
  referencia_interna TEXT,
  estado             TEXT    NOT NULL CHECK (estado IN ('PENDIENTE', 'SINCRONIZADO', 'ERROR')),
  -- JSON: the record as the ERP sent it; for a movement, what was sent and what came back.
  datos              TEXT,
  error              TEXT,
  intentos           INTEGER NOT NULL DEFAULT 0,
  -- The ERP's modification time of the version recorded (ISO), for pulled records.
  modificado_erp     TEXT,
  ejecucion          INTEGER REFERENCES erp_sync_runs (id) ON DELETE SET NULL,
  fecha              TEXT    NOT NULL,
  UNIQUE (tipo, referencia_externa)
);
CREATE INDEX erp_sync_records_estado ON erp_sync_records (estado, tipo, id);
CREATE INDEX erp_sync_records_ejecucion ON erp_sync_records (ejecucion);
