import { useState } from 'react';
import { Alert, Button, Checkbox, Group, Paper, Stack, Stepper } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type {
  ChosenFile,
  ImportKind,
  ImportSummary,
  RunningImport,
} from '../../../../shared/imports';
import { useHandlerMutation, useHandlerQuery } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { BoxIcon, InfoIcon } from '../../components/icons';
import { ChooseFileStep } from './ChooseFileStep';
import { ImportProgressPanel } from './ImportProgressPanel';
import { ImportResult } from './ImportResult';
import { PreviewStep, type ImportChoices, type PreviewInput } from './PreviewStep';
import { useImportRun } from './useImportRun';

type Step = 'file' | 'preview' | 'check' | 'import';
const STEPS = ['file', 'preview', 'check', 'import', 'report'] as const;

interface Run {
  id: number;
  startedAt: number;
}

/**
 * The import, step by step: file → preview and columns → check (a dry run) → import → report.
 * Nothing is written before «Importar», and the check shows what that would do.
 */
export function ImportWizard({ onOpenInventory }: { onOpenInventory: () => void }) {
  const { t } = useTranslation();
  const [step, setStep] = useState<Step>('file');
  const [tipo, setTipo] = useState<ImportKind>('articulos');
  const [file, setFile] = useState<ChosenFile | null>(null);
  const [reading, setReading] = useState<Omit<PreviewInput, 'archivo' | 'tipo'>>({});
  const [choices, setChoices] = useState<ImportChoices>({ omitir_errores: false, sumar: false });
  const [checkRun, setCheckRun] = useState<Run | null>(null);
  const [importRun, setImportRun] = useState<Run | null>(null);
  const start = useHandlerMutation('imports/start', ['imports']);
  const check = useImportRun(checkRun);
  const imported = useImportRun(importRun);

  // Another import in this data directory (`gsih import`, another window) keeps this one waiting.
  const current = useHandlerQuery('imports/current', {}, { refetchInterval: 3000 });
  const ours = new Set([checkRun?.id, importRun?.id]);
  const foreign = current.data && !ours.has(current.data.id ?? undefined) ? current.data : null;

  const input: PreviewInput | null = file ? { archivo: file.archivo, tipo, ...reading } : null;

  const run = (simulacion: boolean, onStarted: (run: Run) => void) => {
    if (!input) return;
    start.mutate(
      {
        ...input,
        simulacion,
        omitir_errores: choices.omitir_errores,
        sumar: tipo === 'stock' && choices.sumar,
      },
      { onSuccess: ({ id }) => onStarted({ id, startedAt: Date.now() }) },
    );
  };

  const restart = () => {
    setStep('file');
    setFile(null);
    setReading({});
    setCheckRun(null);
    setImportRun(null);
    // Each file starts all or nothing: skipping rows is a choice made for one file.
    setChoices({ omitir_errores: false, sumar: false });
    start.reset();
  };

  const shown = step === 'import' && imported.summary ? 'report' : step;
  const goBackTo = (target: number) => {
    // Only back, and never away from an import that is running.
    const running =
      (step === 'check' && !check.summary) || (step === 'import' && !imported.summary);
    if (target < STEPS.indexOf(shown) && !running && shown !== 'report') {
      setStep(STEPS[target] as Step);
    }
  };

  return (
    <Paper
      withBorder
      radius="md"
      p="lg"
      mb="lg"
      component="section"
      aria-label={t('imports.title')}
    >
      <Stepper
        active={STEPS.indexOf(shown)}
        onStepClick={goBackTo}
        size="sm"
        mb="xl"
        allowNextStepsSelect={false}
      >
        {STEPS.map((id) => (
          <Stepper.Step
            key={id}
            label={t(`imports.steps.${id}`)}
            description={t(`imports.steps.${id}Description`)}
          />
        ))}
      </Stepper>

      {foreign && <ForeignImport running={foreign} />}
      {start.isError && (
        <ErrorAlert
          error={start.error}
          title={t('imports.actions.startFailed')}
          onClose={() => start.reset()}
        />
      )}

      {shown === 'file' && (
        <ChooseFileStep
          tipo={tipo}
          onTipo={(next) => {
            setTipo(next);
            setReading({});
          }}
          file={file}
          onChosen={(chosen) => {
            setFile(chosen);
            setReading({});
            setStep('preview');
          }}
          onNext={() => setStep('preview')}
        />
      )}

      {shown === 'preview' && input && (
        <PreviewStep
          input={input}
          onInput={(patch) => setReading((previous) => ({ ...previous, ...patch }))}
          choices={choices}
          onChoices={(patch) => setChoices((previous) => ({ ...previous, ...patch }))}
          onBack={() => setStep('file')}
          starting={start.isPending}
          blocked={foreign !== null}
          onCheck={() =>
            run(true, (started) => {
              setCheckRun(started);
              setStep('check');
            })
          }
        />
      )}

      {shown === 'check' &&
        checkRun &&
        (check.summary ? (
          <CheckOutcome
            summary={check.summary}
            choices={choices}
            onChoices={(patch) => setChoices((previous) => ({ ...previous, ...patch }))}
            onBack={() => setStep('preview')}
            starting={start.isPending}
            blocked={foreign !== null}
            onImport={() =>
              run(false, (started) => {
                setImportRun(started);
                setStep('import');
              })
            }
          />
        ) : (
          <ImportProgressPanel
            id={checkRun.id}
            title={t('imports.progress.checking', { nombre: file?.nombre ?? '' })}
            progress={check.progress}
          />
        ))}

      {shown === 'import' && importRun && (
        <ImportProgressPanel
          id={importRun.id}
          title={t('imports.progress.importing', { nombre: file?.nombre ?? '' })}
          progress={imported.progress}
        />
      )}

      {shown === 'report' && imported.summary && (
        <ImportResult
          summary={imported.summary}
          actions={
            <>
              {imported.summary.estado === 'COMPLETADA' && (
                <Button
                  variant="default"
                  leftSection={<BoxIcon size={16} />}
                  onClick={onOpenInventory}
                >
                  {t('imports.actions.openInventory')}
                </Button>
              )}
              <Button onClick={restart}>{t('imports.actions.another')}</Button>
            </>
          }
        />
      )}
      {(check.error || imported.error) && <ErrorAlert error={check.error ?? imported.error} />}
    </Paper>
  );
}

