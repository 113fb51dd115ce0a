import { describe, expect, it } from '@jest/globals';
import { redactUrl, scrubPassword } from '../../src/catalog/connection.js';

describe('scrubPassword', () => {
  it('redacts the URL and every user:password@ it finds, whatever the password', () => {
    const url = 'postgres://app:e@db.internal:5432/app';
    expect(scrubPassword(`connection refused for ${url}, or postgres://app:e@elsewhere/x`, url)).toBe(
      `connection refused for ${redactUrl(url)}, or postgres://app:***@elsewhere/x`,
    );
  });

  it('leaves the words of a message alone when the password is short (no server message quotes it)', () => {
    expect(scrubPassword('connection refused (is the server running?)', 'postgres://app:e@127.0.0.1:1/x')).toBe('connection refused (is the server running?)');
  });

  it('removes a real secret wherever it stands, percent-encoded in the URL or not', () => {
    const url = 'postgres://app:s3cr%2Ft-Passw0rd@db/app';
    expect(scrubPassword('got s3cr/t-Passw0rd back', url)).toBe('got *** back');
  });

  it('keeps a message whose URL it cannot read as it is', () => {
    expect(scrubPassword('anything', 'not a url')).toBe('anything');
  });
});
