-- What the monitoring report and the Panel count, per hour, without reading the rows themselves.
-- Both are expression indexes on the hour (the first 13 characters of an ISO UTC date), so a
-- GROUP BY hour walks them in order, and they hold the full date for the exact ends of a range.

-- Calls to the external API: the integration log's rows that src/main/api/request-log.ts writes
-- with tipo "METHOD /api/external/…" or "METHOD /api/reportes/…" (the ERP's own requests, which
-- the log also holds, are "METHOD /path-on-the-ERP"). Partial: webhook and ERP rows are not in it.
CREATE INDEX integration_log_api_hours
  ON integration_log (substr(fecha, 1, 13), sistema, estado, fecha)
  WHERE tipo GLOB '* /api/external/*' OR tipo GLOB '* /api/reportes/*';

-- Webhook attempts by outcome (2xx is a delivery). Attempts are only ever inserted.
CREATE INDEX webhook_attempts_hours ON webhook_attempts (substr(fecha, 1, 13), status, fecha);
