-- Webhook endpoints and their durable deliveries. A delivery row is written in the same
-- transaction as the outbox event it carries, one per matching active endpoint.

CREATE TABLE webhooks (
  id                     INTEGER PRIMARY KEY,
  nombre                 TEXT    NOT NULL,
  url                    TEXT    NOT NULL,
  eventos                TEXT    NOT NULL,
  -- The app must sign with it later, so it is kept (the key of a signature, not a password).
  secreto                TEXT    NOT NULL,
  secreto_anterior       TEXT,
  secreto_anterior_hasta TEXT,
  activo                 INTEGER NOT NULL DEFAULT 1 CHECK (activo IN (0, 1)),
  motivo_desactivacion   TEXT,
  -- Who switched it off: the dispatcher (the staff must be told) or the staff themselves.
  desactivado_por        TEXT CHECK (desactivado_por IN ('sistema', 'personal')),
  fallos_consecutivos    INTEGER NOT NULL DEFAULT 0,
  fallando_desde         TEXT,
  fecha_creacion         TEXT    NOT NULL,
  fecha_actualizacion    TEXT    NOT NULL
);

CREATE TABLE webhook_deliveries (
  id              INTEGER PRIMARY KEY,
  webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  evento_id       TEXT    NOT NULL,
  evento          TEXT    NOT NULL,
  -- The body exactly as sent on every attempt.
  cuerpo          TEXT    NOT NULL,
  estado          TEXT    NOT NULL CHECK (estado IN ('PENDIENTE', 'EN_CURSO', 'ENTREGADO', 'FALLIDO')),
  intentos        INTEGER NOT NULL DEFAULT 0,
  proximo_intento TEXT    NOT NULL,
  lease_hasta     TEXT,
  lease_owner     TEXT,
  ultimo_status   INTEGER,
  ultimo_error    TEXT,
  fecha_creacion  TEXT    NOT NULL,
  fecha_entrega   TEXT,
  UNIQUE (webhook_id, evento_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (estado, proximo_intento);
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id);
-- The dispatcher's claim: an endpoint's due rows, and the leases in flight.
CREATE INDEX webhook_deliveries_queue ON webhook_deliveries (webhook_id, estado, proximo_intento);
CREATE INDEX webhook_deliveries_leases ON webhook_deliveries (estado, lease_hasta);

CREATE TABLE webhook_attempts (
  id               INTEGER PRIMARY KEY,
  delivery_id      INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  numero           INTEGER NOT NULL,
  fecha            TEXT    NOT NULL,
  status           INTEGER,
  cuerpo_respuesta TEXT,
  duracion_ms      INTEGER,
  error            TEXT
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, numero);
