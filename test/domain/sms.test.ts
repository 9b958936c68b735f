import { deliveryStatusOf, smsKeywordOf } from '../../src/domain/sms';

it.each([
  ['STOP', 'stop'],
  [' stop ', 'stop'],
  ['Stop.', 'stop'],
  ['stop all', 'stop'],
  ['UNSUBSCRIBE', 'stop'],
  ['cancel', 'stop'],
  ['start', 'start'],
  ['UNSTOP', 'start'],
  ['yes', 'start'],
  ['help', 'help'],
  ['Info', 'help'],
  ['please stop texting me', null],
  ['Can I book for 3pm?', null],
  ['', null],
])('%j is the keyword %s', (body, keyword) => {
  expect(smsKeywordOf(body)).toBe(keyword);
});

it("maps Twilio's statuses onto ours", () => {
  expect(
    ['queued', 'accepted', 'sending', 'sent', 'delivered', 'read', 'undelivered', 'failed'].map(deliveryStatusOf),
  ).toEqual([null, null, null, 'sent', 'delivered', 'delivered', 'undelivered', 'failed']);
});
