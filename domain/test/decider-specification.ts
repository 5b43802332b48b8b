import { expect } from 'chai';
import type { Decider } from '../src/decider.js';
import { DomainError, type DomainErrorCode, type ErrorDetails } from '../src/domain-error.js';

type DomainErrorClass = abstract new (...args: never[]) => DomainError;

export interface Outcome<E> {
  then(expected: readonly E[]): void;
  thenNothing(): void;
  thenThrows(expected: DomainErrorCode | DomainErrorClass, details?: ErrorDetails): DomainError;
}

/** given(past events).when(command).then(new events): a test reads as the rule it checks. */
export function spec<C, E, S>(decider: Decider<C, E, S>) {
  return {
    given(events: readonly E[]) {
      return {
        when(command: C): Outcome<E> {
          const decide = () => decider.decide(command, events.reduce(decider.evolve, decider.initialState()));
          return {
            then(expected) {
              expect(decide()).to.deep.equal(expected);
            },
            thenNothing() {
              expect(decide()).to.deep.equal([]);
            },
            thenThrows(expected, details) {
              let thrown: unknown;
              let decided: E[] | undefined;
              try {
                decided = decide();
              } catch (error) {
                thrown = error;
              }
              if (decided !== undefined) expect.fail(`expected a refusal, got ${JSON.stringify(decided)}`);
              expect(thrown).to.be.instanceOf(DomainError);
              const error = thrown as DomainError;
              if (typeof expected === 'string') expect(error.code).to.equal(expected);
              else expect(error).to.be.instanceOf(expected);
              if (details !== undefined) expect(error.details).to.deep.include(details);
              return error;
            },
          };
        },
      };
    },
  };
}
