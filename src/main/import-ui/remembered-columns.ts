import type { Db } from '../db/open';
import type { Clock } from '../clock';
import type { ColumnChoice, ImportKind } from '../../shared/imports';

// The columns staff chose by hand in Importar CSV, per import type and set of headers
// (import_columns, migration 0005): the next export from the same spreadsheet or system has the
// same headers, and is read the same way without choosing again.

export type RememberedColumns = ReturnType<typeof createRememberedColumns>;

/** The key of a set of headers: as written, trimmed, sorted (their order does not matter). */
function headerSet(headers: readonly string[]): string {
  return JSON.stringify(headers.map((h) => h.trim()).sort());
}

export function createRememberedColumns(db: Db, clock: Clock) {
  const stmt = {
    get: db.prepare('SELECT columnas FROM import_columns WHERE tipo = ? AND cabeceras = ?').pluck(),
    put: db.prepare(`INSERT INTO import_columns (tipo, cabeceras, columnas, usuario, fecha)
      VALUES (@tipo, @cabeceras, @columnas, @usuario, @fecha)
      ON CONFLICT (tipo, cabeceras) DO UPDATE SET columnas = excluded.columnas,
        usuario = excluded.usuario, fecha = excluded.fecha`),
    forget: db.prepare('DELETE FROM import_columns WHERE tipo = ? AND cabeceras = ?'),
  };

  return {
    /** The columns chosen last time for these headers, if they still name headers of the file. */
    recall(tipo: ImportKind, headers: readonly string[]): ColumnChoice | null {
      const stored = stmt.get.get(tipo, headerSet(headers)) as string | undefined;
      if (stored === undefined) return null;
      try {
        const columns = JSON.parse(stored) as ColumnChoice;
        const present = new Set(headers.map((h) => h.trim()));
        const usable = Object.values(columns).every(
          (header) => header === null || present.has(header.trim()),
        );
        return usable ? columns : null;
      } catch {
        return null;
      }
    },

    remember(
      tipo: ImportKind,
      headers: readonly string[],
      columnas: ColumnChoice,
      usuario: string,
    ): void {
      stmt.put.run({
        tipo,
        cabeceras: headerSet(headers),
        columnas: JSON.stringify(columnas),
        usuario,
        fecha: clock.now().toISOString(),
      });
    },

    forget(tipo: ImportKind, headers: readonly string[]): void {
      stmt.forget.run(tipo, headerSet(headers));
    },
  };
}
