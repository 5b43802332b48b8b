/**
 * Text PostgreSQL can store in jsonb: no NUL character and no unpaired UTF-16 surrogate
 * (both are valid in JSON, and both make an append fail inside the database).
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed();
}

interface Visit {
  value: unknown;
  key: string;
  parent: Visit | undefined;
}

/**
 * The path of the first string (or key) in a parsed JSON value that is not storable, if any.
 * Iterative, so a deeply nested body cannot exhaust the stack.
 */
export function unstorableTextPath(root: unknown): string | undefined {
  const pending: Visit[] = [{ value: root, key: '', parent: undefined }];
  for (let visit = pending.pop(); visit; visit = pending.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      if (!isStorableText(value)) return pathOf(visit);
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i], key: String(i), parent: visit });
    } else if (value !== null && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        if (!isStorableText(key)) return pathOf({ value: key, key: '(key)', parent: visit });
        pending.push({ value: item, key, parent: visit });
      }
    }
  }
  return undefined;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let v: Visit | undefined = visit; v?.parent; v = v.parent) keys.push(v.key);
  return keys.reverse().join('.') || '(root)';
}
