import {
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import express, { Request, Response } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { EventKind } from '../database/DoraMetricsStore';
import {
  doraSyncRunPermission,
  doraTargetsUpdatePermission,
} from '../permissions';
import { DoraMetricsService } from './DoraMetricsService';
import { parseOwnerRef, parseServiceRef } from './entityRefs';

export type RouterOptions = {
  service: DoraMetricsService;
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  scheduler: SchedulerService;
  logger: LoggerService;
  /** The id of the scheduled collection task that POST /sync triggers. */
  collectionTaskId: string;
};

const BODY_LIMIT = '16kb';
const DEFAULT_DAYS = 30;

/** Validates `value` with `schema`; a failure is an InputError naming the field. */
function parse<T>(
  schema: z.ZodType<T, z.ZodTypeDef, unknown>,
  value: unknown,
  field: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = [field, ...issue.path].filter(p => p !== '').join('.');
    throw new InputError(`${path} ${issue.message}`);
  }
  return result.data;
}

const DAYS_MESSAGE = 'must be an integer from 1 to 365';
const daysSchema = z
  .string({ invalid_type_error: `must be given once and ${DAYS_MESSAGE}` })
  .regex(/^[0-9]{1,3}$/, DAYS_MESSAGE)
  .transform(Number)
  .pipe(z.number().min(1, DAYS_MESSAGE).max(365, DAYS_MESSAGE))
  .optional();

const singleString = z
  .string({ invalid_type_error: 'must be given once' })
  .min(1, 'must not be empty')
  .optional();

const EVENT_KINDS: Record<string, EventKind> = {
  deployment: 'deployments',
  change: 'changes',
  incident: 'incidents',
};
const kindSchema = singleString.transform((value, ctx) => {
  if (value === undefined) {
    return Object.values(EVENT_KINDS);
  }
  const kinds = value.split(',').map(kind => {
    const eventKind = EVENT_KINDS[kind];
    if (!eventKind) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `must list deployment, change or incident (comma-separated), not ${JSON.stringify(
          kind,
        )}`,
      });
    }
    return eventKind;
  });
  return [...new Set(kinds)];
});

// Types only: which numbers are valid targets, the core decides (DoraMetricsService).
const targetValue = z
  .number({ invalid_type_error: 'must be a number' })
  .finite('must be a finite number');
const targetsBodySchema = z
  .object(
    {
      deploymentFrequency: targetValue.optional(),
      leadTime: targetValue.optional(),
      changeFailureRate: targetValue.optional(),
      mttr: targetValue.optional(),
    },
    { invalid_type_error: 'must be a JSON object' },
  )
  .strict()
  .refine(targets => Object.keys(targets).length > 0, {
    message:
      'must set at least one of deploymentFrequency, leadTime, changeFailureRate, mttr',
  });

const syncBodySchema = z
  .object(
    { services: z.array(z.string()).max(10000).optional() },
    { invalid_type_error: 'must be a JSON object' },
  )
  .strict()
  .optional();

const jsonBodyParser = express.json({
  limit: BODY_LIMIT,
  strict: false,
  type: () => true,
});

/**
 * Reads a JSON body of at most 16 KiB. Every problem (another content type, too large,
 * malformed) is an InputError about `body`. An absent body is `undefined`.
 */
