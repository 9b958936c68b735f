// Loaded by path inside the workflow sandbox too (DataConverter.failureConverterPath), so it may
// import only @temporalio/common. encodeCommonAttributes moves failure messages and stack traces
// into a payload, which the encryption codec then encrypts: an error can quote an email address.
import { DefaultFailureConverter } from '@temporalio/common';

export const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
