import type { ReactNode } from 'react';
import { Button, Code, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ErpConfigView } from '../../../../shared/erp';
import { EditIcon } from '../../components/icons';
import { useFormatters } from '../../format';
import { useErpFormat } from './erpFormat';

function Fact(props: { label: string; children: ReactNode }) {
  return (
    <Stack gap={2}>
      <Text size="xs" c="dimmed" fw={600} tt="uppercase">
        {props.label}
      </Text>
      <Text size="sm" component="div" style={{ overflowWrap: 'anywhere' }}>
        {props.children}
      </Text>
    </Stack>
  );
}

/** The saved configuration at a glance (never its secret), with the way to change it. */
export function ErpConfigSummary(props: { config: ErpConfigView; onEdit: () => void }) {
  const { t } = useTranslation();
  const { dateTime } = useFormatters();
  const { every } = useErpFormat();
  const { config } = props;
  const auth = config.autenticacion;
  return (
    <Paper withBorder radius="md" p="lg" component="section" aria-labelledby="erp-summary">
      <Group justify="space-between" mb="md">
        <Stack gap={2}>
          <Title order={3} size="h5" id="erp-summary">
            {t('erp.summary.title')}
          </Title>
          <Text size="xs" c="dimmed">
            {t('erp.summary.updated', { fecha: dateTime(config.fecha_actualizacion) })}
          </Text>
        </Stack>
        <Button variant="default" leftSection={<EditIcon size={16} />} onClick={props.onEdit}>
          {t('erp.summary.edit')}
        </Button>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }} spacing="lg">
        <Fact label={t('erp.summary.url')}>
          <Code>{config.url}</Code>
        </Fact>
        <Fact label={t('erp.summary.profile')}>{t(`erp.profiles.${config.perfil}.label`)}</Fact>
        <Fact label={t('erp.summary.auth')}>
          {t(`erp.form.auth.kinds.${auth.tipo}`)}
          {auth.usuario && ` · ${auth.usuario}`}
          {auth.nombre && ` · ${auth.nombre}`}
          {auth.tipo !== 'ninguna' && (
            <Text size="xs" c={auth.credencial_guardada ? 'dimmed' : 'red.8'}>
              {auth.credencial_guardada
                ? t(
                    auth.proteccion === 'cifrada'
                      ? 'erp.form.auth.savedEncrypted'
                      : 'erp.form.auth.savedPlain',
                  )
                : t('erp.summary.noSecret')}
            </Text>
          )}
        </Fact>
        <Fact label={t('erp.summary.schedule')}>
          {config.activo
            ? t('erp.summary.every', { every: every(config.cada_segundos) })
            : t('erp.summary.manualOnly')}
        </Fact>
        <Fact label={t('erp.summary.paths')}>
          <Stack gap={0}>
            {(['articulos', 'stock', 'movimientos'] as const).map((entity) => (
              <Text key={entity} size="sm">
                {t(`erp.form.paths.${entity}`)}: <Code>{config.rutas[entity]}</Code>
              </Text>
            ))}
          </Stack>
        </Fact>
        <Fact label={t('erp.summary.pagination')}>
          {t(`erp.paginations.${config.paginacion}.label`)}
          <Text size="xs" c="dimmed">
            {t('erp.summary.pageSize', { count: config.tamano_pagina })}
          </Text>
        </Fact>
        <Fact label={t('erp.summary.mapping')}>
          <Text size="sm">
            {t('erp.summary.mappingArticles', {
              codigo: config.mapeo.articulos.codigo ?? '—',
              nombre: config.mapeo.articulos.nombre ?? '—',
            })}
          </Text>
          <Text size="sm">
            {t('erp.summary.mappingStock', { cantidad: config.mapeo.stock.cantidad ?? '—' })}
          </Text>
        </Fact>
      </SimpleGrid>
    </Paper>
  );
}
