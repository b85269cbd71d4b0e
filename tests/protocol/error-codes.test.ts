import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WIRE_ERRORS } from '#protocol';

/** Rows of PROTOCOL.md §21.1: | number | `name` | meaning | close | */
function documentedCodes(): { number: number; name: string; close: number | undefined }[] {
  const doc = fs.readFileSync('docs/PROTOCOL.md', 'utf8');
  const start = doc.indexOf('### 21.1');
  const end = doc.indexOf('### 21.2');
  expect(start).toBeGreaterThan(0);
  const rows = [];
  for (const line of doc.slice(start, end).split('\n')) {
    // Table rows, however Prettier pads them: | number | `name` | meaning | close |
    const cells = line.split('|').map((cell) => cell.trim());
    const [, number, name, , close] = cells;
    if (number === undefined || !/^\d{3}$/.test(number)) continue;
    const closeCode = /^(\d{4})/.exec(close ?? '');
    rows.push({
      number: Number(number),
      name: (name ?? '').replace(/`/g, ''),
      close: closeCode ? Number(closeCode[1]) : undefined,
    });
  }
  return rows;
}

describe('wire error codes', () => {
  it('protocol/error-codes.ts holds exactly the list of PROTOCOL.md §21.1, numbers and close codes included', () => {
    const documented = documentedCodes();
    expect(documented.length).toBeGreaterThan(50);
    const implemented = Object.entries(WIRE_ERRORS).map(([name, { number, close }]) => ({ number, name, close }));
    expect(implemented).toEqual(documented);
  });

  it('numbers are unique', () => {
    const numbers = Object.values(WIRE_ERRORS).map((e) => e.number);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
