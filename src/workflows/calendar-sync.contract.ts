// The calendarSync contract: one calendar a business books into (its calendar_sync row) in; the
// signal the Calendar webhook sends after a verified push, and the status query ops read.
import { defineQuery, defineSignal } from '@temporalio/workflow';

export interface CalendarSyncCarry {
  passes: number;
  notifications: number;
  owed: boolean;
  watchExpiresAt: string | null;
  lastPass: CalendarPassSummary | null;
}

export interface CalendarSyncInput {
  tenantId: string;
  calendarSyncId: string;
  /** A pass runs at least this often, pushes or not (Google may drop notifications). */
  fallbackIntervalMs: number;
  /** The push channel is renewed this long before it expires. */
  renewBeforeMs: number;
  /** From the previous run, after continue-as-new. */
  carried?: CalendarSyncCarry;
}

export interface CalendarPassSummary {
  at: string;
  trigger: 'start' | 'notification' | 'fallback';
  /** Changes read, and bookings they moved or cancelled. */
  changes?: number;
  applied?: number;
  fullSync?: boolean;
  error?: string;
}

export interface CalendarSyncStatus {
  state: 'waiting' | 'syncing' | 'renewing';
  passes: number;
  notifications: number;
  watchExpiresAt: string | null;
  watchError: string | null;
  lastPass: CalendarPassSummary | null;
}

/** A verified push said the calendar changed: a pass is due. */
export const calendarChangedSignal = defineSignal('calendarChanged');
export const calendarSyncStatusQuery = defineQuery<CalendarSyncStatus>('status');
