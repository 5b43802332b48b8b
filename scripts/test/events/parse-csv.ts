/** A strict RFC 4180 reader for the tests: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
    else field += c;
  }
  if (quoted) throw new Error('an unterminated quoted field');
  if (field !== '' || row.length > 0) throw new Error('the last row does not end with a line break');
  return rows;
}
