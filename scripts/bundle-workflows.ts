// `npm run build`: pre-bundles the workflow code so production workers start without webpack.
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../src/temporal/data-converter';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: path.resolve(__dirname, '../src/workflows/index.ts'),
    failureConverterPath: FAILURE_CONVERTER_PATH,
  });
  const out = path.resolve(__dirname, '../dist/workflow-bundle.js');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, code);
  process.stdout.write(
    `workflow bundle written to ${path.relative(process.cwd(), out)} (${Math.round(code.length / 1024)} KiB)\n`,
  );
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
