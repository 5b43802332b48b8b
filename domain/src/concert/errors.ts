import { DomainError } from '../domain-error.js';

export class ConcertExistsError extends DomainError {
  constructor(concertId: string) {
    super('concert-exists', `Concert ${concertId} already exists`, { concertId });
  }
}

export class ConcertNotFoundError extends DomainError {
  constructor(concertId: string) {
    super('concert-not-found', `Concert ${concertId} does not exist`, { concertId });
  }
}
