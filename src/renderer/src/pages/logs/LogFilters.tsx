import { Button, Group, Select, SimpleGrid, TextInput } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { LOG_STATES, type LogState } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { SearchIcon } from '../../components/icons';

export interface LogFilterValues {
  sistema: string | null;
  tipo: string | null;
  estado: LogState | null;
  texto: string;
  /** yyyy-mm-dd from the date inputs, '' when unset. */
  desde: string;
  hasta: string;
}

export const NO_LOG_FILTERS: LogFilterValues = {
  sistema: null,
  tipo: null,
  estado: null,
  texto: '',
  desde: '',
  hasta: '',
};

export function hasLogFilters(values: LogFilterValues): boolean {
  return Object.entries(values).some(([, value]) => value !== null && value !== '');
}

export function LogFilters(props: {
  values: LogFilterValues;
  onChange: (values: LogFilterValues) => void;
}) {
  const { t } = useTranslation();
  const facets = useHandlerQuery('logs/facets', {});
  const { values } = props;
  const set = <K extends keyof LogFilterValues>(field: K, value: LogFilterValues[K]) =>
    props.onChange({ ...values, [field]: value });

  return (
    <SimpleGrid cols={{ base: 1, sm: 3, lg: 6 }} spacing="sm" mb="md">
      <Select
        label={t('logs.fields.sistema')}
        placeholder={t('logs.filters.all')}
        clearable
        searchable
        data={facets.data?.sistemas ?? []}
        value={values.sistema}
        onChange={(value) => set('sistema', value)}
        nothingFoundMessage={t('logs.filters.noValues')}
      />
      <Select
        label={t('logs.fields.tipo')}
        placeholder={t('logs.filters.all')}
        clearable
        searchable
        data={facets.data?.tipos ?? []}
        value={values.tipo}
        onChange={(value) => set('tipo', value)}
        nothingFoundMessage={t('logs.filters.noValues')}
      />
      <Select
        label={t('logs.fields.estado')}
        placeholder={t('logs.filters.all')}
        clearable
        data={LOG_STATES.map((state) => ({ value: state, label: t(`logState.${state}`) }))}
        value={values.estado}
        onChange={(value) => set('estado', value as LogState | null)}
      />
      <TextInput
        label={t('logs.filters.texto')}
        placeholder={t('logs.filters.textoPlaceholder')}
        leftSection={<SearchIcon size={16} />}
        value={values.texto}
        onChange={(e) => set('texto', e.currentTarget.value)}
      />
      <TextInput
        type="date"
        label={t('logs.filters.desde')}
        value={values.desde}
        max={values.hasta || undefined}
        onChange={(e) => set('desde', e.currentTarget.value)}
      />
      <Group gap="xs" align="flex-end" wrap="nowrap">
        <TextInput
          type="date"
          label={t('logs.filters.hasta')}
          value={values.hasta}
          min={values.desde || undefined}
          onChange={(e) => set('hasta', e.currentTarget.value)}
          style={{ flex: 1 }}
        />
        {hasLogFilters(values) && (
          <Button variant="subtle" onClick={() => props.onChange(NO_LOG_FILTERS)}>
            {t('common.clear')}
          </Button>
        )}
      </Group>
    </SimpleGrid>
  );
}

/** A day picked in the date inputs, as the instant it starts (or ends) on this machine. */
export function dayBoundary(day: string, edge: 'start' | 'end'): string | undefined {
  if (!day) return undefined;
  const instant = new Date(`${day}T${edge === 'start' ? '00:00:00.000' : '23:59:59.999'}`);
  return Number.isNaN(instant.getTime()) ? undefined : instant.toISOString();
}
