import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';

/**
 * `npm run x > file` writes npm's own banner ("> concert-reservations@0.1.0 x") into the file
 * before the script's output; only `npm run -s x` gives the script's output alone. Every
 * example in the docs that captures the output of an `npm run` (redirect, pipe, `$(...)`)
 * must therefore use -s.
 */
const root = new URL('../../../', import.meta.url);
const documents = [
  'README.md',
  ...readdirSafe(new URL('docs/', root))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

function readdirSafe(dir: URL): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Shell snippets: inline code spans and the lines of fenced sh blocks. */
function snippetsOf(markdown: string): string[] {
  const fenced = [...markdown.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n'));
  const inline = [...markdown.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
  return [...fenced, ...inline];
}

/** The part of a command after `npm run <script>` (where -s is missing) that captures its stdout. */
function capturesWithoutSilent(snippet: string): boolean {
  // Placeholders such as <module> are not redirects.
  const code = snippet.replace(/#.*$/, '').replace(/<[\w.|-]+>/g, 'X');
  if (!/npm run (?!-s\b)[\w:-]+/.test(code)) return false;
  const afterRun = code.slice(code.search(/npm run (?!-s\b)/));
  return /(^|[^2&>])>(?!&)/.test(afterRun) || /\|(?!\|)/.test(afterRun) || /\$\(\s*npm run (?!-s\b)/.test(code);
}

describe('Given the examples in the README and docs', () => {
  it('When an example captures what an npm script prints, Then it runs the script with -s', () => {
    const offenders = documents.flatMap((doc) =>
      snippetsOf(readFileSync(new URL(doc, root), 'utf8'))
        .filter(capturesWithoutSilent)
        .map((snippet) => `${doc}: ${snippet.trim()}`),
    );
    expect(offenders).to.deep.equal([]);
  });

  it('When the check reads known shapes, Then it flags captures and leaves plain runs alone', () => {
    expect(capturesWithoutSilent('npm run events -- export > x.ndjson')).to.equal(true);
    expect(capturesWithoutSilent('npm run token -- --user u1 | pbcopy')).to.equal(true);
    expect(capturesWithoutSilent('TOKEN=$(npm run token -- --user u1)')).to.equal(true);
    expect(capturesWithoutSilent('npm run -s events -- export > x.ndjson')).to.equal(false);
    expect(capturesWithoutSilent('npm run projections -- status 2>/dev/null')).to.equal(false);
    expect(capturesWithoutSilent('npm run bench:holds')).to.equal(false);
    expect(capturesWithoutSilent('npm run events -- replay --projection <module>')).to.equal(false);
  });
});
