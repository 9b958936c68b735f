// The one data converter for every Temporal client and worker: payloads encrypted by the codec,
// failure messages and stack traces encrypted with them.
import type { DataConverter } from '@temporalio/common';
import { EncryptionCodec } from './payload-codec';

export const FAILURE_CONVERTER_PATH = require.resolve('./failure-converter');

export function createDataConverter(keys: {
  encryptionKey: string;
  previousEncryptionKeys: readonly string[];
}): DataConverter {
  return {
    payloadCodecs: [new EncryptionCodec(keys.encryptionKey, keys.previousEncryptionKeys)],
    failureConverterPath: FAILURE_CONVERTER_PATH,
  };
}
