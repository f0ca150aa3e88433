-- The columns chosen by hand in Importar CSV, remembered per import type and set of headers, so
-- the next file exported the same way is read the same way without choosing them again.

CREATE TABLE import_columns (
  tipo       TEXT NOT NULL CHECK (tipo IN ('articulos', 'stock')),
  -- The file's headers as written, sorted, as a JSON array: the same set in any order matches.
  cabeceras  TEXT NOT NULL,
  -- JSON: field → header as written (null: the field is not imported).
  columnas   TEXT NOT NULL,
  usuario    TEXT NOT NULL,
  fecha      TEXT NOT NULL,
  PRIMARY KEY (tipo, cabeceras)
) WITHOUT ROWID;
