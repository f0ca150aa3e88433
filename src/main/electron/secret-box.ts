import { AppError } from '../../shared/errors';
import { openPlain, PLAIN_PREFIX, SAFE_STORAGE_PREFIX, type SecretBox } from '../erp/secret-box';

// The desktop app's secret box over Electron's safeStorage (pure module: tested with a stand-in).
// safeStorage encrypts with the OS key store: DPAPI on Windows, the Keychain on macOS, and on
// Linux the desktop's secret service (GNOME Keyring, KWallet). Where Linux has none it falls back
// to a key written in Chromium's source ("basic_text"): that is not protection, so it is treated
// as no key store, and the secret is kept as given and shown as such.

/** What the box uses of Electron's `safeStorage`. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export function createSafeStorageSecretBox(
  safeStorage: SafeStorageLike,
  platform: NodeJS.Platform = process.platform,
): SecretBox {
  // Asked when sealing, not when the box is made: safeStorage answers only once the app is ready.
  const encrypts = () =>
    safeStorage.isEncryptionAvailable() &&
    !(platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text');
  return {
    protection: () => (encrypts() ? 'cifrada' : 'sin_cifrar'),
    seal(plain) {
      if (!encrypts()) return `${PLAIN_PREFIX}${plain}`;
      return `${SAFE_STORAGE_PREFIX}${safeStorage.encryptString(plain).toString('base64')}`;
    },
    open(sealed) {
      if (!sealed.startsWith(SAFE_STORAGE_PREFIX)) return openPlain(sealed);
      try {
        return safeStorage.decryptString(
          Buffer.from(sealed.slice(SAFE_STORAGE_PREFIX.length), 'base64'),
        );
      } catch (error) {
        // Another OS user, a reset key store, a copied data directory: the key is not this one.
        throw new AppError(
          'UNAVAILABLE',
          'Las credenciales del ERP no se pueden descifrar con el almacén de claves de este ' +
            'usuario del sistema (¿se copió el directorio de datos?). Vuelva a darlas en la página ERP.',
          undefined,
          error,
        );
      }
    },
  };
}
