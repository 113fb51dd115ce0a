import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { MANIFEST_VALIDATOR_FILE, manifestValidatorSource } from '../../scripts/generate-validators.mjs';

describe('the generated manifest validator', () => {
  it('is what schemas/manifest.schema.json generates now (run npm run generate after changing the schema)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', MANIFEST_VALIDATOR_FILE), 'utf8');
    expect(committed).toBe(manifestValidatorSource());
  });
});
