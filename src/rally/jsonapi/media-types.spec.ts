import {
  acceptSatisfiable,
  contentTypeSupported,
  parseAccept,
  parseMediaType,
} from './media-types.js';

const JSON_API = 'application/vnd.api+json';

describe('media types (JSON:API 1.1 content negotiation)', () => {
  describe('parseMediaType', () => {
    it('lower-cases the essence and parameter names, unquotes values', () => {
      const parsed = parseMediaType(
        'Application/VND.API+JSON; Profile="https://a.example/p; x"; ext=e',
      );
      expect(parsed?.essence).toBe(JSON_API);
      expect([...(parsed?.parameters ?? [])]).toEqual([
        ['profile', 'https://a.example/p; x'],
        ['ext', 'e'],
      ]);
    });

    it('rejects malformed values', () => {
      for (const value of [
        '',
        'json',
        'application/',
        '/json',
        'a/b/c',
        'a/b; =x',
        'a/b; x',
        'a b/c',
      ]) {
        expect(parseMediaType(value)).toBeUndefined();
      }
    });

    it('drops q and the accept extensions after it for Accept entries', () => {
      const parsed = parseMediaType(`${JSON_API}; ext=e; q=0.5; foo=bar`, true);
      expect([...(parsed?.parameters.keys() ?? [])]).toEqual(['ext']);
    });
  });

  it('parseAccept splits on commas outside quotes and skips malformed entries', () => {
    const entries = parseAccept(`text/html, ${JSON_API}; profile="a,b", nonsense, */*;q=0.1`);
    expect(entries.map((e) => e.essence)).toEqual(['text/html', JSON_API, '*/*']);
    expect(entries[1].parameters.get('profile')).toBe('a,b');
  });

  describe('contentTypeSupported (false → 415)', () => {
    it.each([
      [undefined],
      [''],
      [JSON_API],
      [`${JSON_API}; ext="https://jsonapi.org/ext/atomic"`],
      [`${JSON_API};profile="https://example.com/p"`],
      ['application/json'],
      ['application/json; charset=utf-8'],
      ['APPLICATION/JSON'],
    ])('accepts %p', (header) => {
      expect(contentTypeSupported(header)).toBe(true);
    });

    it.each([
      [`${JSON_API}; charset=utf-8`],
      [`${JSON_API}; ext=x; version=1`],
      ['text/plain'],
      ['application/x-www-form-urlencoded'],
      ['application/merge-patch+json'],
      ['not a media type'],
    ])('rejects %p', (header) => {
      expect(contentTypeSupported(header)).toBe(false);
    });
  });

  describe('acceptSatisfiable (false → 406)', () => {
    it.each([
      [undefined],
      [''],
      [JSON_API],
      ['*/*'],
      ['text/html'],
      ['application/json'],
      [`${JSON_API}; ext="https://jsonapi.org/ext/atomic"; profile=p`],
      [`${JSON_API}; q=0.9`],
      [`${JSON_API}; charset=utf-8, ${JSON_API}`],
      [`${JSON_API}; charset=utf-8, ${JSON_API}; ext=e`],
    ])('accepts %p', (header) => {
      expect(acceptSatisfiable(header)).toBe(true);
    });

    it.each([
      [`${JSON_API}; charset=utf-8`],
      [`${JSON_API}; version=1, ${JSON_API}; charset="utf-8"`],
      [`text/html, ${JSON_API}; x=y`],
      [`${JSON_API}; x=y; q=1, */*`],
    ])('rejects %p', (header) => {
      expect(acceptSatisfiable(header)).toBe(false);
    });
  });
});
