/**
 * The DORA metrics backend plugin for Backstage.
 *
 * @packageDocumentation
 */

export { doraMetricsPlugin as default } from './plugin';
export {
  doraPermissions,
  doraSyncRunPermission,
  doraTargetsUpdatePermission,
} from './permissions';
