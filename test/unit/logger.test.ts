import { describe, expect, it } from 'vitest';
import { createConsoleLogger } from '../../src/main/logger';
import { Capture } from '../fixtures/cli';

describe('application log', () => {
  it('writes the cause without a stack trace or credentials', () => {
    const out = new Capture();
    const log = createConsoleLogger(out);
    const cause = Object.assign(new Error('ERP respondió 401 a Authorization: Bearer s3cr3t'), {
      code: 'E_AUTH',
    });
    log.error('sync failed', new Error('wrapped', { cause }));
    expect(out.text).toMatch(
      /ERROR sync failed — Error: wrapped ← Error \[E_AUTH\]: ERP respondió 401/,
    );
    expect(out.text).not.toContain('s3cr3t');
    expect(out.text).not.toMatch(/\n\s+at /);
    expect(out.text).not.toContain('.ts:');
    expect(out.text.trim().split('\n')).toHaveLength(1);
  });
});
