import { expect } from 'chai';
import { decodeEntry, encodeEntry, headerOf, newEntry } from '../src/reading/cached-entry.js';
import { EntryMemo } from '../src/reading/entry-memo.js';

describe('query cache entries', () => {
  it('Given an entry, When it is stored and read back, Then header, position and JSON text are the same', () => {
    const entry = newEntry({ commit: 12n, prepare: 11n }, '[{"seatId":"A-1"}]');
    const decoded = decodeEntry(encodeEntry(entry));
    expect(decoded?.header).to.equal(entry.header);
    expect(decoded?.position).to.deep.equal({ commit: 12n, prepare: 11n });
    expect(decoded?.body.toString()).to.equal('[{"seatId":"A-1"}]');
  });

  it('Given two writes of the same value at the same position, Then their headers differ (a kept copy matches one write only)', () => {
    const a = newEntry({ commit: 1n, prepare: 1n }, '[]');
    const b = newEntry({ commit: 1n, prepare: 1n }, '[]');
    expect(a.header).to.not.equal(b.header);
  });

  for (const stored of ['{"v":1,"p":"1.1","d":[]}', '1 1.1 abcd\n[]', '2 x.1 abcd\n[]', '2 1.1\n[]', '']) {
    it(`When Redis holds ${JSON.stringify(stored)} (an older release or not ours), Then it reads as no entry`, () => {
      expect(decodeEntry(Buffer.from(stored))).to.equal(undefined);
    });
  }

  it('When only the first bytes of an entry are read, Then its header is known', () => {
    const entry = newEntry({ commit: 2n ** 64n - 1n, prepare: 2n ** 64n - 1n }, '[1,2,3]');
    expect(headerOf(encodeEntry(entry).subarray(0, 97))?.header).to.equal(entry.header);
  });
});

describe('entry memo', () => {
  const entryOf = (bytes: number) => newEntry({ commit: 1n, prepare: 1n }, 'x'.repeat(bytes));

  it('Given a memo of 100 bytes, When entries add up to more, Then the least recently used go first', () => {
    const memo = new EntryMemo(100);
    memo.set('a', entryOf(40));
    memo.set('b', entryOf(40));
    memo.get('a');
    memo.set('c', entryOf(40));
    expect(memo.get('a')).to.not.equal(undefined);
    expect(memo.get('b')).to.equal(undefined);
    expect(memo.get('c')).to.not.equal(undefined);
  });

  it('When an entry is larger than the whole memo, Then it is not kept and the key has no entry', () => {
    const memo = new EntryMemo(100);
    memo.set('a', entryOf(10));
    memo.set('a', entryOf(101));
    expect(memo.get('a')).to.equal(undefined);
  });
});
