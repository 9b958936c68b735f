// The TwiML answer to an inbound text, built with the Twilio SDK's own builder (it escapes the
// text): a reply message, or an empty <Response/> that tells Twilio to send nothing.
import twilio from 'twilio';

export function twiml(reply: string | null): string {
  const response = new twilio.twiml.MessagingResponse();
  if (reply) response.message(reply);
  return response.toString();
}
