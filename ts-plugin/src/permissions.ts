import { createPermission } from '@backstage/plugin-permission-common';

/** Setting or removing a service's own targets (POST and DELETE /targets/:service). */
export const doraTargetsUpdatePermission = createPermission({
  name: 'dora.targets.update',
  attributes: { action: 'update' },
});

/** Starting a collection run (POST /sync). */
export const doraSyncRunPermission = createPermission({
  name: 'dora.sync.run',
  attributes: {},
});

export const doraPermissions = [
  doraTargetsUpdatePermission,
  doraSyncRunPermission,
];
