import { describe, expect, it } from 'vitest';
import {
  createSafeStorageSecretBox,
  type SafeStorageLike,
} from '../../../src/main/electron/secret-box';
import { plainSecretBox } from '../../../src/main/erp/secret-box';

// The desktop app's secret box for the ERP's credentials over a stand-in for Electron's
// safeStorage (no Electron binary runs here). What the stand-in cannot tell — that the OS key
// store really encrypts — is Electron's to keep.

function standIn(options: { available: boolean; backend?: string }) {
  const calls: string[] = [];
  // A reversible "encryption" that leaves no trace of the plain text.
  const safeStorage: SafeStorageLike = {
    isEncryptionAvailable: () => options.available,
    encryptString(plain) {
      calls.push('encrypt');
      return Buffer.from([...Buffer.from(plain, 'utf8')].map((b) => b ^ 0x5a));
    },
    decryptString(encrypted) {
      calls.push('decrypt');
      return Buffer.from([...encrypted].map((b) => b ^ 0x5a)).toString('utf8');
    },
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
  };
  return { safeStorage, calls };
}

describe('createSafeStorageSecretBox', () => {
  it('encrypts with the OS key store where there is one, and opens what it sealed', () => {
    const { safeStorage, calls } = standIn({ available: true });
    const box = createSafeStorageSecretBox(safeStorage, 'win32');
    const sealed = box.seal('token-secreto-ñ');
    expect(box.protection()).toBe('cifrada');
    expect(sealed).toMatch(/^safestorage:/);
    expect(sealed).not.toContain('token-secreto');
    expect(box.open(sealed)).toBe('token-secreto-ñ');
    expect(calls).toEqual(['encrypt', 'decrypt']);
  });

  it('keeps the secret as given, and says so, where there is no key store', () => {
    const { safeStorage, calls } = standIn({ available: false });
    const box = createSafeStorageSecretBox(safeStorage, 'linux');
    expect(box.protection()).toBe('sin_cifrar');
    const sealed = box.seal('clave');
    expect(sealed).toBe('texto:clave');
    expect(box.open(sealed)).toBe('clave');
    expect(calls).toEqual([]);
  });

  it("treats Linux's basic_text fallback (a key written in Chromium's source) as no key store", () => {
    const { safeStorage, calls } = standIn({ available: true, backend: 'basic_text' });
    const box = createSafeStorageSecretBox(safeStorage, 'linux');
    expect(box.protection()).toBe('sin_cifrar');
    expect(box.seal('clave')).toBe('texto:clave');
    expect(calls).toEqual([]);
    // The same backend name elsewhere means nothing: only Linux has it.
    expect(createSafeStorageSecretBox(safeStorage, 'darwin').protection()).toBe('cifrada');
  });

  it('opens a secret saved headless, so a data directory moves from gsih serve to the desktop', () => {
    const { safeStorage } = standIn({ available: true });
    const box = createSafeStorageSecretBox(safeStorage, 'darwin');
    expect(box.open(plainSecretBox.seal('de gsih serve'))).toBe('de gsih serve');
  });

  it('refuses, with what to do, a secret the key store cannot decrypt', () => {
    const safeStorage: SafeStorageLike = {
      isEncryptionAvailable: () => true,
      encryptString: (plain) => Buffer.from(plain),
      decryptString: () => {
        throw new Error(
          'Error while decrypting the ciphertext provided to safeStorage.decryptString.',
        );
      },
    };
    const box = createSafeStorageSecretBox(safeStorage, 'win32');
    expect(() => box.open(box.seal('x'))).toThrow(
      expect.objectContaining({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/Vuelva a darlas/),
      }),
    );
  });
});

describe('plainSecretBox (headless)', () => {
  it('stores the secret as given and cannot open one the desktop app encrypted', () => {
    expect(plainSecretBox.protection()).toBe('sin_cifrar');
    expect(plainSecretBox.open(plainSecretBox.seal('abc'))).toBe('abc');
    expect(() => plainSecretBox.open('safestorage:AAAA')).toThrow(
      expect.objectContaining({
        code: 'UNAVAILABLE',
        message: expect.stringMatching(/aplicación de escritorio.*gsih erp configurar/),
      }),
    );
  });
});
