// The worker's boot check that the namespace has every custom search attribute the workflows
// write (domain/search-attributes.ts), each of the right type. Without it a missing one shows up
// only later, as failed workflow starts and tasks; with it the worker refuses to start and says
// which to register, and how.
import type { SearchAttributeType } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { NativeConnection } from '@temporalio/worker';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../domain/search-attributes';

const { IndexedValueType } = temporal.api.enums.v1;
// gRPC status codes.
const GRPC_PERMISSION_DENIED = 7;
const GRPC_UNIMPLEMENTED = 12;

export interface SearchAttributeProblem {
  name: string;
  /** The type the CLI's --type flag takes (Keyword). */
  expected: string;
  /** The type the namespace has it as; null when it has none of that name. */
  found: string | null;
}

/** Readable type names, as the CLI prints and takes them: INDEXED_VALUE_TYPE_KEYWORD_LIST → KeywordList. */
function typeName(indexed: number): string {
  const raw = IndexedValueType[indexed] ?? `type ${indexed}`;
  return raw
    .replace(/^INDEXED_VALUE_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_m, _sep: string, c: string) => c.toUpperCase());
}

const indexedTypeOf = (type: SearchAttributeType): number => IndexedValueType[`INDEXED_VALUE_TYPE_${type}`];

/**
 * The attributes the workflows write that `namespace` lacks or has as another type (empty when
 * all is well). Null when this connection may not list them (a key without that permission): the
 * check is then skipped rather than the worker refused.
 */
export async function findSearchAttributeProblems(
  connection: Pick<NativeConnection, 'operatorService'>,
  namespace: string,
): Promise<SearchAttributeProblem[] | null> {
  let registered: Record<string, number>;
  try {
    const response = await connection.operatorService.listSearchAttributes({ namespace });
    registered = { ...(response.systemAttributes ?? {}), ...(response.customAttributes ?? {}) } as Record<
      string,
      number
    >;
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code === GRPC_PERMISSION_DENIED || code === GRPC_UNIMPLEMENTED) return null;
    throw err;
  }
  const problems: SearchAttributeProblem[] = [];
  for (const { key, cliType } of CUSTOM_SEARCH_ATTRIBUTES) {
    const found = registered[key.name];
    if (found === undefined) problems.push({ name: key.name, expected: cliType, found: null });
    else if (found !== indexedTypeOf(key.type))
      problems.push({ name: key.name, expected: cliType, found: typeName(found) });
  }
  return problems;
}

export function searchAttributeMessage(namespace: string, problems: readonly SearchAttributeProblem[]): string {
  const missing = problems.filter((p) => p.found === null);
  const wrong = problems.filter((p) => p.found !== null);
  const lines = [
    `Temporal namespace "${namespace}" is not ready for this worker: its workflows write search attributes it does not have.`,
  ];
  if (missing.length > 0) lines.push(`Missing: ${missing.map((p) => `${p.name} (${p.expected})`).join(', ')}.`);
  if (wrong.length > 0)
    lines.push(
      `Of another type: ${wrong.map((p) => `${p.name} is ${p.found}, must be ${p.expected}`).join('; ')} (remove and re-create it).`,
    );
  if (missing.length > 0) {
    // The CLI takes several names but one type per command.
    const byType = new Map<string, string[]>();
    for (const p of missing) byType.set(p.expected, [...(byType.get(p.expected) ?? []), p.name]);
    lines.push(
      'Register them, then start the worker again:',
      ...[...byType].map(
        ([type, names]) =>
          `  temporal operator search-attribute create --namespace ${namespace} ${names.map((n) => `--name ${n}`).join(' ')} --type ${type}`,
      ),
      `  (Temporal Cloud: tcld namespace search-attributes add -n ${namespace} ${missing.map((p) => `--sa ${p.name}=${p.expected}`).join(' ')})`,
    );
  }
  return lines.join('\n');
}
