// Every route module under app/api, keyed by its folder (e.g. `sessions/[id]/copy`). A guard test keeps this list
// equal to the folders on disk, so a new route cannot miss the API suites.
import * as anyPathRoute from '@/app/api/[[...path]]/route';
import * as comfyLoraMetadataRoute from '@/app/api/comfy/lora-metadata/route';
import * as comfyStatusRoute from '@/app/api/comfy/status/route';
import * as compareRoute from '@/app/api/compare/route';
import * as healthRoute from '@/app/api/health/route';
import * as loginRoute from '@/app/api/login/route';
import * as promptsGenerateRoute from '@/app/api/prompts/generate/route';
import * as promptsMetricsRoute from '@/app/api/prompts/metrics/route';
import * as rateLinkBlindTokenSideRoute from '@/app/api/rate/[link]/blind/[token]/[side]/route';
import * as rateLinkJudgmentsLastRoute from '@/app/api/rate/[link]/judgments/last/route';
import * as rateLinkJudgmentsRoute from '@/app/api/rate/[link]/judgments/route';
import * as rateLinkRoute from '@/app/api/rate/[link]/route';
import * as rateLeaveRoute from '@/app/api/rate/leave/route';
import * as sessionsIdBlindTokenSideRoute from '@/app/api/sessions/[id]/blind/[token]/[side]/route';
import * as sessionsIdCopyRoute from '@/app/api/sessions/[id]/copy/route';
import * as sessionsIdEvaluationRoute from '@/app/api/sessions/[id]/evaluation/route';
import * as sessionsIdEventsRoute from '@/app/api/sessions/[id]/events/route';
import * as sessionsIdExportFormatRoute from '@/app/api/sessions/[id]/export/[format]/route';
import * as sessionsIdGenerationCancelRoute from '@/app/api/sessions/[id]/generation/cancel/route';
import * as sessionsIdGenerationPauseRoute from '@/app/api/sessions/[id]/generation/pause/route';
import * as sessionsIdGenerationRoute from '@/app/api/sessions/[id]/generation/route';
import * as sessionsIdGridPromptRoute from '@/app/api/sessions/[id]/grid/[prompt]/route';
import * as sessionsIdImagesFileRoute from '@/app/api/sessions/[id]/images/[file]/route';
import * as sessionsIdJudgmentsLastRoute from '@/app/api/sessions/[id]/judgments/last/route';
import * as sessionsIdJudgmentsRoute from '@/app/api/sessions/[id]/judgments/route';
import * as sessionsIdLogFormatRoute from '@/app/api/sessions/[id]/log/[format]/route';
import * as sessionsIdLogRoute from '@/app/api/sessions/[id]/log/route';
import * as sessionsIdLookedRoute from '@/app/api/sessions/[id]/looked/route';
import * as sessionsIdMigrateRoute from '@/app/api/sessions/[id]/migrate/route';
import * as sessionsIdRatersRoute from '@/app/api/sessions/[id]/raters/route';
import * as sessionsIdRelaunchRoute from '@/app/api/sessions/[id]/relaunch/route';
import * as sessionsIdReportRoute from '@/app/api/sessions/[id]/report/route';
import * as sessionsIdSimilarityRoute from '@/app/api/sessions/[id]/similarity/route';
import * as sessionsIdRoute from '@/app/api/sessions/[id]/route';
import * as sessionsIdThumbnailRoute from '@/app/api/sessions/[id]/thumbnail/route';
import * as sessionsIdThumbsFileRoute from '@/app/api/sessions/[id]/thumbs/[file]/route';
import * as sessionsCleanupRoute from '@/app/api/sessions/cleanup/route';
import * as sessionsImportRoute from '@/app/api/sessions/import/route';
import * as sessionsRoute from '@/app/api/sessions/route';
import * as trashNameRestoreRoute from '@/app/api/trash/[name]/restore/route';
import * as trashRoute from '@/app/api/trash/route';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
export const METHODS: Method[] = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
export type RouteModule = Partial<Record<Method, unknown>>;

export const ROUTE_MODULES: Record<string, RouteModule> = {
  '[[...path]]': anyPathRoute,
  'comfy/lora-metadata': comfyLoraMetadataRoute,
  'comfy/status': comfyStatusRoute,
  compare: compareRoute,
  health: healthRoute,
  login: loginRoute,
  'prompts/generate': promptsGenerateRoute,
  'prompts/metrics': promptsMetricsRoute,
  'rate/[link]': rateLinkRoute,
  'rate/[link]/blind/[token]/[side]': rateLinkBlindTokenSideRoute,
  'rate/[link]/judgments': rateLinkJudgmentsRoute,
  'rate/[link]/judgments/last': rateLinkJudgmentsLastRoute,
  'rate/leave': rateLeaveRoute,
  sessions: sessionsRoute,
  'sessions/[id]': sessionsIdRoute,
  'sessions/[id]/blind/[token]/[side]': sessionsIdBlindTokenSideRoute,
  'sessions/[id]/copy': sessionsIdCopyRoute,
  'sessions/[id]/evaluation': sessionsIdEvaluationRoute,
  'sessions/[id]/events': sessionsIdEventsRoute,
  'sessions/[id]/export/[format]': sessionsIdExportFormatRoute,
  'sessions/[id]/generation': sessionsIdGenerationRoute,
  'sessions/[id]/generation/cancel': sessionsIdGenerationCancelRoute,
  'sessions/[id]/generation/pause': sessionsIdGenerationPauseRoute,
  'sessions/[id]/grid/[prompt]': sessionsIdGridPromptRoute,
  'sessions/[id]/images/[file]': sessionsIdImagesFileRoute,
  'sessions/[id]/judgments': sessionsIdJudgmentsRoute,
  'sessions/[id]/judgments/last': sessionsIdJudgmentsLastRoute,
  'sessions/[id]/log': sessionsIdLogRoute,
  'sessions/[id]/log/[format]': sessionsIdLogFormatRoute,
  'sessions/[id]/looked': sessionsIdLookedRoute,
  'sessions/[id]/migrate': sessionsIdMigrateRoute,
  'sessions/[id]/raters': sessionsIdRatersRoute,
  'sessions/[id]/relaunch': sessionsIdRelaunchRoute,
  'sessions/[id]/report': sessionsIdReportRoute,
  'sessions/[id]/similarity': sessionsIdSimilarityRoute,
  'sessions/[id]/thumbnail': sessionsIdThumbnailRoute,
  'sessions/[id]/thumbs/[file]': sessionsIdThumbsFileRoute,
  'sessions/cleanup': sessionsCleanupRoute,
  'sessions/import': sessionsImportRoute,
  trash: trashRoute,
  'trash/[name]/restore': trashNameRestoreRoute,
};
