-- The webhook queue's indexes hold only the rows in the state a query looks for. Delivered rows
-- (nearly all of them, after a while) are in none of them, so the dispatcher's queries do not grow
-- with the history, and a delivery's two state changes update two small indexes instead of
-- deleting and re-inserting entries in three large ones (measured: a third of the queue's SQLite
-- time per delivery).
DROP INDEX webhook_deliveries_due;
DROP INDEX webhook_deliveries_queue;
DROP INDEX webhook_deliveries_leases;

-- Is anything due (the idle poll), and which endpoints have due rows, oldest first.
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (proximo_intento)
  WHERE estado = 'PENDIENTE';
CREATE INDEX webhook_deliveries_pending_by_endpoint ON webhook_deliveries (webhook_id, proximo_intento)
  WHERE estado = 'PENDIENTE';
-- Leases in flight, per endpoint (its free slots) and all of them (expired leases): a few dozen.
CREATE INDEX webhook_deliveries_in_flight ON webhook_deliveries (webhook_id, lease_hasta)
  WHERE estado = 'EN_CURSO';
-- Deliveries that used up their retries: "resend failed" in a date window, the monitoring report.
CREATE INDEX webhook_deliveries_failed ON webhook_deliveries (webhook_id, fecha_creacion)
  WHERE estado = 'FALLIDO';
