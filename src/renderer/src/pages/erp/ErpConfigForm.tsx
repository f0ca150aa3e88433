import { useState, type FormEvent, type ReactNode } from 'react';
import {
  Accordion,
  Autocomplete,
  Button,
  Group,
  NumberInput,
  Paper,
  type NumberInputProps,
  PasswordInput,
  Radio,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Tabs,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import {
  ERP_ARTICLE_FIELDS,
  ERP_AUTH_KINDS,
  ERP_PAGINATIONS,
  ERP_PROFILES,
  ERP_STOCK_FIELDS,
  type ErpArticleField,
  type ErpConfigView,
  type ErpPagination,
  type ErpPreview,
  type ErpProfile,
  type ErpStockField,
} from '../../../../shared/erp';
import { fieldErrors, formLevelError } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { EditIcon, SearchIcon } from '../../components/icons';
import { nullableNumber } from '../../forms';
import {
  formFromView,
  inputFromForm,
  profileDefaults,
  secretField,
  type ErpFormState,
} from './configForm';
import { useErpFormat } from './erpFormat';
import { MappingPreview } from './MappingPreview';

// Names as the ERP spells them: monospace in the input only, not in its label.
const MONO = { input: { fontFamily: 'var(--mantine-font-family-monospace)' } };
const REQUIRED = new Set(['referencia', 'codigo', 'nombre', 'articulo', 'cantidad']);
/** REST only: OData always pages with @odata.nextLink. */
const REST_PAGINATIONS = ERP_PAGINATIONS.filter((p) => p !== 'odata');

function Section(props: { title: string; help?: string; children: ReactNode }) {
  return (
    <Stack gap="sm">
      <Stack gap={2}>
        <Title order={4} size="h5">
          {props.title}
        </Title>
        {props.help && (
          <Text size="sm" c="dimmed">
            {props.help}
          </Text>
        )}
      </Stack>
      {props.children}
    </Stack>
  );
}

/**
 * The connector's configuration: address and profile, authentication (the secret is write-only),
 * paths and paging, the field mapping with a preview of the first records, and the schedule.
 */
/** Seconds and record counts: whole, never negative, no thousands separator. */
function WholeNumberInput(props: NumberInputProps) {
  return (
    <NumberInput allowDecimal={false} allowNegative={false} thousandSeparator={false} {...props} />
  );
}

export function ErpConfigForm(props: {
  saved: ErpConfigView | null;
  onSaved: () => void;
  onCancel?: (() => void) | undefined;
}) {
  const { t } = useTranslation();
  const { every } = useErpFormat();
  const [form, setForm] = useState<ErpFormState>(() => formFromView(props.saved));
  // Whether the person chose to replace the saved secret ("Cambiar").
  const [changingSecret, setChangingSecret] = useState(false);
  const [previewKind, setPreviewKind] = useState<'articulos' | 'stock'>('articulos');
  const [mappingTab, setMappingTab] = useState<'articulos' | 'stock'>('articulos');
  const [preview, setPreview] = useState<ErpPreview | null>(null);
  const configure = useHandlerMutation('erp/configure', ['erp', 'dashboard']);
  const previewCall = useHandlerMutation('erp/preview', []);

  const set = <K extends keyof ErpFormState>(field: K, value: ErpFormState[K]) =>
    setForm((current) => ({ ...current, [field]: value }));

  const savedAuth = props.saved?.autenticacion;
  const hasSavedSecret =
    Boolean(savedAuth?.credencial_guardada) && savedAuth?.tipo === form.authTipo;
  const showSecretInput = form.authTipo !== 'ninguna' && (!hasSavedSecret || changingSecret);

  const errors = { ...fieldErrors(previewCall.error), ...fieldErrors(configure.error) };
  const placed = (key: string) => errors[key];
  const shownKeys = new Set([
    'url',
    'perfil',
    'autenticacion.usuario',
    'autenticacion.nombre',
    'autenticacion.token',
    'autenticacion.clave',
    'autenticacion.valor',
    'rutas.articulos',
    'rutas.stock',
    'rutas.movimientos',
    'paginacion',
    'tamano_pagina',
    'cada_segundos',
    'solapamiento_segundos',
    'timeout_ms',
    'parametros.pagina',
    'parametros.limite',
    'parametros.desde',
    ...ERP_ARTICLE_FIELDS.map((f) => `mapeo.articulos.${f}`),
    ...ERP_STOCK_FIELDS.map((f) => `mapeo.stock.${f}`),
  ]);
  // Errors no input shows (the ERP unreachable, a refused credential) go next to what was
  // pressed: the preview's in its box, the save's above the button.
  const previewError = formLevelError(previewCall.error, [...shownKeys]);
  const saveError = formLevelError(configure.error, [...shownKeys]);
  const mappingErrors = Object.keys(errors).filter((key) => key.startsWith('mapeo.'));

  const choosePerfil = (perfil: ErpProfile) => {
    // Paths and field names are the profile's: another profile starts from its own.
    setForm((current) => ({ ...current, perfil, ...profileDefaults(perfil) }));
    setPreview(null);
  };

  const runPreview = (tipo: 'articulos' | 'stock') => {
    setPreviewKind(tipo);
    configure.reset();
    previewCall.mutate(
      { configuracion: inputFromForm(form), tipo, limite: 5 },
      { onSuccess: setPreview, onError: () => setPreview(null) },
    );
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    previewCall.reset();
    configure.mutate(inputFromForm(form), {
      onSuccess: () => {
        notifications.show({ color: 'teal', message: t('erp.form.saved') });
        setChangingSecret(false);
        set('secreto', '');
        props.onSaved();
      },
    });
  };

  const scheduleSeconds = nullableNumber(form.cada_segundos);
  const secretLabel = t(`erp.form.auth.secretLabel.${form.authTipo}`);
  const campos = preview?.campos ?? [];

  const mappingRows = <F extends ErpArticleField | ErpStockField>(
    kind: 'articulos' | 'stock',
    fields: readonly F[],
  ) =>
    fields.map((field) => {
      const key = `mapeo.${kind}.${field}`;
      const value = (form.mapeo[kind] as Record<F, string>)[field];
      return (
        <Table.Tr key={field}>
          <Table.Td w="28%">
            <Text size="sm" fw={500}>
              {t(`erp.fields.${kind}.${field}.label` as 'erp.fields.articulos.codigo.label')}
              {REQUIRED.has(field) && (
                <Text span c="red" aria-hidden>
                  {' *'}
                </Text>
              )}
            </Text>
          </Table.Td>
          <Table.Td w="32%">
            <Autocomplete
              aria-label={t('erp.form.mapping.erpFieldFor', {
                field: t(
                  `erp.fields.${kind}.${field}.label` as 'erp.fields.articulos.codigo.label',
                ),
              })}
              size="xs"
              data={campos}
              value={value}
              placeholder={t('erp.form.mapping.notRead')}
              onChange={(text) =>
                setForm((current) => ({
                  ...current,
                  mapeo: { ...current.mapeo, [kind]: { ...current.mapeo[kind], [field]: text } },
                }))
              }
              error={placed(key)}
              styles={MONO}
            />
          </Table.Td>
          <Table.Td>
            <Text size="xs" c="dimmed">
              {t(`erp.fields.${kind}.${field}.help` as 'erp.fields.articulos.codigo.help')}
            </Text>
          </Table.Td>
        </Table.Tr>
      );
    });

  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="erp-config-title">
      <form onSubmit={submit} noValidate>
        <Stack gap="xl">
          <Stack gap={2}>
            <Title order={3} size="h4" id="erp-config-title">
              {props.saved ? t('erp.form.editTitle') : t('erp.form.newTitle')}
            </Title>
            <Text size="sm" c="dimmed">
              {t('erp.form.intro')}
            </Text>
          </Stack>

          <Section title={t('erp.form.connection.title')}>
            <TextInput
              label={t('erp.form.connection.url')}
              description={t('erp.form.connection.urlHelp')}
              placeholder="https://erp.empresa.com"
              withAsterisk
              value={form.url}
              onChange={(e) => set('url', e.currentTarget.value)}
              error={placed('url')}
              maxLength={2000}
            />
            <Radio.Group
              label={t('erp.form.connection.profile')}
              value={form.perfil}
              onChange={(value) => choosePerfil(value as ErpProfile)}
              error={placed('perfil')}
            >
              <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
                {ERP_PROFILES.map((perfil) => (
                  <Radio.Card key={perfil} value={perfil} p="md" radius="md">
                    <Group wrap="nowrap" align="flex-start">
                      <Radio.Indicator />
                      <Stack gap={2}>
                        <Text fw={600} size="sm">
                          {t(`erp.profiles.${perfil}.label`)}
                        </Text>
                        <Text size="xs" c="dimmed">
                          {t(`erp.profiles.${perfil}.help`)}
                        </Text>
                      </Stack>
                    </Group>
                  </Radio.Card>
                ))}
              </SimpleGrid>
            </Radio.Group>
          </Section>

          <Section title={t('erp.form.auth.title')} help={t('erp.form.auth.help')}>
            <Select
              label={t('erp.form.auth.kind')}
              allowDeselect={false}
              maw={360}
              data={ERP_AUTH_KINDS.map((kind) => ({
                value: kind,
                label: t(`erp.form.auth.kinds.${kind}`),
              }))}
              value={form.authTipo}
              onChange={(value) => {
                if (!value) return;
                setForm((current) => ({
                  ...current,
                  authTipo: value as ErpFormState['authTipo'],
                  secreto: '',
                }));
                setChangingSecret(false);
              }}
            />
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              {form.authTipo === 'basic' && (
                <TextInput
                  label={t('erp.form.auth.user')}
                  withAsterisk
                  value={form.usuario}
                  onChange={(e) => set('usuario', e.currentTarget.value)}
                  error={placed('autenticacion.usuario')}
                  autoComplete="off"
                />
              )}
              {form.authTipo === 'cabecera' && (
                <TextInput
                  label={t('erp.form.auth.header')}
                  placeholder="X-API-Key"
                  withAsterisk
                  value={form.cabecera}
                  onChange={(e) => set('cabecera', e.currentTarget.value)}
                  error={placed('autenticacion.nombre')}
                  styles={MONO}
                />
              )}
              {form.authTipo !== 'ninguna' && showSecretInput && (
                <Stack gap={4}>
                  <PasswordInput
                    label={secretLabel}
                    description={t('erp.form.auth.secretHelp')}
                    withAsterisk
                    value={form.secreto}
                    onChange={(e) => set('secreto', e.currentTarget.value)}
                    error={placed(secretField(form.authTipo) ?? '')}
                    autoComplete="new-password"
                  />
                  {hasSavedSecret && (
                    <Button
                      variant="subtle"
                      size="compact-sm"
                      w="fit-content"
                      onClick={() => {
                        setChangingSecret(false);
                        set('secreto', '');
                      }}
                    >
                      {t('erp.form.auth.keepSaved')}
                    </Button>
                  )}
                </Stack>
              )}
              {form.authTipo !== 'ninguna' && !showSecretInput && (
                <Stack gap={4}>
                  <Text size="sm" fw={500}>
                    {secretLabel}
                  </Text>
                  <Group gap="sm">
                    <Text size="sm" c="dimmed">
                      {t(
                        savedAuth?.proteccion === 'cifrada'
                          ? 'erp.form.auth.savedEncrypted'
                          : 'erp.form.auth.savedPlain',
                      )}
                    </Text>
                    <Button
                      variant="light"
                      size="compact-sm"
                      leftSection={<EditIcon size={14} />}
                      onClick={() => setChangingSecret(true)}
                      aria-label={t('erp.form.auth.changeOf', { what: secretLabel })}
                    >
                      {t('erp.form.auth.change')}
                    </Button>
                  </Group>
                  {placed(secretField(form.authTipo) ?? '') && (
                    <Text size="xs" c="red">
                      {placed(secretField(form.authTipo) ?? '')}
                    </Text>
                  )}
                </Stack>
              )}
            </SimpleGrid>
          </Section>

          <Section title={t('erp.form.paths.title')} help={t('erp.form.paths.help')}>
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              {(['articulos', 'stock', 'movimientos'] as const).map((entity) => (
                <TextInput
                  key={entity}
                  label={t(`erp.form.paths.${entity}`)}
                  withAsterisk
                  value={form.rutas[entity]}
                  onChange={(e) => {
                    const value = e.currentTarget.value;
                    setForm((current) => ({
                      ...current,
                      rutas: { ...current.rutas, [entity]: value },
                    }));
                  }}
                  error={placed(`rutas.${entity}`)}
                  styles={MONO}
                />
              ))}
            </SimpleGrid>
            {form.perfil === 'rest' ? (
              <Select
                label={t('erp.form.paths.pagination')}
                description={t(`erp.paginations.${form.paginacion}.help`)}
                allowDeselect={false}
                maw={520}
                data={REST_PAGINATIONS.map((p) => ({
                  value: p,
                  label: t(`erp.paginations.${p}.label`),
                }))}
                value={form.paginacion === 'odata' ? 'auto' : form.paginacion}
                onChange={(value) => value && set('paginacion', value as ErpPagination)}
                error={placed('paginacion')}
              />
            ) : (
              <Text size="sm" c="dimmed">
                {t('erp.paginations.odata.help')}
              </Text>
            )}
          </Section>

          <Section title={t('erp.form.mapping.title')} help={t('erp.form.mapping.help')}>
            {mappingErrors.length > 0 && (
              <Text size="sm" c="red">
                {t('erp.form.mapping.hasErrors')}
              </Text>
            )}
            <Tabs
              value={mappingTab}
              onChange={(value) => value && setMappingTab(value as 'articulos' | 'stock')}
            >
              <Tabs.List>
                <Tabs.Tab value="articulos">{t('erp.form.mapping.articles')}</Tabs.Tab>
                <Tabs.Tab value="stock">{t('erp.form.mapping.stock')}</Tabs.Tab>
              </Tabs.List>
              <Tabs.Panel value="articulos" pt="xs">
                <Table aria-label={t('erp.form.mapping.articlesTable')} verticalSpacing={6}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('erp.form.mapping.gsihField')}</Table.Th>
                      <Table.Th>{t('erp.form.mapping.erpField')}</Table.Th>
                      <Table.Th>{t('erp.form.mapping.meaning')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>{mappingRows('articulos', ERP_ARTICLE_FIELDS)}</Table.Tbody>
                </Table>
              </Tabs.Panel>
              <Tabs.Panel value="stock" pt="xs">
                <Table aria-label={t('erp.form.mapping.stockTable')} verticalSpacing={6}>
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>{t('erp.form.mapping.gsihField')}</Table.Th>
                      <Table.Th>{t('erp.form.mapping.erpField')}</Table.Th>
                      <Table.Th>{t('erp.form.mapping.meaning')}</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>{mappingRows('stock', ERP_STOCK_FIELDS)}</Table.Tbody>
                </Table>
              </Tabs.Panel>
            </Tabs>
            <Paper withBorder radius="md" p="md" bg="gray.0">
              <Stack gap="sm">
                <Group justify="space-between" align="flex-end">
                  <Stack gap={2} style={{ flex: '1 1 320px' }}>
                    <Text fw={600} size="sm">
                      {t('erp.form.preview.title')}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {t('erp.form.preview.help')}
                    </Text>
                  </Stack>
                  <Group gap="sm">
                    <SegmentedControl
                      size="xs"
                      aria-label={t('erp.form.preview.kind')}
                      value={previewKind}
                      onChange={(value) => setPreviewKind(value as 'articulos' | 'stock')}
                      data={[
                        { value: 'articulos', label: t('erp.form.mapping.articles') },
                        { value: 'stock', label: t('erp.form.mapping.stock') },
                      ]}
                    />
                    <Button
                      variant="default"
                      leftSection={<SearchIcon size={16} />}
                      loading={previewCall.isPending}
                      onClick={() => runPreview(previewKind)}
                    >
                      {t('erp.form.preview.run')}
                    </Button>
                  </Group>
                </Group>
                {previewError && (
                  <ErrorAlert error={previewError} title={t('erp.form.preview.failed')} />
                )}
                {preview && <MappingPreview preview={preview} />}
              </Stack>
            </Paper>
          </Section>

          <Section title={t('erp.form.schedule.title')} help={t('erp.form.schedule.help')}>
            <Group align="flex-start" gap="xl">
              <WholeNumberInput
                label={t('erp.form.schedule.every')}
                description={
                  scheduleSeconds && scheduleSeconds >= 60
                    ? t('erp.form.schedule.everyHelp', { every: every(scheduleSeconds) })
                    : t('erp.form.schedule.everyHint')
                }
                withAsterisk
                w={300}
                min={60}
                max={7 * 24 * 3600}
                step={300}
                value={form.cada_segundos}
                onChange={(value) => set('cada_segundos', value)}
                error={placed('cada_segundos')}
              />
              <Switch
                mt={30}
                label={t('erp.form.schedule.active')}
                description={t('erp.form.schedule.activeHelp')}
                checked={form.activo}
                onChange={(e) => set('activo', e.currentTarget.checked)}
              />
            </Group>
          </Section>

          <Accordion variant="contained" radius="md">
            <Accordion.Item value="advanced">
              <Accordion.Control>{t('erp.form.advanced.title')}</Accordion.Control>
              <Accordion.Panel>
                <SimpleGrid cols={{ base: 1, sm: 3 }}>
                  <WholeNumberInput
                    label={t('erp.form.advanced.pageSize')}
                    description={t('erp.form.advanced.pageSizeHelp')}
                    min={1}
                    max={10_000}
                    value={form.tamano_pagina}
                    onChange={(value) => set('tamano_pagina', value)}
                    error={placed('tamano_pagina')}
                  />
                  <WholeNumberInput
                    label={t('erp.form.advanced.overlap')}
                    description={t('erp.form.advanced.overlapHelp')}
                    min={0}
                    max={86_400}
                    value={form.solapamiento_segundos}
                    onChange={(value) => set('solapamiento_segundos', value)}
                    error={placed('solapamiento_segundos')}
                  />
                  <NumberInput
                    label={t('erp.form.advanced.timeout')}
                    description={t('erp.form.advanced.timeoutHelp')}
                    min={0.1}
                    max={600}
                    allowNegative={false}
                    value={form.timeout_segundos}
                    onChange={(value) => set('timeout_segundos', value)}
                    error={placed('timeout_ms')}
                  />
                  {form.perfil === 'rest' &&
                    (['pagina', 'limite', 'desde'] as const).map((name) => (
                      <TextInput
                        key={name}
                        label={t(`erp.form.advanced.params.${name}`)}
                        description={t(`erp.form.advanced.params.${name}Help`)}
                        value={form.parametros[name]}
                        onChange={(e) => {
                          const value = e.currentTarget.value;
                          setForm((current) => ({
                            ...current,
                            parametros: { ...current.parametros, [name]: value },
                          }));
                        }}
                        error={placed(`parametros.${name}`)}
                        styles={MONO}
                      />
                    ))}
                </SimpleGrid>
              </Accordion.Panel>
            </Accordion.Item>
          </Accordion>

          {saveError && <ErrorAlert error={saveError} title={t('errors.saveFailed')} />}
          <Group justify="flex-end">
            {props.onCancel && (
              <Button variant="default" onClick={props.onCancel}>
                {t('common.cancel')}
              </Button>
            )}
            <Button type="submit" loading={configure.isPending}>
              {t('erp.form.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
