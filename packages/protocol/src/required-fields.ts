import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { type ReflectMessage, reflect } from '@bufbuild/protobuf/reflect';

/** google.protobuf.FeatureSet.FieldPresence.LEGACY_REQUIRED, i.e. proto2 `required`. */
const LEGACY_REQUIRED = 3;

/**
 * protobuf-es decodes proto2 messages without checking `required` fields, so a control message
 * could arrive without, say, its credentials. Returns the path of the first required field that
 * is not set (e.g. `setCredentials.credentials.akid`), or undefined when all are.
 */
export function findMissingRequired<Desc extends DescMessage>(
  desc: Desc,
  message: MessageShape<Desc>,
): string | undefined {
  return walk(reflect(desc, message, false), '');
}

function walk(msg: ReflectMessage, path: string): string | undefined {
  for (const field of msg.fields) {
    const here = path === '' ? field.localName : `${path}.${field.localName}`;
    if (!msg.isSet(field)) {
      if (field.presence === LEGACY_REQUIRED) return here;
      continue;
    }
    if (field.fieldKind === 'message') {
      const missing = walk(msg.get(field), here);
      if (missing !== undefined) return missing;
    } else if (field.fieldKind === 'list' && field.listKind === 'message') {
      let i = 0;
      for (const item of msg.get(field)) {
        const missing = walk(item as ReflectMessage, `${here}[${i++}]`);
        if (missing !== undefined) return missing;
      }
    }
  }
  return undefined;
}
