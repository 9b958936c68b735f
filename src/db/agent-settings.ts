// The reply agent's settings per tenant; a tenant that never saved any gets the defaults (on,
// nothing sent without a person, drafts kept 48 hours, an empty profile).
import { z } from 'zod';
import { DEFAULT_DRAFT_TTL_HOURS } from '../domain/agent';
import { sql, type Db } from './sql';

export const businessProfileSchema = z.object({
  description: z.string().default(''),
  services: z.string().default(''),
  hours: z.string().default(''),
  policies: z.string().default(''),
  faq: z.array(z.object({ q: z.string(), a: z.string() })).default([]),
  signature: z.string().default(''),
});
export type BusinessProfile = z.infer<typeof businessProfileSchema>;

export interface AgentSettings {
  enabled: boolean;
  autoSend: 'off' | 'safe_only';
  draftTtlHours: number;
  businessProfile: BusinessProfile;
}

const settingsRow = z.object({
  enabled: z.boolean(),
  autoSend: z.enum(['off', 'safe_only']),
  draftTtlHours: z.number().int(),
  businessProfile: z.unknown(),
});

export const DEFAULT_AGENT_SETTINGS: AgentSettings = {
  enabled: true,
  autoSend: 'off',
  draftTtlHours: DEFAULT_DRAFT_TTL_HOURS,
  businessProfile: businessProfileSchema.parse({}),
};

export async function findAgentSettings(db: Db, tenantId: string): Promise<AgentSettings> {
  const row = await db.maybeOne(sql.type(settingsRow)`
    SELECT enabled, auto_send AS "autoSend", draft_ttl_hours AS "draftTtlHours", business_profile AS "businessProfile"
      FROM agent_settings WHERE tenant_id = ${tenantId}`);
  if (!row) return DEFAULT_AGENT_SETTINGS;
  return {
    enabled: row.enabled,
    autoSend: row.autoSend,
    draftTtlHours: row.draftTtlHours,
    businessProfile: businessProfileSchema.parse(row.businessProfile ?? {}),
  };
}

export async function saveAgentSettings(db: Db, tenantId: string, s: AgentSettings): Promise<AgentSettings> {
  await db.query(sql.typeAlias('void')`
    INSERT INTO agent_settings (tenant_id, enabled, auto_send, draft_ttl_hours, business_profile)
    VALUES (${tenantId}, ${s.enabled}, ${s.autoSend}, ${s.draftTtlHours}, ${sql.jsonb(s.businessProfile)})
    ON CONFLICT (tenant_id) DO UPDATE
      SET enabled = EXCLUDED.enabled, auto_send = EXCLUDED.auto_send, draft_ttl_hours = EXCLUDED.draft_ttl_hours,
          business_profile = EXCLUDED.business_profile, updated_at = now()`);
  return findAgentSettings(db, tenantId);
}