/** The dry run's result, and the way on: import (everything, or only the valid rows) or back. */
function CheckOutcome(props: {
  summary: ImportSummary;
  choices: ImportChoices;
  onChoices: (patch: Partial<ImportChoices>) => void;
  onBack: () => void;
  onImport: () => void;
  starting: boolean;
  blocked: boolean;
}) {
  const { t } = useTranslation();
  const { summary, choices } = props;
  const valid = summary.creados + summary.actualizados + summary.sin_cambios;
  const rowsRejected = summary.rechazados > 0 && valid > 0;
  const clean = summary.estado === 'COMPLETADA' && summary.rechazados === 0;
  const importable = clean || (rowsRejected && choices.omitir_errores);
  return (
    <Stack gap="md">
      <ImportResult summary={summary} check={{ skipErrors: choices.omitir_errores }} />
      {rowsRejected && (
        <Checkbox
          label={t('imports.options.skipErrors')}
          description={t('imports.options.skipErrorsHelp')}
          checked={choices.omitir_errores}
          onChange={(event) => props.onChoices({ omitir_errores: event.currentTarget.checked })}
        />
      )}
      <Group justify="space-between">
        <Button variant="default" onClick={props.onBack}>
          {t('imports.actions.back')}
        </Button>
        <Button
          disabled={!importable || props.blocked}
          loading={props.starting}
          onClick={props.onImport}
        >
          {rowsRejected && choices.omitir_errores
            ? t('imports.actions.importValid', { count: valid })
            : t('imports.actions.import')}
        </Button>
      </Group>
    </Stack>
  );
}

/** An import this wizard did not start: after a reload (still ours), or `gsih import`'s. */
function ForeignImport({ running }: { running: RunningImport }) {
  const { t, i18n } = useTranslation();
  const hora = new Date(running.fecha_inicio).toLocaleTimeString(i18n.language, {
    hour: '2-digit',
    minute: '2-digit',
  });
  if (running.propia && running.id !== null) {
    return (
      <Stack gap="xs" mb="lg">
        <Alert color="blue" variant="light" icon={<InfoIcon />}>
          {t('imports.running.resumed', {
            archivo: running.archivo,
            tipo: t(`imports.kinds.${running.tipo}`),
          })}
        </Alert>
        <ImportProgressPanel
          id={running.id}
          title={t('imports.progress.importing', { nombre: running.archivo })}
          progress={running.progreso}
        />
      </Stack>
    );
  }
  return (
    <Alert color="yellow" variant="light" icon={<InfoIcon />} mb="lg">
      {t('imports.running.elsewhere', {
        archivo: running.archivo,
        tipo: t(`imports.kinds.${running.tipo}`),
        hora,
        quien:
          running.origen === 'cli'
            ? t('imports.running.cli', { pid: running.pid })
            : t('imports.running.app', { pid: running.pid }),
      })}
    </Alert>
  );
}
