// Per-tenant guardian settings: the pause the owner last asked for (what the API shows when the
// workflow cannot answer) and the phone number high-severity alerts are texted to.
import { z } from 'zod';
import { sql, type Db } from './sql';

export const guardianSettingsRow = z.object({
  paused: z.boolean(),
  alertPhone: z.string().nullable(),
  updatedAt: z.date(),
});
export type GuardianSettings = z.infer<typeof guardianSettingsRow>;

const DEFAULTS = { paused: false, alertPhone: null };

export async function findGuardianSettings(db: Db): Promise<GuardianSettings | null> {
  return db.maybeOne(sql.type(guardianSettingsRow)`
    SELECT paused, alert_phone AS "alertPhone", updated_at AS "updatedAt" FROM guardian_settings`);
}

export async function saveGuardianSettings(
  db: Db,
  tenantId: string,
  change: { paused?: boolean; alertPhone?: string | null },
): Promise<GuardianSettings> {
  const current = (await findGuardianSettings(db)) ?? DEFAULTS;
  const next = {
    paused: change.paused ?? current.paused,
    alertPhone: change.alertPhone !== undefined ? change.alertPhone : current.alertPhone,
  };
  return db.one(sql.type(guardianSettingsRow)`
    INSERT INTO guardian_settings (tenant_id, paused, alert_phone) VALUES (${tenantId}, ${next.paused}, ${next.alertPhone})
    ON CONFLICT (tenant_id) DO UPDATE SET paused = EXCLUDED.paused, alert_phone = EXCLUDED.alert_phone, updated_at = now()
    RETURNING paused, alert_phone AS "alertPhone", updated_at AS "updatedAt"`);
}
