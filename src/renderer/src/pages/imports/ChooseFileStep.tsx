import { useState, type DragEvent } from 'react';
import {
  Alert,
  Button,
  FileButton,
  Group,
  Loader,
  Paper,
  Radio,
  SimpleGrid,
  Stack,
  Text,
  ThemeIcon,
  Title,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import {
  IMPORT_KINDS,
  MAX_UPLOAD_BYTES,
  type ChosenFile,
  type ImportKind,
} from '../../../../shared/imports';
import { useBridgeFiles, useClient } from '../../api/ClientContext';
import { ErrorAlert } from '../../components/ErrorAlert';
import { AlertIcon, FileIcon, UploadIcon } from '../../components/icons';
import { useImportFormat } from './importFormat';

/**
 * Step 1: what is being imported, and the file. The desktop app opens its own file dialog; the
 * browser sends the file to the service (click or drop). Either way the core answers with a token.
 */
export function ChooseFileStep(props: {
  tipo: ImportKind;
  onTipo: (tipo: ImportKind) => void;
  file: ChosenFile | null;
  onChosen: (file: ChosenFile) => void;
  onNext: () => void;
}) {
  const { t } = useTranslation();
  const format = useImportFormat();
  const client = useClient();
  const bridge = useBridgeFiles();
  const [sending, setSending] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tooLarge, setTooLarge] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  const choose = async (pick: () => Promise<ChosenFile | null>, name: string | null) => {
    setError(null);
    setTooLarge(null);
    setSending(name);
    try {
      const chosen = await pick();
      if (chosen) props.onChosen(chosen);
    } catch (failure) {
      setError(failure);
    } finally {
      setSending(null);
    }
  };

  const upload = (file: File | null) => {
    if (!file || !bridge) return;
    if (file.size > MAX_UPLOAD_BYTES) {
      setError(null);
      setTooLarge(
        t('imports.file.tooLarge', {
          nombre: file.name,
          size: format.bytes(file.size),
          max: format.bytes(MAX_UPLOAD_BYTES),
        }),
      );
      return;
    }
    void choose(() => bridge.upload(file, file.name), file.name);
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    upload(event.dataTransfer.files[0] ?? null);
  };

  const chooseButton = bridge ? (
    <FileButton onChange={upload} accept=".csv,.txt,.tsv,text/csv,text/plain">
      {(buttonProps) => (
        <Button {...buttonProps} leftSection={<UploadIcon size={18} />} disabled={sending !== null}>
          {props.file ? t('imports.file.chooseAnother') : t('imports.file.choose')}
        </Button>
      )}
    </FileButton>
  ) : (
    <Button
      leftSection={<UploadIcon size={18} />}
      disabled={sending !== null}
      onClick={() => void choose(() => client.invoke('imports/pickFile', {}), '')}
    >
      {props.file ? t('imports.file.chooseAnother') : t('imports.file.choose')}
    </Button>
  );

  return (
    <Stack gap="lg">
      <Radio.Group
        value={props.tipo}
        onChange={(value) => props.onTipo(value as ImportKind)}
        label={t('imports.kind.label')}
        labelProps={{ fw: 600, mb: 'xs' }}
      >
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
          {IMPORT_KINDS.map((kind) => (
            <Radio.Card key={kind} value={kind} radius="md" p="md">
              <Group wrap="nowrap" align="flex-start" gap="sm">
                <Radio.Indicator />
                <Stack gap={4}>
                  <Text fw={600}>{t(`imports.kinds.${kind}`)}</Text>
                  <Text size="sm" c="dimmed">
                    {t(`imports.kind.${kind}Help`)}
                  </Text>
                </Stack>
              </Group>
            </Radio.Card>
          ))}
        </SimpleGrid>
      </Radio.Group>

      <Stack gap="xs">
        <Title order={3} size="h6">
          {t('imports.file.label')}
        </Title>
        <Paper
          withBorder
          radius="md"
          p="xl"
          bg={dragging ? 'teal.0' : 'gray.0'}
          style={{ borderStyle: 'dashed', borderWidth: 2 }}
          {...(bridge
            ? {
                onDragOver: (event: DragEvent) => {
                  event.preventDefault();
                  setDragging(true);
                },
                onDragLeave: () => setDragging(false),
                onDrop,
              }
            : {})}
        >
          <Stack align="center" gap="sm">
            {sending !== null ? (
              <>
                <Loader size="md" />
                <Text size="sm">
                  {sending ? t('imports.file.uploading', { nombre: sending }) : t('common.loading')}
                </Text>
              </>
            ) : props.file ? (
              <Group gap="sm" wrap="nowrap">
                <ThemeIcon size={40} radius="md" variant="light">
                  <FileIcon size={22} />
                </ThemeIcon>
                <Stack gap={0}>
                  <Text size="xs" c="dimmed">
                    {t('imports.file.chosen')}
                  </Text>
                  <Text fw={600}>{props.file.nombre}</Text>
                  <Text size="sm" c="dimmed">
                    {format.bytes(props.file.bytes)}
                  </Text>
                </Stack>
              </Group>
            ) : (
              <>
                <ThemeIcon size={48} radius="xl" variant="light">
                  <UploadIcon size={26} />
                </ThemeIcon>
                {bridge && <Text size="sm">{t('imports.file.drop')}</Text>}
              </>
            )}
            {chooseButton}
            <Text size="xs" c="dimmed" ta="center" maw={560}>
              {bridge
                ? t('imports.file.hint', { max: format.bytes(MAX_UPLOAD_BYTES) })
                : t('imports.file.hintDesktop')}
            </Text>
          </Stack>
        </Paper>
      </Stack>

      {tooLarge && (
        <Alert
          color="red"
          variant="light"
          icon={<AlertIcon />}
          role="alert"
          title={t('imports.file.failed')}
        >
          {tooLarge}
        </Alert>
      )}
      {error !== null && <ErrorAlert error={error} title={t('imports.file.failed')} />}

      {props.file && (
        <Group justify="flex-end">
          <Button onClick={props.onNext}>{t('imports.file.next')}</Button>
        </Group>
      )}
    </Stack>
  );
}
