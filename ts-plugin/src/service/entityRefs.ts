import {
  makeValidator,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

const validator = makeValidator();

/**
 * A service as a path parameter: a bare entity name (`component:default/<name>`) or a full
 * entity ref. Returns the ref lower-cased, as the plugin stores it (entity refs compare
 * case-insensitively in Backstage). Anything else is an InputError naming `field`.
 */
export function parseServiceRef(value: string, field = 'service'): string {
  return parseRef(value, field, 'component');
}

/** An owner (`?owner=`): a group name or a full entity ref. */
export function parseOwnerRef(value: string, field = 'owner'): string {
  return parseRef(value, field, 'group');
}

function parseRef(value: string, field: string, defaultKind: string): string {
  const invalid = () =>
    new InputError(
      `${field} must be an entity name or a full entity ref (kind:namespace/name), got ${JSON.stringify(
        value.length > 100 ? `${value.slice(0, 100)}...` : value,
      )}`,
    );
  if (validator.isValidEntityName(value)) {
    return stringifyEntityRef({
      kind: defaultKind,
      namespace: 'default',
      name: value,
    }).toLocaleLowerCase('en-US');
  }
  let ref;
  try {
    ref = parseEntityRef(value, { defaultKind, defaultNamespace: 'default' });
  } catch {
    throw invalid();
  }
  if (
    !validator.isValidKind(ref.kind) ||
    !validator.isValidNamespace(ref.namespace) ||
    !validator.isValidEntityName(ref.name)
  ) {
    throw invalid();
  }
  return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
}
