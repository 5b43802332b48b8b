import type { Command } from '../decider.js';

export type CreateConcert = Command<'CreateConcert', { concertId: string; title: string; venue: string }>;

export type OpenSales = Command<'OpenSales', { concertId: string; now: Date }>;

export type ConcertCommand = CreateConcert | OpenSales;
