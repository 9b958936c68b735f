// Stand-in credentials for sandbox mode, used only when the real variable is unset. The sandbox
// accepts them; real providers would reject them, and production refuses sandbox mode at boot.
export const SANDBOX_CREDENTIALS = {
  googleClientId: 'frontdesk-sandbox.apps.googleusercontent.com',
  googleClientSecret: 'sandbox-google-client-secret',
  stripeSecretKey: 'sk_test_frontdesk_sandbox',
  twilioAccountSid: 'AC00000000000000000000000000000000',
  twilioAuthToken: 'sandbox-twilio-auth-token',
  // Twilio's documented magic "from" number for test credentials.
  twilioFromNumber: '+15005550006',
  anthropicApiKey: 'sk-ant-sandbox',
  openaiApiKey: 'sk-openai-sandbox',
} as const;
