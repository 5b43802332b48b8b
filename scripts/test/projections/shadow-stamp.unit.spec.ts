import { expect } from 'chai';
import { restartReason } from '../../src/projections/shadow-stamp.js';
import type { ShadowStamp } from '../../src/projections/shadow-state.js';

describe('restartReason: whether a rebuild may resume the shadow tables it finds', () => {
  const live: ShadowStamp = {
    projection: 'catalog',
    version: 3,
    fingerprint: 'f1',
    feedOrigin: 'event-1',
    dryRun: false,
  };
  const dry: ShadowStamp = { ...live, dryRun: true };

  it('Given a stamp equal to this run, Then they are resumed (live by live, dry by dry)', () => {
    expect(restartReason(live, live, 'f1')).to.equal(undefined);
    expect(restartReason(dry, dry, 'f1')).to.equal(undefined);
  });

  it("Given a live rebuild's tables, When a dry run finds them, Then it resumes them", () => {
    expect(restartReason(live, dry, 'f1')).to.equal(undefined);
  });

  it("Given a dry run's tables, When a live rebuild finds them, Then it starts again", () => {
    expect(restartReason(dry, live, 'f1')).to.match(/dry run/);
  });

  it('Given tables without a stamp, Then it starts again', () => {
    expect(restartReason(undefined, live, 'f1')).to.match(/no stamp/);
  });

  it('Given another projection version, Then it starts again and names both versions', () => {
    expect(restartReason({ ...live, version: 2 }, live, 'f1')).to.equal(
      'they were built by version 2 of the projection, this is version 3',
    );
  });

  it('Given the live tables or handled types changed since, Then it starts again', () => {
    expect(restartReason({ ...live, fingerprint: 'f0' }, live, 'f0')).to.match(/changed since they were built/);
  });

  it('Given shadow tables whose own definitions were changed, Then it starts again', () => {
    expect(restartReason(live, live, 'f2')).to.match(/no longer match the live tables/);
  });

  it('Given tables built from another feed, or for another projection, Then it starts again', () => {
    expect(restartReason({ ...live, feedOrigin: 'event-9' }, live, 'f1')).to.match(/another feed/);
    expect(restartReason({ ...live, feedOrigin: null }, live, 'f1')).to.match(/another feed/);
    expect(restartReason({ ...live, projection: 'sales' }, live, 'f1')).to.match(/"sales"/);
  });
});
