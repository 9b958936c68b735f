// The guardian of the caller's business: what it last checked and found, and stop / start / run
// it now. The routes only signal the workflow (guardian:<tenant>, started if it is not running) and
// read; every check and alert happens in the workflow.
import Router from '@koa/router';
import { findGuardianSettings, saveGuardianSettings } from '../../../db/guardian-settings';
import { guardianWorkflowId } from '../../../domain/workflow-ids';
import { guardianRunNowSignal, pauseSignal, resumeSignal } from '../../../workflows/guardian.contract';
import { signalGuardian } from '../../../workflow-starters/guardian';
import type { AppDeps } from '../../deps';
import type { AppState } from '../../context';
import { endpointsFor } from '../../endpoint';
import { guardianSettingsBody, guardianSettingsSchema, guardianViewSchema, runNowAccepted } from './schema';
import { guardianView } from './view';

export function guardianRouter(deps: AppDeps): Router<AppState> {
  const router = new Router<AppState>({ prefix: '/api/guardian' });
  const endpoint = endpointsFor(router, deps, 'Guardian');

  endpoint({
    method: 'get',
    path: '/',
    operationId: 'getGuardian',
    summary: 'What the guardian last checked and found',
    description:
      'Its state, when it last ran and runs next, and the last pass report: each check (postgres, gmail, stripe, twilio, claude, emails, invoices, contentSafety) ok / warn / fail with a detail, and the threads that pass flagged unsafe.',
    access: 'staff',
    responses: { 200: { description: 'The guardian', schema: guardianViewSchema } },
    async handler({ db, auth }) {
      return { status: 200, body: await guardianView(deps.temporal, db, auth.tenantId) };
    },
  });

  endpoint({
    method: 'post',
    path: '/run-now',
    operationId: 'runGuardianNow',
    summary: 'Run a pass now',
    description:
      'Answers at once; the pass runs in the guardian workflow (also while paused). Poll GET /api/guardian for its report.',
    access: 'admin',
    responses: { 202: { description: 'Asked', schema: runNowAccepted } },
    async handler({ auth, audit }) {
      await audit({ action: 'guardian.run_now', target: 'guardian' });
      await signalGuardian(deps.temporal, deps.config, auth.tenantId, guardianRunNowSignal);
      return { status: 202, body: { workflowId: guardianWorkflowId(auth.tenantId), requested: 'runNow' as const } };
    },
  });

  for (const [verb, signal, paused, operationId, summary] of [
    ['pause', pauseSignal, true, 'pauseGuardian', 'Stop the scheduled passes'],
    [
      'resume',
      resumeSignal,
      false,
      'resumeGuardian',
      'Start the scheduled passes again (a pass that fell due while paused runs at once)',
    ],
  ] as const) {
    endpoint({
      method: 'post',
      path: `/${verb}`,
      operationId,
      summary,
      access: 'admin',
      responses: { 200: { description: 'The guardian', schema: guardianViewSchema } },
      async handler({ db, auth, audit }) {
        await saveGuardianSettings(db, auth.tenantId, { paused });
        await audit({ action: `guardian.${verb}d`, target: 'guardian' });
        await signalGuardian(deps.temporal, deps.config, auth.tenantId, signal);
        const view = await guardianView(deps.temporal, db, auth.tenantId);
        // The signal is recorded; a query may have been answered a moment before the workflow saw it.
        const state = paused ? 'paused' : 'running';
        return { status: 200, body: { ...view, state, nextRunAt: paused ? null : view.nextRunAt } };
      },
    });
  }

  endpoint({
    method: 'get',
    path: '/settings',
    operationId: 'getGuardianSettings',
    summary: 'Guardian settings',
    access: 'staff',
    responses: { 200: { description: 'The settings', schema: guardianSettingsSchema } },
    async handler({ db }) {
      const settings = await findGuardianSettings(db);
      return { status: 200, body: { alertPhone: settings?.alertPhone ?? null } };
    },
  });

  endpoint({
    method: 'put',
    path: '/settings',
    operationId: 'updateGuardianSettings',
    summary: 'Change the guardian settings',
    description: 'alertPhone: high-severity findings are also texted to this number (null: email only).',
    access: 'admin',
    request: { body: guardianSettingsBody },
    responses: { 200: { description: 'The settings', schema: guardianSettingsSchema } },
    async handler({ body, db, auth, audit }) {
      const settings = await saveGuardianSettings(db, auth.tenantId, { alertPhone: body.alertPhone });
      await audit({
        action: 'guardian.settings_changed',
        target: 'guardian',
        detail: { alertPhone: settings.alertPhone ? 'set' : 'cleared' },
      });
      return { status: 200, body: { alertPhone: settings.alertPhone } };
    },
  });

  return router;
}
