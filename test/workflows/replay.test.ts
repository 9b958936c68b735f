// Today's workflow code must replay every saved history without a non-determinism error: the
// proof that a change to running workflows was made safely (patched()), see test/helpers/history-fixtures.ts.
import fs from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { HISTORY_FIXTURES_DIR } from '../helpers/history-fixtures';
import { quietTemporalRuntime } from '../helpers/temporal';

const files = fs.existsSync(HISTORY_FIXTURES_DIR)
  ? fs
      .readdirSync(HISTORY_FIXTURES_DIR)
      .filter((f) => f.endsWith('.history.pb'))
      .sort()
  : [];

it('has saved histories of every long-running workflow type', () => {
  const types = new Set(files.map((f) => f.split('--')[0]));
  expect([...types]).toEqual(
    expect.arrayContaining([
      'paymentReminder',
      'emailDelivery',
      'smsDelivery',
      'guardian',
      'booking',
      'replyAgent',
      'stripeEvent',
    ]),
  );
});

it.each(files)('replays %s', async (file) => {
  quietTemporalRuntime();
  const history = temporal.api.history.v1.History.decode(fs.readFileSync(path.join(HISTORY_FIXTURES_DIR, file)));
  await Worker.runReplayHistory(
    { workflowsPath: require.resolve('../../src/workflows') },
    history,
    file.replace(/\.history\.pb$/, ''),
  );
});
