// Which mail the reply agent leaves alone, and when safe_only lets a draft go without a person.
import { isAutomatedSender, mayAutoSend } from '../../src/domain/agent';

describe('isAutomatedSender', () => {
  it.each([
    'no-reply@shop.example',
    'noreply@shop.example',
    'do-not-reply@bank.example',
    'MAILER-DAEMON@mx.example',
    'newsletter@supplies.example',
    'notifications+abc@app.example',
  ])('%s is automated', (from) => expect(isAutomatedSender(from, {})).toBe(true));

  it.each([
    [{ 'list-id': '<deals.supplies.example>' }],
    [{ 'list-unsubscribe': '<mailto:u@supplies.example>' }],
    [{ precedence: 'bulk' }],
    [{ 'auto-submitted': 'auto-replied' }],
  ])('a person-looking sender with %j is automated', (headers) =>
    expect(isAutomatedSender('ada@client.example', headers)).toBe(true),
  );

  it('a client writing is not', () => {
    expect(isAutomatedSender('ada@client.example', { 'auto-submitted': 'no' })).toBe(false);
    expect(isAutomatedSender('reply.guy@client.example', {})).toBe(false);
  });
});

describe('mayAutoSend', () => {
  const slot = { name: 'find_free_slots', input: {}, output: { items: [{ startAt: '2026-12-08T10:00:00.000Z' }] } };
  const noSlot = { name: 'find_free_slots', input: {}, output: { items: [] } };
  const invoice = { name: 'list_open_invoices', input: {}, output: { items: [{ amount: '$40.00' }] } };

  it('never with autoSend off, or unless the guardian screened the message safe', () => {
    expect(mayAutoSend({ autoSend: 'off', screenedSafe: true, toolCalls: [] })).toBe(false);
    expect(mayAutoSend({ autoSend: 'safe_only', screenedSafe: null, toolCalls: [] })).toBe(false);
    expect(mayAutoSend({ autoSend: 'safe_only', screenedSafe: false, toolCalls: [] })).toBe(false);
  });

  it('a safe message answered without a time or an amount goes', () => {
    expect(mayAutoSend({ autoSend: 'safe_only', screenedSafe: true, toolCalls: [] })).toBe(true);
    expect(mayAutoSend({ autoSend: 'safe_only', screenedSafe: true, toolCalls: [noSlot] })).toBe(true);
  });

  it('a tool answer with a time or an amount waits for a person', () => {
    expect(mayAutoSend({ autoSend: 'safe_only', screenedSafe: true, toolCalls: [slot] })).toBe(false);
    expect(mayAutoSend({ autoSend: 'safe_only', screenedSafe: true, toolCalls: [noSlot, invoice] })).toBe(false);
  });
});
