-- The inventory core: articles, stock per almacén, movements with approval, stock alerts,
-- the transactional outbox and the integration log.
-- Table names are English (code); column names are the wire field names (Spanish, as the seed).

CREATE TABLE articles (
  id                  INTEGER PRIMARY KEY,
  codigo              TEXT    NOT NULL UNIQUE,
  nombre              TEXT    NOT NULL,
  material            TEXT,
  diametro            REAL    CHECK (diametro IS NULL OR diametro >= 0),
  unidad              TEXT    NOT NULL DEFAULT 'unidad',
  stock_minimo        REAL    NOT NULL DEFAULT 0 CHECK (stock_minimo >= 0),
  referencia_externa  TEXT,
  fecha_creacion      TEXT    NOT NULL,
  fecha_actualizacion TEXT    NOT NULL
);
CREATE INDEX articles_nombre ON articles (nombre);
CREATE INDEX articles_updated ON articles (fecha_actualizacion, id);
CREATE UNIQUE INDEX articles_referencia_externa ON articles (referencia_externa)
  WHERE referencia_externa IS NOT NULL;

CREATE TABLE stock_levels (
  articulo_id         INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  almacen             TEXT    NOT NULL,
  cantidad            REAL    NOT NULL CHECK (cantidad >= 0),
  fecha_actualizacion TEXT    NOT NULL,
  PRIMARY KEY (articulo_id, almacen)
) WITHOUT ROWID;

CREATE TABLE movements (
  id               INTEGER PRIMARY KEY,
  tipo             TEXT    NOT NULL CHECK (tipo IN ('ENTRADA', 'SALIDA', 'AJUSTE')),
  articulo_id      INTEGER NOT NULL REFERENCES articles (id),
  cantidad         REAL    NOT NULL CHECK (cantidad >= 0),
  almacen          TEXT    NOT NULL,
  referencia       TEXT,
  fecha            TEXT    NOT NULL,
  estado           TEXT    NOT NULL DEFAULT 'PENDIENTE'
                           CHECK (estado IN ('PENDIENTE', 'APROBADO', 'RECHAZADO')),
  origen           TEXT    NOT NULL CHECK (origen IN ('ui', 'api', 'erp', 'importacion')),
  creado_por       TEXT,
  aprobado_por     TEXT,
  fecha_aprobacion TEXT,
  motivo_rechazo   TEXT,
  stock_anterior   REAL,
  stock_resultante REAL,
  fecha_creacion   TEXT    NOT NULL
);
CREATE INDEX movements_estado ON movements (estado, id);
CREATE INDEX movements_articulo ON movements (articulo_id, id);
CREATE INDEX movements_fecha ON movements (fecha, id);

CREATE TABLE stock_alerts (
  id               INTEGER PRIMARY KEY,
  articulo_id      INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
  almacen          TEXT    NOT NULL,
  cantidad_actual  REAL    NOT NULL,
  umbral_minimo    REAL    NOT NULL,
  estado           TEXT    NOT NULL CHECK (estado IN ('ABIERTA', 'RESUELTA')),
  fecha_creacion   TEXT    NOT NULL,
  fecha_resolucion TEXT
);
-- The database itself holds the rule "never a second open alert for the same article and almacén".
CREATE UNIQUE INDEX stock_alerts_one_open ON stock_alerts (articulo_id, almacen)
  WHERE estado = 'ABIERTA';
CREATE INDEX stock_alerts_estado ON stock_alerts (estado, id);

-- Transactional outbox: written in the same transaction as the change that raises the event.
CREATE TABLE events (
  seq    INTEGER PRIMARY KEY,
  id     TEXT NOT NULL UNIQUE,
  evento TEXT NOT NULL
         CHECK (evento IN ('movimiento_creado', 'movimiento_aprobado', 'stock_bajo', 'alerta_generada')),
  fecha  TEXT NOT NULL,
  datos  TEXT NOT NULL
);
CREATE INDEX events_evento ON events (evento, seq);

CREATE TABLE integration_log (
  id              INTEGER PRIMARY KEY,
  sistema         TEXT    NOT NULL,
  tipo            TEXT    NOT NULL,
  estado          TEXT    NOT NULL CHECK (estado IN ('OK', 'ERROR', 'INFO')),
  datos_enviados  TEXT,
  datos_recibidos TEXT,
  error           TEXT,
  duracion_ms     INTEGER,
  fecha           TEXT    NOT NULL
);
CREATE INDEX integration_log_fecha ON integration_log (fecha, id);
CREATE INDEX integration_log_sistema ON integration_log (sistema, fecha);
