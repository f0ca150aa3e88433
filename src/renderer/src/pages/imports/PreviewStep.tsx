import { Fragment, useState } from 'react';
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Loader,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  Tooltip,
} from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { HandlerInput } from '../../../../shared/contract';
import {
  CSV_DELIMITERS,
  CSV_ENCODINGS,
  NUMBER_FORMATS,
  type ColumnChoice,
  type CsvDelimiter,
  type CsvEncoding,
  type ImportDetection,
  type ImportField,
  type ImportPreview,
  type NumberFormat,
  type PreviewRow,
} from '../../../../shared/imports';
import { useHandlerQuery } from '../../api/handlerQueries';
import { useErrorMessage } from '../../api/errorMessage';
import { AlertIcon, InfoIcon } from '../../components/icons';
import { delimiterKey, useImportFormat } from './importFormat';

export type PreviewInput = HandlerInput<'imports/preview'>;

export interface ImportChoices {
  omitir_errores: boolean;
  sumar: boolean;
}

const AUTO = 'auto';
const NO_COLUMN = '-';

/**
 * Step 2: how the file is read (each choice overridable), which column feeds each field, and the
 * first rows as they will be imported, with their problems.
 */
export function PreviewStep(props: {
  input: PreviewInput;
  onInput: (patch: Partial<PreviewInput>) => void;
  choices: ImportChoices;
  onChoices: (patch: Partial<ImportChoices>) => void;
  onBack: () => void;
  onCheck: () => void;
  starting: boolean;
  /** Another import runs in this data directory: checking must wait. */
  blocked: boolean;
}) {
  const { t } = useTranslation();
  const describe = useErrorMessage();
  const preview = useHandlerQuery('imports/preview', props.input, {
    paged: true,
    retry: false,
    staleTime: Infinity,
  });
  const data = preview.data;
  const detected = useDetected(data?.deteccion);

  return (
    <Stack gap="lg">
      {preview.isError && (
        <Alert
          color="red"
          variant="light"
          icon={<AlertIcon />}
          role="alert"
          title={t('imports.preview.failed')}
        >
          <Stack gap="sm" align="flex-start">
            <Text size="sm">{describe(preview.error)}</Text>
            <Button size="xs" variant="white" color="red" onClick={props.onBack}>
              {t('imports.file.chooseAnother')}
            </Button>
          </Stack>
        </Alert>
      )}

      <ReadingOptions input={props.input} onInput={props.onInput} detected={detected} />

      {preview.isPending && (
        <Group justify="center" py="xl" gap="sm">
          <Loader size="sm" />
          <Text size="sm">{t('imports.preview.loading')}</Text>
        </Group>
      )}

      {data && (
        <>
          <ColumnMapping preview={data} onInput={props.onInput} />
          <PreviewTable preview={data} />
        </>
      )}

      <Paper withBorder radius="md" p="md">
        <Stack gap="sm">
          <Title order={3} size="h5">
            {t('imports.options.title')}
          </Title>
          <Checkbox
            label={t('imports.options.skipErrors')}
            description={t('imports.options.skipErrorsHelp')}
            checked={props.choices.omitir_errores}
            onChange={(event) => props.onChoices({ omitir_errores: event.currentTarget.checked })}
          />
          {props.input.tipo === 'stock' && (
            <Checkbox
              label={t('imports.options.add')}
              description={t('imports.options.addHelp')}
              checked={props.choices.sumar}
              onChange={(event) => props.onChoices({ sumar: event.currentTarget.checked })}
            />
          )}
        </Stack>
      </Paper>

      <Group justify="space-between" align="flex-start">
        <Button variant="default" onClick={props.onBack}>
          {t('imports.actions.back')}
        </Button>
        <Stack gap={4} align="flex-end" maw={460}>
          <Button
            onClick={props.onCheck}
            loading={props.starting}
            disabled={
              !data ||
              preview.isError ||
              preview.isFetching ||
              data.faltan.length > 0 ||
              props.blocked
            }
          >
            {t('imports.actions.check')}
          </Button>
          <Text size="xs" c="dimmed" ta="right">
            {t('imports.actions.checkHelp')}
          </Text>
        </Stack>
      </Group>
    </Stack>
  );
}

interface Detected {
  codificacion: CsvEncoding | null;
  bom: boolean;
  delimitador: CsvDelimiter | null;
  formatos: NumberFormat[] | null;
}

/**
 * What was detected, kept while the user overrides it: the "Automático" option keeps saying what
 * automatic means for this file after another choice was made.
 */
function useDetected(detection: ImportDetection | undefined): Detected {
  const [detected, setDetected] = useState<Detected>({
    codificacion: null,
    bom: false,
    delimitador: null,
    formatos: null,
  });
  const next: Detected = { ...detected };
  if (detection?.codificacion_origen === 'detectado') {
    next.codificacion = detection.codificacion;
    next.bom = detection.bom;
  }
  if (detection?.delimitador_origen === 'detectado') next.delimitador = detection.delimitador;
  if (detection?.formato_numeros_origen === 'detectado') {
    next.formatos = [...new Set(Object.values(detection.formato_numeros))];
  }
  if (JSON.stringify(next) !== JSON.stringify(detected)) setDetected(next);
  return next;
}

