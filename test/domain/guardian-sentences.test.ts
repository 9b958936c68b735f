// The lines an owner reads in a guardian report about mail screening and the Gmail watch.
import { screeningChecks, screeningFailedCheck, watchRenewalCheck } from '../../src/domain/guardian-sentences';

const claude = { called: true, error: null, unconfigured: null, mode: 'live' };

it('counts screened and waiting messages with their plurals', () => {
  expect(screeningChecks({ screened: 1, unsafe: 0, waiting: 1, claude, flagged: false }).check.detail).toBe(
    'Screened 1 new message, 0 unsafe; 1 message waits for the next pass',
  );
  expect(screeningChecks({ screened: 3, unsafe: 1, waiting: 2, claude, flagged: true }).check).toEqual({
    name: 'contentSafety',
    status: 'warn',
    detail: 'Screened 3 new messages, 1 unsafe; 2 messages wait for the next pass',
  });
  expect(
    screeningChecks({ screened: 0, unsafe: 0, waiting: 0, claude: { ...claude, called: false }, flagged: false }),
  ).toEqual({
    check: { name: 'contentSafety', status: 'ok', detail: 'Screened 0 new messages, 0 unsafe' },
    claude: null,
  });
});

it('says when Claude screened, failed, or is not configured', () => {
  expect(screeningChecks({ screened: 2, unsafe: 0, waiting: 0, claude, flagged: false }).claude).toEqual({
    name: 'claude',
    status: 'ok',
    detail: 'Claude answered in live mode while screening mail',
  });
  expect(
    screeningChecks({ screened: 1, unsafe: 0, waiting: 4, claude: { ...claude, error: 'overloaded' }, flagged: false }),
  ).toEqual({
    check: {
      name: 'contentSafety',
      status: 'fail',
      detail: 'Screened 1 new message, 0 unsafe; Claude failed (overloaded); 4 messages wait for the next pass',
    },
    claude: { name: 'claude', status: 'fail', detail: 'Claude did not answer in live mode: overloaded' },
  });
  expect(
    screeningChecks({
      screened: 0,
      unsafe: 0,
      waiting: 1,
      claude: { ...claude, called: false, unconfigured: 'ANTHROPIC_API_KEY' },
      flagged: false,
    }).check,
  ).toEqual({
    name: 'contentSafety',
    status: 'warn',
    detail:
      'Inbound mail is not screened: Claude is not configured (ANTHROPIC_API_KEY); 1 message waits for the next pass',
  });
  expect(screeningFailedCheck('timed out')).toEqual({
    name: 'contentSafety',
    status: 'fail',
    detail: 'Screening could not run: timed out; nothing was skipped',
  });
});

it('tells how a lapsing Gmail watch was renewed, or why not', () => {
  expect(
    watchRenewalCheck('2027-01-08T10:00:00.000Z', { outcome: 'watching', expiresAt: '2027-01-15T10:00:00.000Z' }),
  ).toEqual({
    name: 'gmail',
    status: 'ok',
    detail: 'Watch renewed (it was to expire at 2027-01-08T10:00:00.000Z); it now expires at 2027-01-15T10:00:00.000Z',
  });
  expect(watchRenewalCheck(null, { failed: 'Gmail answered 503' })).toEqual({
    name: 'gmail',
    status: 'fail',
    detail: 'The watch could not be renewed (there was none): Gmail answered 503; the next pass tries again',
  });
  expect(watchRenewalCheck(null, { outcome: 'reauth_required', expiresAt: null }).status).toBe('fail');
  expect(watchRenewalCheck(null, { outcome: 'disconnected', expiresAt: null })).toEqual({
    name: 'gmail',
    status: 'warn',
    detail: 'Gmail was disconnected while renewing the watch',
  });
});
