// The sandbox's deterministic judgement, so scripts can rely on which texts are flagged.
import { classifyText, draftText } from '../../src/sandbox/providers/anthropic-answers';

describe('sandbox Claude answers', () => {
  it.each([
    ['I will kill you', 'threat'],
    ["I'm going to kill myself", 'self-harm'],
    ['shut up, nobody likes you', 'harassment'],
    ['Confirm your password here to keep your account', 'phishing'],
    ['We changed our bank details, wire the money to the new account', 'fraud'],
    ['Expect to hear from my attorney', 'legal'],
    ['this is shit service', 'abuse'],
  ])('%j → %s', (text, category) => {
    expect(classifyText(text)).toMatchObject({ safe: false, category });
  });

  it('leaves ordinary mail safe, words like "skill" or "password reset worked, thanks" included', () => {
    for (const text of [
      'Can I book a skill-share session?',
      'The password reset worked, thanks!',
      'Running 5 minutes late',
    ]) {
      expect(classifyText(text)).toMatchObject({ safe: true, category: null, severity: 'none' });
    }
  });

  it('drafts a reply that follows the topic', () => {
    expect(draftText({ conversation: 'Customer: Jo Bloggs\nHow much is a cut?', system: 'Business: Bloom.' })).toMatch(
      /^Hi Jo,[\s\S]*amount[\s\S]*Bloom$/,
    );
  });
});