function ReadingOptions(props: {
  input: PreviewInput;
  onInput: (patch: Partial<PreviewInput>) => void;
  detected: Detected;
}) {
  const { t } = useTranslation();
  const { detected } = props;
  const encodingName = (encoding: CsvEncoding) => t(`imports.reading.encodings.${encoding}`);
  const delimiterName = (delimiter: CsvDelimiter) =>
    t(`imports.reading.delimiters.${delimiterKey(delimiter)}`);
  const formatName = (f: NumberFormat) => t(`imports.reading.formats.${f}`);
  const auto = (value: string | null) =>
    value === null ? t('imports.reading.autoUnknown') : t('imports.reading.auto', { value });

  const autoFormat =
    detected.formatos === null
      ? auto(null)
      : detected.formatos.length === 0
        ? t('imports.reading.autoNone')
        : detected.formatos.length === 1
          ? auto(formatName(detected.formatos[0]!))
          : t('imports.reading.autoMixed');

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Stack gap={2}>
          <Title order={3} size="h5">
            {t('imports.reading.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('imports.reading.help')}
          </Text>
        </Stack>
        <SimpleGrid cols={{ base: 1, sm: 3 }} spacing="md">
          <Select
            label={t('imports.reading.encoding')}
            allowDeselect={false}
            data={[
              {
                value: AUTO,
                label: auto(
                  detected.codificacion &&
                    (detected.bom
                      ? t('imports.reading.withBom', {
                          encoding: encodingName(detected.codificacion),
                        })
                      : encodingName(detected.codificacion)),
                ),
              },
              ...CSV_ENCODINGS.map((e) => ({ value: e, label: encodingName(e) })),
            ]}
            value={props.input.codificacion ?? AUTO}
            onChange={(value) =>
              props.onInput({
                codificacion: value && value !== AUTO ? (value as CsvEncoding) : undefined,
              })
            }
          />
          <Select
            label={t('imports.reading.delimiter')}
            allowDeselect={false}
            data={[
              {
                value: AUTO,
                label: auto(detected.delimitador && delimiterName(detected.delimitador)),
              },
              ...CSV_DELIMITERS.map((d) => ({ value: d, label: delimiterName(d) })),
            ]}
            value={props.input.delimitador ?? AUTO}
            onChange={(value) =>
              props.onInput({
                delimitador: value && value !== AUTO ? (value as CsvDelimiter) : undefined,
                // Other columns: the old choice of columns may name headers that no longer exist.
                columnas: undefined,
              })
            }
          />
          <Select
            label={t('imports.reading.numbers')}
            allowDeselect={false}
            data={[
              { value: AUTO, label: autoFormat },
              ...NUMBER_FORMATS.map((f) => ({ value: f, label: formatName(f) })),
            ]}
            value={props.input.formato_numeros ?? AUTO}
            onChange={(value) =>
              props.onInput({
                formato_numeros: value && value !== AUTO ? (value as NumberFormat) : undefined,
              })
            }
          />
        </SimpleGrid>
      </Stack>
    </Paper>
  );
}

function ColumnMapping(props: {
  preview: ImportPreview;
  onInput: (patch: Partial<PreviewInput>) => void;
}) {
  const { t } = useTranslation();
  const { preview } = props;
  const fieldName = (field: ImportField) => t(`imports.fields.${field}`);
  const headerLabel = (index: number) =>
    preview.cabeceras[index] || t('imports.preview.from', { header: index + 1 });

  const choose = (field: ImportField, value: string | null) => {
    const index = value === null || value === NO_COLUMN ? null : Number(value);
    const columnas: ColumnChoice = {};
    for (const campo of preview.campos) {
      // One column feeds one field: taking it from another field leaves that one without.
      const column = campo.campo === field ? index : campo.columna === index ? null : campo.columna;
      columnas[campo.campo] = column === null ? null : (preview.cabeceras[column] ?? null);
    }
    props.onInput({ columnas });
  };

  const options = [
    { value: NO_COLUMN, label: t('imports.columns.none') },
    ...preview.cabeceras.map((_, index) => ({ value: String(index), label: headerLabel(index) })),
  ];
  const missing = preview.faltan.map((field) => `«${fieldName(field)}»`).join(', ');

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Stack gap={2}>
          <Title order={3} size="h5">
            {t('imports.columns.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('imports.columns.help')}
          </Text>
        </Stack>
        {preview.columnas_recordadas && (
          <Alert color="blue" variant="light" icon={<InfoIcon />}>
            <Group justify="space-between" gap="sm">
              <Text size="sm">{t('imports.columns.remembered')}</Text>
              <Button
                size="compact-sm"
                variant="white"
                onClick={() => props.onInput({ columnas: undefined, usar_recordadas: false })}
              >
                {t('imports.columns.forget')}
              </Button>
            </Group>
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }} spacing="md">
          {preview.campos.map((campo) => (
            <Select
              key={campo.campo}
              label={fieldName(campo.campo)}
              withAsterisk={campo.obligatorio}
              allowDeselect={false}
              data={options}
              value={campo.columna === null ? NO_COLUMN : String(campo.columna)}
              onChange={(value) => choose(campo.campo, value)}
              error={
                campo.obligatorio && campo.columna === null
                  ? t('imports.columns.required')
                  : undefined
              }
            />
          ))}
        </SimpleGrid>
        {preview.faltan.length > 0 && (
          <Alert color="red" variant="light" icon={<AlertIcon />} role="alert">
            {t('imports.columns.missing', { count: preview.faltan.length, list: missing })}
          </Alert>
        )}
        <Text size="sm" c="dimmed">
          {preview.sin_asignar.length > 0
            ? t('imports.columns.unmapped', {
                list: preview.sin_asignar.map((h) => `«${h}»`).join(', '),
              })
            : t('imports.columns.allMapped')}
        </Text>
      </Stack>
    </Paper>
  );
}

function PreviewTable({ preview }: { preview: ImportPreview }) {
  const { t } = useTranslation();
  const format = useImportFormat();
  const columns = preview.campos.filter((campo) => campo.columna !== null);

  return (
    <Paper withBorder radius="md" p="md">
      <Stack gap="sm">
        <Stack gap={2}>
          <Title order={3} size="h5">
            {t('imports.preview.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('imports.preview.subtitle', {
              count: preview.filas.length,
              nombre: preview.nombre,
              size: format.bytes(preview.bytes),
            })}
          </Text>
        </Stack>
        <Table.ScrollContainer minWidth={Math.max(560, 160 * columns.length)} type="native">
          <Table
            striped
            withTableBorder
            verticalSpacing="xs"
            aria-label={t('imports.preview.tableLabel')}
          >
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={70}>{t('imports.preview.line')}</Table.Th>
                {columns.map((campo) => (
                  <Table.Th key={campo.campo}>
                    <Text size="sm" fw={600}>
                      {t(`imports.fields.${campo.campo}`)}
                    </Text>
                    <Text size="xs" c="dimmed" fw={400}>
                      {t('imports.preview.from', {
                        header: preview.cabeceras[campo.columna!],
                      })}
                    </Text>
                  </Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {preview.filas.map((row) => (
                <PreviewTableRow key={row.linea} row={row} preview={preview} columns={columns} />
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Stack>
    </Paper>
  );
}

function PreviewTableRow(props: {
  row: PreviewRow;
  preview: ImportPreview;
  columns: ImportPreview['campos'];
}) {
  const { t } = useTranslation();
  const format = useImportFormat();
  const { row, preview, columns } = props;
  const errors = row.problemas.filter((p) => p.severidad === 'error');
  return (
    <Fragment>
      <Table.Tr bg={errors.length > 0 ? 'red.0' : undefined}>
        <Table.Td ff="monospace" c="dimmed">
          {row.linea}
        </Table.Td>
        {columns.map(({ campo, columna }) => {
          const header = preview.cabeceras[columna!];
          const problem = row.problemas.find((p) => p.columna === header);
          const value = row.valores ? row.valores[campo] : (row.campos[columna!] ?? '');
          const shown =
            value === null || value === '' ? (
              <Text span size="sm" c="dimmed" fs="italic">
                {t('imports.preview.empty')}
              </Text>
            ) : typeof value === 'number' ? (
              format.decimal(value)
            ) : (
              value
            );
          return (
            <Table.Td
              key={campo}
              c={problem ? 'red.8' : undefined}
              style={{ whiteSpace: 'pre-wrap' }}
            >
              {problem ? (
                <Tooltip label={problem.mensaje} multiline w={320}>
                  <Group gap={4} wrap="nowrap">
                    <AlertIcon size={14} />
                    <span>{shown}</span>
                  </Group>
                </Tooltip>
              ) : (
                shown
              )}
            </Table.Td>
          );
        })}
      </Table.Tr>
      {row.problemas.length > 0 && (
        <Table.Tr bg={errors.length > 0 ? 'red.0' : 'yellow.0'}>
          <Table.Td />
          <Table.Td colSpan={columns.length}>
            <Stack gap={2}>
              {row.problemas.map((problem, index) => (
                <Text
                  key={index}
                  size="xs"
                  c={problem.severidad === 'error' ? 'red.8' : 'yellow.9'}
                >
                  {problem.columna ? `«${problem.columna}»: ` : ''}
                  {problem.mensaje}
                </Text>
              ))}
            </Stack>
          </Table.Td>
        </Table.Tr>
      )}
    </Fragment>
  );
}
