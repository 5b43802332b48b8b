/**
 * Subject of an event on the feed stream: `<prefix>.<category>.<eventType>`, so a consumer can
 * filter by category or type. Each part becomes one subject token: characters that NATS gives a
 * meaning (`.`, `*`, `>`, whitespace) or that are unusual in a subject are replaced by `_`.
 */
export function eventSubject(prefix: string, category: string, eventType: string): string {
  return `${prefix}.${subjectToken(category)}.${subjectToken(eventType)}`;
}

/** Every event of the feed: the filter of the stream and of each projector's consumer. */
export function allEventsSubject(prefix: string): string {
  return `${prefix}.>`;
}

/** Every event of one stream category: the filter of a consumer that reads only that category. */
export function categorySubject(prefix: string, category: string): string {
  return `${prefix}.${subjectToken(category)}.>`;
}

/**
 * The event-type token of a feed subject (its last token). It equals the event's type whenever
 * that type is a plain name (every domain type is); a type with characters replaced gives a token
 * that matches no plain name.
 */
export function eventTypeToken(subject: string): string {
  return subject.slice(subject.lastIndexOf('.') + 1);
}

const UNSAFE = /[^A-Za-z0-9_-]/g;

function subjectToken(part: string): string {
  const token = part.replace(UNSAFE, '_');
  return token.length === 0 ? '_' : token;
}