async function readJsonBody(req: Request, res: Response): Promise<unknown> {
  const length = req.headers['content-length'];
  const hasBody =
    req.headers['transfer-encoding'] !== undefined ||
    (length !== undefined && length !== '0');
  if (!hasBody) {
    return undefined;
  }
  if (!req.is('application/json')) {
    throw new InputError(
      `body must be JSON (content type application/json), not ${
        req.headers['content-type'] ?? 'untyped'
      }`,
    );
  }
  await new Promise<void>((resolve, reject) =>
    jsonBodyParser(req, res, (error?: unknown) => {
      if (!error) {
        resolve();
        return;
      }
      const type = (error as { type?: string }).type;
      reject(
        new InputError(
          type === 'entity.too.large'
            ? 'body must be at most 16 KiB'
            : 'body must be valid JSON',
        ),
      );
    }),
  );
  return req.body;
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { service, httpAuth, permissions, scheduler, logger } = options;
  const router = Router();

  const credentials = (req: Request) =>
    httpAuth.credentials(req, { allow: ['user', 'service'] });

  const authorize = async (
    creds: BackstageCredentials,
    permission: BasicPermission,
  ) => {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials: creds,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
  };

  const days = (req: Request) =>
    parse(daysSchema, req.query.days, 'days') ?? DEFAULT_DAYS;

  router.get('/scorecard/:service', async (req, res) => {
    const creds = await credentials(req);
    const entityRef = parseServiceRef(req.params.service);
    const period = days(req);
    await service.assertKnown(entityRef, creds);
    res.json(await service.scorecard(entityRef, period));
  });

  router.get('/scorecards', async (req, res) => {
    const creds = await credentials(req);
    const period = days(req);
    const ownerParam = parse(singleString, req.query.owner, 'owner');
    const owner =
      ownerParam === undefined ? undefined : parseOwnerRef(ownerParam);
    res.json({ scorecards: await service.scorecards(period, owner, creds) });
  });

  router.get('/targets/:service', async (req, res) => {
    const creds = await credentials(req);
    const entityRef = parseServiceRef(req.params.service);
    await service.assertKnown(entityRef, creds);
    res.json(await service.targets(entityRef));
  });

  router.post('/targets/:service', async (req, res) => {
    const creds = await credentials(req);
    await authorize(creds, doraTargetsUpdatePermission);
    const entityRef = parseServiceRef(req.params.service);
    const body = await readJsonBody(req, res);
    if (body === undefined) {
      throw new InputError('body must be a JSON object of targets');
    }
    const targets = parse(targetsBodySchema, body, 'body');
    await service.assertKnown(entityRef, creds);
    res.json(await service.setTargets(entityRef, targets));
  });

  router.delete('/targets/:service', async (req, res) => {
    const creds = await credentials(req);
    await authorize(creds, doraTargetsUpdatePermission);
    const entityRef = parseServiceRef(req.params.service);
    await service.assertKnown(entityRef, creds);
    await service.deleteTargets(entityRef);
    res.status(204).end();
  });

  router.get('/services', async (req, res) => {
    await credentials(req);
    res.json({ services: await service.services() });
  });

  router.get('/services/:service/events', async (req, res) => {
    const creds = await credentials(req);
    const entityRef = parseServiceRef(req.params.service);
    const period = days(req);
    const kinds = parse(kindSchema, req.query.kind, 'kind');
    await service.assertKnown(entityRef, creds);
    res.json(await service.events(entityRef, period, kinds));
  });

  router.post('/sync', async (req, res) => {
    const creds = await credentials(req);
    await authorize(creds, doraSyncRunPermission);
    const body = parse(syncBodySchema, await readJsonBody(req, res), 'body');
    const requested = (body?.services ?? []).map((ref, i) =>
      parseServiceRef(ref, `body.services.${i}`),
    );
    try {
      await scheduler.triggerTask(options.collectionTaskId);
    } catch (error) {
      // A run is in progress: it, or the next one, covers the request.
      if (!isError(error) || error.name !== 'ConflictError') {
        throw error;
      }
    }
    // Every run covers every selected service, so the requested ones are covered too.
    logger.info(
      `DORA metrics collection requested${
        requested.length ? ` for ${requested.join(', ')}` : ''
      }`,
    );
    res.status(202).json({ status: 'accepted' });
  });

  // Any other method or path under /api/dora: a JSON 404 like every other error, rather than
  // Express's empty one. (The httpRouter's own /.backstage routes come before this router.)
  router.use((req: Request) => {
    throw new NotFoundError(`No route for ${req.method} ${req.path}`);
  });

  return router;
}
