import { describe, expect, it } from '@jest/globals';
import { formatQualifiedName, parseQualifiedName } from '../../src/model/names.js';

describe('parseQualifiedName', () => {
  it.each([
    ['platformtype', { schema: 'public', name: 'platformtype' }],
    ['analytics.granularity', { schema: 'analytics', name: 'granularity' }],
    ['PlatformType', { schema: 'public', name: 'PlatformType' }],
    ['"my.schema".items', { schema: 'my.schema', name: 'items' }],
    ['s."a""b"', { schema: 's', name: 'a"b' }],
  ])('parses %s', (text, expected) => {
    expect(parseQualifiedName(text)).toEqual(expected);
  });

  it.each(['', '.x', 'x.', 'a.b.c', '"open', 'a"b', '"a"x'])('rejects %j', (text) => {
    expect(parseQualifiedName(text)).toBeUndefined();
  });

  it.each([
    { schema: 'public', name: 'x' },
    { schema: 'analytics', name: 'Mixed' },
    { schema: 'my.schema', name: 'a"b' },
  ])('formats %j so that it parses back', (name) => {
    expect(parseQualifiedName(formatQualifiedName(name))).toEqual(name);
  });
});
