import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const THIS_FILE = relative(ROOT, fileURLToPath(import.meta.url));

/** Files git tracks (and is about to: new files not yet ignored), relative to the repository root. */
function trackedFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return [...new Set(listed.split('\0').filter((path) => path !== '' && existsSync(join(ROOT, path))))];
}

function textOf(path: string): string | undefined {
  const bytes = readFileSync(join(ROOT, path));
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}

interface Finding {
  file: string;
  line: number;
  text: string;
}

function findAll(
  files: readonly string[],
  pattern: RegExp,
  keep: (match: RegExpMatchArray) => boolean = () => true,
): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const text = textOf(file);
    if (text === undefined) continue;
    text.split('\n').forEach((line, index) => {
      for (const match of line.matchAll(pattern)) {
        if (keep(match)) findings.push({ file, line: index + 1, text: match[0] });
      }
    });
  }
  return findings;
}

function shown(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.file}:${f.line}: ${f.text}`);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[`*_]/g, '')
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6} (.+)$/gm)) anchors.add(anchorOf(match[1]!));
  return anchors;
}

/** Relative links of a markdown file, `[text](target)`, outside code blocks; web and mail links left out. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('Given the repository documentation (README.md and docs/)', () => {
  const files = trackedFiles().filter((file) => file !== THIS_FILE);
  const markdown = files.filter((file) => file === 'README.md' || /^docs\/[^/]+\.md$/.test(file));

  it('When the tracked files are read, Then none points at a shared folder beside the repository', () => {
    expect(shown(findAll(files, /\.\.\/shared\b[^\s)'"`]*/g))).to.deep.equal([]);
  });

  it('When the tracked files are read, Then none names a design document that is not in docs/', () => {
    const designNames = /\b(?:ARCHITECTURE|API|FACTS|STYLE|DESIGN)\.md\b/g;
    expect(shown(findAll(files, designNames))).to.deep.equal([]);
  });

  it('When the tracked files name a docs/*.md file, Then that file exists', () => {
    const missing = findAll(files, /\bdocs\/[\w.-]+\.md\b/g, (match) => !existsSync(join(ROOT, match[0])));
    expect(shown(missing)).to.deep.equal([]);
  });

  it('When README.md and docs/*.md are read, Then the three documents exist and the README links each', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    for (const doc of ['docs/architecture.md', 'docs/api.md', 'docs/operations.md']) {
      expect(markdown, doc).to.include(doc);
      expect(relativeLinks(readme), `README links ${doc}`).to.include(doc);
    }
  });

  it('When their code blocks are counted, Then every ``` fence is closed', () => {
    const unclosed = markdown.filter(
      (file) => (readFileSync(join(ROOT, file), 'utf8').match(/^\s*```/gm) ?? []).length % 2 !== 0,
    );
    expect(unclosed).to.deep.equal([]);
  });

  it('When their relative links are followed, Then every file and every #section exists', () => {
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const link of relativeLinks(text)) {
        const [path = '', anchor] = link.split('#');
        const target = path === '' ? join(ROOT, file) : join(ROOT, dirname(file), decodeURIComponent(path));
        if (!existsSync(target)) {
          broken.push(`${file}: ${link} (no such file)`);
          continue;
        }
        if (anchor !== undefined && target.endsWith('.md') && !anchorsOf(readFileSync(target, 'utf8')).has(anchor)) {
          broken.push(`${file}: ${link} (no such section)`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });
});
