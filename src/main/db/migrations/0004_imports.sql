-- The history of CSV imports and the problems found in their rows.
-- An import's row is written when it ends (with the data it imported, in the same transaction),
-- so an import cut short by a crash leaves the database exactly as it was; the next import
-- records it as FALLIDA from the lock file it left behind.

CREATE TABLE imports (
  id                INTEGER PRIMARY KEY,
  -- The file's name as the staff chose it (not its folder).
  archivo           TEXT    NOT NULL,
  tipo              TEXT    NOT NULL CHECK (tipo IN ('articulos', 'stock')),
  -- Where it was started from, and who: 'ui:maria', 'cli:almacen'.
  origen            TEXT    NOT NULL CHECK (origen IN ('ui', 'cli')),
  usuario           TEXT    NOT NULL,
  -- Only ended imports are stored; the one running is EN_CURSO in the service, not here.
  estado            TEXT    NOT NULL
                    CHECK (estado IN ('COMPLETADA', 'RECHAZADA', 'CANCELADA', 'FALLIDA')),
  -- A dry run: counted what would change, wrote nothing else.
  simulacion        INTEGER NOT NULL DEFAULT 0 CHECK (simulacion IN (0, 1)),
  -- JSON: what was asked (omitir_errores, sumar, encoding/delimiter/mapping overrides) and
  -- what the reader detected.
  opciones          TEXT    NOT NULL,
  deteccion         TEXT,
  bytes             INTEGER,
  total             INTEGER NOT NULL DEFAULT 0,
  creados           INTEGER NOT NULL DEFAULT 0,
  actualizados      INTEGER NOT NULL DEFAULT 0,
  sin_cambios       INTEGER NOT NULL DEFAULT 0,
  rechazados        INTEGER NOT NULL DEFAULT 0,
  -- Problems found (import_errors keeps at most the first 10,000; the rejected-rows report has
  -- every rejected row).
  errores           INTEGER NOT NULL DEFAULT 0,
  advertencias      INTEGER NOT NULL DEFAULT 0,
  duracion_ms       INTEGER,
  error             TEXT,
  -- The rejected-rows report, relative to the data directory.
  archivo_rechazadas TEXT,
  fecha_inicio      TEXT    NOT NULL,
  fecha_fin         TEXT
);
CREATE INDEX imports_fecha ON imports (fecha_inicio, id);

CREATE TABLE import_errors (
  id         INTEGER PRIMARY KEY,
  import_id  INTEGER NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
  linea      INTEGER NOT NULL,
  -- The column's header as written in the file; NULL for a problem with the whole row.
  columna    TEXT,
  mensaje    TEXT    NOT NULL,
  severidad  TEXT    NOT NULL CHECK (severidad IN ('error', 'advertencia'))
);
CREATE INDEX import_errors_import ON import_errors (import_id, linea, id);
