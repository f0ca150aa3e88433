import { AppError } from '../../shared/errors';

/**
 * Seals the ERP's credentials before they are stored in SQLite, and opens them to use them. The
 * desktop app passes one over Electron's safeStorage (src/main/electron/secret-box.ts), which
 * encrypts with the operating system's key store; headless there is none, and `plainSecretBox`
 * stores them as given (docs/ERP.md says so).
 *
 * Sealed text carries its kind as a prefix, so any box can tell what it holds: a secret saved
 * headless opens in the desktop app, and one encrypted by the desktop app is refused headless with
 * a message instead of being sent as garbage.
 */
export interface SecretBox {
  /** How `seal` protects what it is given now. */
  protection(): 'cifrada' | 'sin_cifrar';
  seal(plain: string): string;
  open(sealed: string): string;
}

export const PLAIN_PREFIX = 'texto:';
export const SAFE_STORAGE_PREFIX = 'safestorage:';

export function protectionOf(sealed: string): 'cifrada' | 'sin_cifrar' {
  return sealed.startsWith(SAFE_STORAGE_PREFIX) ? 'cifrada' : 'sin_cifrar';
}

/** Opens what was sealed as plain text; anything else is refused with what to do. */
export function openPlain(sealed: string): string {
  if (sealed.startsWith(PLAIN_PREFIX)) return sealed.slice(PLAIN_PREFIX.length);
  if (sealed.startsWith(SAFE_STORAGE_PREFIX)) {
    throw new AppError(
      'UNAVAILABLE',
      'Las credenciales del ERP se guardaron cifradas con el almacén de claves del sistema desde ' +
        'la aplicación de escritorio, y este proceso no puede descifrarlas. Sincronice desde la ' +
        'aplicación de escritorio, o vuelva a dar las credenciales aquí (gsih erp configurar).',
    );
  }
  throw new AppError(
    'UNAVAILABLE',
    'Las credenciales del ERP guardadas no se pueden leer: vuelva a darlas.',
  );
}

/** Headless: no key store to encrypt with, so the secret is kept as given. */
export const plainSecretBox: SecretBox = {
  protection: () => 'sin_cifrar',
  seal: (plain) => `${PLAIN_PREFIX}${plain}`,
  open: openPlain,
};
