import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readDoraMetricsConfig } from './config';
import { DoraMetricsStore } from './database/DoraMetricsStore';
import { doraPermissions } from './permissions';
import { DoraCollector } from './service/DoraCollector';
import { DoraMetricsService } from './service/DoraMetricsService';
import { GitHubCollector } from './service/GitHubCollector';
import { createRouter } from './service/router';

/** The id of the scheduled collection task (POST /sync triggers it). */
export const COLLECTION_TASK_ID = 'dora-metrics-collection';

/**
 * The DORA metrics backend plugin: serves scorecards under /api/dora and collects on a
 * schedule.
 *
 * @public
 */
export const doraMetricsPlugin = createBackendPlugin({
  pluginId: 'dora',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        scheduler: coreServices.scheduler,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        database,
        scheduler,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        catalog,
      }) {
        // A bad value stops the plugin here, with a message naming its key.
        const doraConfig = readDoraMetricsConfig(config);
        const store = await DoraMetricsStore.create({ database });
        permissionsRegistry.addPermissions(doraPermissions);

        const github = new GitHubCollector({
          rootConfig: config,
          config: doraConfig,
          store,
          logger,
        });
        const collector = new DoraCollector({
          catalog,
          auth,
          store,
          config: doraConfig,
          logger,
          eventCollector: github,
          secrets: () => github.secrets(),
        });
        // A global task: with several backend instances on one database, the scheduler's lock
        // lets one of them run a collection at a time.
        await scheduler.scheduleTask({
          id: COLLECTION_TASK_ID,
          scope: 'global',
          frequency: { minutes: doraConfig.intervalMinutes },
          // Also how long the lock of a run that died stays held: kept short, since a run
          // cut short keeps what it stored and the next run goes on from there.
          timeout: doraConfig.runTimeout,
          initialDelay: { seconds: 15 },
          fn: async signal => {
            await collector.runWithRetries({
              signal,
              retries: 3,
              retryDelayMs: 20_000,
            });
          },
        });

        httpRouter.use(
          await createRouter({
            service: new DoraMetricsService({
              store,
              catalog,
              config: doraConfig,
            }),
            httpAuth,
            permissions,
            scheduler,
            logger,
            collectionTaskId: COLLECTION_TASK_ID,
          }),
        );
      },
    });
  },
});
