'use client';

import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { startGenerationMutation } from '@/lib/client/generation-mutations';
import { requestHeadingFocus } from '@/lib/client/focus-request';
import { comfyStatusQuery } from '@/lib/client/queries';
import { sessionPath } from '@/lib/client/routes';
import { conflictOf, draftOf } from '@/lib/client/store';
import type { Setup } from '@/lib/sessions/schema';
import { setupScope } from '@/lib/sessions/setup-lock';
import { serverRefusal, serverUrls } from '@/lib/setup/start';
import { LoraMetadata } from './lora-metadata';
import { PromptGenerator } from './prompt-generator';
import { useOpenSession } from './session-context';
import { ComfyField, unreachable } from './setup-comfy';
import { PromptsField, SamplerField } from './setup-fields';
import { EvaluationFields, GridFields } from './setup-grid';
import { StartBar } from './setup-start';
import { useSaveSetup } from './use-save-setup';
import { SetupValidationContext, useSetupValidation } from './use-setup-validation';
import { useWorkbench, useWorkbenchStore } from './workbench-provider';
import { WorkflowField } from './workflow-field';

/** What Setup says above its fields once generation has started, by what may still change (lib/sessions/setup-lock.ts). */
function LockBanner({ scope, status, error }: { scope: 'all' | 'server' | 'none'; status: string; error: string | null }) {
  if (scope === 'none') return <p className="banner info">Generation has started, so Setup is read-only for this session.</p>;
  const why = error ? `: ${error}` : '';
  return scope === 'all' ? (
    <p className="banner warning" data-testid="setup-correctable">
      Generation {status} before any image was made{why}. Correct Setup below and start again.
    </p>
  ) : (
    <p className="banner warning" data-testid="setup-correctable">
      Generation {status}
      {why}. Images exist, so only the ComfyUI server URL can change here: fix it and resume (Relaunch starts a new Setup).
    </p>
  );
}

/** Step 1: ComfyUI server, model files, strengths, seeds, prompts, metrics and sampler settings. */
export function SetupTab() {
  const session = useOpenSession();
  const id = session.session_id;
  const store = useWorkbenchStore();
  const client = useQueryClient();
  const router = useRouter();
  const draft = useWorkbench(draftOf(id));
  const conflict = useWorkbench(conflictOf(id));
  const save = useSaveSetup();
  const start = useMutation(startGenerationMutation());
  const setup = draft?.setup ?? session.step_1_setup;
  const editSetup = (next: Setup) => store.getState().editSetup(id, session.revision, next);
  const started = session.step_2_generation.generation_started;
  const scope = setupScope(session);
  const locked = scope !== 'all';
  // The server the status light, the model lists and the LoRA metadata come from: checked on mount and on demand
  // (blur, Check), not on every keystroke.
  // With several servers, the first stands for the list here (as on the server); Start asks each of them.
  const [checkedUrl, setCheckedUrl] = useState(serverUrls(setup.comfyui_url)[0]!);
  const probe = useQuery(comfyStatusQuery(checkedUrl));
  const status = probe.data ?? (probe.error ? unreachable(checkedUrl, probe.error) : null);
  const check = (urls: string) => {
    const url = serverUrls(urls)[0]!;
    if (url === checkedUrl) void probe.refetch();
    else setCheckedUrl(url);
  };
  const { validation, attempt, attempted, visible } = useSetupValidation(setup);
  const [refusal, setRefusal] = useState<string | null>(null);

  // Between the click and the server's answer (the status check, the save): a second click does nothing.
  const [starting, setStarting] = useState(false);
  const startGeneration = async () => {
    setRefusal(null);
    if (starting || !attempt()) return;
    setStarting(true);
    try {
      // Asked again now, whatever the light showed: a start against a server that does not answer is refused here.
      const statuses = await Promise.all(
        serverUrls(setup.comfyui_url).map((url) =>
          client.fetchQuery({ ...comfyStatusQuery(url), staleTime: 0 }).catch((err: unknown) => unreachable(url, err)),
        ),
      );
      const refused = serverRefusal(statuses);
      if (refused) {
        setRefusal(refused);
        document.getElementById('comfy-url')?.focus();
        return;
      }
      if (await save())
        start.mutate(id, {
          onSuccess: () => {
            requestHeadingFocus();
            router.push(sessionPath(id, 2));
          },
        });
    } finally {
      setStarting(false);
    }
  };

  return (
    <SetupValidationContext.Provider value={validation}>
      <div className="setup">
        {started && <LockBanner scope={scope} status={session.status} error={session.error_message} />}
        <ComfyField
          setup={setup}
          disabled={scope === 'none'}
          urlOnly={scope === 'server'}
          onChange={editSetup}
          status={status}
          checking={probe.isFetching}
          check={check}
        />
        {setup.lora_filename && (
          <LoraMetadata
            url={checkedUrl}
            lora={setup.lora_filename}
            checkpoint={setup.checkpoint}
            disabled={locked}
            onUseTriggers={(trigger_words) => editSetup({ ...setup, trigger_words })}
          />
        )}
        <WorkflowField value={setup.workflow} disabled={locked} onChange={(workflow) => editSetup({ ...setup, workflow })} />
        <GridFields setup={setup} disabled={locked} editSetup={editSetup} />
        <EvaluationFields setup={setup} disabled={locked} editSetup={editSetup} />
        <PromptsField setup={setup} disabled={locked} onChange={editSetup} />
        {!locked && (
          <PromptGenerator
            triggerWords={setup.trigger_words}
            disabled={locked}
            onUse={(prompts) =>
              editSetup({ ...setup, prompt_pairs: prompts.map((p) => ({ ...p, append_trigger: Boolean(setup.trigger_words.trim()) })) })
            }
            onUseMetrics={(metrics) => editSetup({ ...setup, metrics })}
          />
        )}
        {/* A workflow keeps its own sampler settings. */}
        {!setup.workflow && (
          <SamplerField
            setup={setup}
            disabled={locked}
            onChange={editSetup}
            samplers={status?.samplers ?? []}
            schedulers={status?.schedulers ?? []}
          />
        )}
        {scope !== 'none' && (
          <StartBar
            setup={setup}
            resume={started && scope === 'server'}
            busy={starting || start.isPending}
            blocked={conflict}
            refusal={refusal}
            problems={attempted ? visible : []}
            onStart={() => void startGeneration()}
          />
        )}
      </div>
    </SetupValidationContext.Provider>
  );
}
