// Every file a reader is sent to from the README or docs/ exists: a moved module or a renamed
// test would otherwise leave the docs pointing at nothing, and a newcomer lost.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '../..');

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(path);
    return entry.name.endsWith('.md') ? [path] : [];
  });
}

// A repository path inside `code` or a markdown link: src/…, test/…, docs/…, and the like.
// `dist/x.js` is what the build makes of `x.ts`.
const PATH =
  /(?:^|[\s`(])((?:dist\/)?(?:src|test|scripts|docs|bench|http)\/[A-Za-z0-9_./*-]*|\.env\.example|Procfile|railway[a-z.-]*\.json)/g;

function pathsNamedIn(markdown: string): string[] {
  const spans = [...markdown.matchAll(/`[^`\n]+`|\]\([^)\s]+\)/g)].map((m) => m[0]);
  return spans.flatMap((span) => [...span.matchAll(PATH)].map((m) => (m[1] ?? '').replace(/[.,:]+$/, '')));
}

/** `dir/*.sql` and jest path prefixes (`test/workflows/email-delivery`) name files by pattern. */
function exists(path: string): boolean {
  if (path.startsWith('dist/')) return exists(path.slice('dist/'.length).replace(/\.js$/, '.ts'));
  const full = join(root, path);
  if (existsSync(full)) return true;
  const dir = dirname(full);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return false;
  const base = full.slice(dir.length + 1);
  const pattern = base.includes('*')
    ? new RegExp(
        `^${base
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*')}$`,
      )
    : path.startsWith('test/')
      ? new RegExp(`^${base.replace(/[.+?^${}()|[\]\\]/g, '\\$&')}`)
      : null;
  return pattern !== null && readdirSync(dir).some((name) => pattern.test(name));
}

const documents = [join(root, 'README.md'), ...markdownFiles(join(root, 'docs'))];

describe.each(documents.map((file) => [relative(root, file), file]))('%s', (_name, file) => {
  const named = [...new Set(pathsNamedIn(readFileSync(file, 'utf8')))];

  it('names only paths that exist', () => {
    expect(named.filter((path) => !exists(path))).toEqual([]);
  });
});

it('the README links every page under docs/', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const pages = markdownFiles(join(root, 'docs')).map((file) => relative(root, file));
  expect(pages.filter((page) => !readme.includes(`](${page})`))).toEqual([]);
});
