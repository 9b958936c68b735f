// A reader for the request files in http/: the plain subset of the format that the VS Code REST
// Client and the JetBrains HTTP client share, and no more. A file is blocks separated by lines
// starting with `###`; `@name = value` lines define variables, `{{name}}` uses them; a block is
// comments (`#` or `//`), then `METHOD URL [HTTP/1.1]`, header lines, a blank line and the body.
// A comment `# expect 409` before the request line says which status the request must answer.
import fs from 'node:fs';
import path from 'node:path';

export interface HttpFileRequest {
  file: string;
  /** 1-based line of the request line, for messages. */
  line: number;
  method: string;
  /** As written, variables unresolved. */
  url: string;
  headers: [string, string][];
  body: string | null;
  expectStatus: number | null;
}

export interface HttpFile {
  file: string;
  variables: Map<string, string>;
  requests: HttpFileRequest[];
}

const SEPARATOR = /^###/;
const VARIABLE = /^@([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;
const REQUEST_LINE = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+(\S+)(?:\s+HTTP\/\d(?:\.\d)?)?\s*$/;
const COMMENT = /^\s*(#|\/\/)/;
const EXPECT = /^\s*(?:#|\/\/)\s*expect\s+(\d{3})\b/i;
const HEADER = /^([A-Za-z0-9-]+):\s*(.*)$/;

export function parseHttpFile(file: string, text: string): HttpFile {
  const variables = new Map<string, string>();
  const requests: HttpFileRequest[] = [];
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length) {
    // Before a request line: separators, blank lines, comments and variables.
    let expectStatus: number | null = null;
    let requestLine: RegExpExecArray | null = null;
    for (; i < lines.length; i++) {
      const line = lines[i]!;
      if (SEPARATOR.test(line)) {
        expectStatus = null;
        continue;
      }
      const variable = VARIABLE.exec(line);
      if (variable) {
        variables.set(variable[1]!, variable[2]!);
        continue;
      }
      const expected = EXPECT.exec(line);
      if (expected) expectStatus = Number(expected[1]);
      if (line.trim() === '' || COMMENT.test(line)) continue;
      requestLine = REQUEST_LINE.exec(line.trim());
      if (!requestLine) throw new Error(`${file}:${i + 1}: expected a request line (METHOD URL), found: ${line}`);
      break;
    }
    if (!requestLine) break;
    const request: HttpFileRequest = {
      file,
      line: i + 1,
      method: requestLine[1]!,
      url: requestLine[2]!,
      headers: [],
      body: null,
      expectStatus,
    };
    i++;
    for (; i < lines.length && lines[i]!.trim() !== '' && !SEPARATOR.test(lines[i]!); i++) {
      if (COMMENT.test(lines[i]!)) continue;
      const header = HEADER.exec(lines[i]!);
      if (!header) throw new Error(`${file}:${i + 1}: expected a header (Name: value), found: ${lines[i]}`);
      request.headers.push([header[1]!, header[2]!]);
    }
    const body: string[] = [];
    for (; i < lines.length && !SEPARATOR.test(lines[i]!); i++) body.push(lines[i]!);
    const text = body.join('\n').trim();
    request.body = text === '' ? null : text;
    requests.push(request);
  }
  return { file, variables, requests };
}

export function readHttpFiles(dir: string): HttpFile[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.http'))
    .sort()
    .map((name) => parseHttpFile(name, fs.readFileSync(path.join(dir, name), 'utf8')));
}

/** `{{name}}` replaced, from `given` first, then the file's own variables (which may use others). */
export function substitute(text: string, file: HttpFile, given: Record<string, string>, seen: string[] = []): string {
  return text.replace(/\{\{\s*([A-Za-z_$][A-Za-z0-9_.$]*)\s*\}\}/g, (_m, name: string) => {
    if (seen.includes(name)) throw new Error(`${file.file}: variable ${name} refers to itself`);
    const value = given[name] ?? file.variables.get(name);
    if (value === undefined) throw new Error(`${file.file}: {{${name}}} is not defined in the file`);
    return substitute(value, file, given, [...seen, name]);
  });
}
