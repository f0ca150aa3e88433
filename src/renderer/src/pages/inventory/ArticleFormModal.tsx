import { useState, type FormEvent } from 'react';
import { Button, Group, Modal, NumberInput, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import type { Article, ArticleSummary } from '../../../../shared/domain';
import { fieldErrors, formLevelError } from '../../api/errorMessage';
import { useHandlerMutation } from '../../api/handlerQueries';
import { ErrorAlert } from '../../components/ErrorAlert';
import { nullableNumber, nullableText, type NumberFieldValue } from '../../forms';

export type ArticleFormTarget = { mode: 'create' } | { mode: 'edit'; article: ArticleSummary };

interface ArticleDraft {
  codigo: string;
  nombre: string;
  material: string;
  diametro: NumberFieldValue;
  unidad: string;
  stock_minimo: NumberFieldValue;
  referencia_externa: string;
}

const ARTICLE_FIELDS = [
  'codigo',
  'nombre',
  'material',
  'diametro',
  'unidad',
  'stock_minimo',
  'referencia_externa',
] as const;

function draftOf(target: ArticleFormTarget): ArticleDraft {
  if (target.mode === 'create') {
    return {
      codigo: '',
      nombre: '',
      material: '',
      diametro: '',
      unidad: 'unidad',
      stock_minimo: 0,
      referencia_externa: '',
    };
  }
  const a = target.article;
  return {
    codigo: a.codigo,
    nombre: a.nombre,
    material: a.material ?? '',
    diametro: a.diametro ?? '',
    unidad: a.unidad,
    stock_minimo: a.stock_minimo,
    referencia_externa: a.referencia_externa ?? '',
  };
}

/** Create or edit an article; the core validates and answers with per-field messages. */
export function ArticleFormModal(props: { target: ArticleFormTarget; onClose: () => void }) {
  const { t } = useTranslation();
  const { target } = props;
  const [draft, setDraft] = useState<ArticleDraft>(() => draftOf(target));
  const create = useHandlerMutation('inventory/createArticle', ['inventory', 'app']);
  const update = useHandlerMutation('inventory/updateArticle', ['inventory', 'app']);
  const mutation = target.mode === 'create' ? create : update;

  const errors = fieldErrors(mutation.error);
  // A message that no field shows (a duplicate código, an unknown field) goes in the alert.
  const unplacedError = formLevelError(mutation.error, ARTICLE_FIELDS);

  const set = <K extends keyof ArticleDraft>(field: K, value: ArticleDraft[K]) =>
    setDraft((current) => ({ ...current, [field]: value }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const fields = {
      codigo: draft.codigo,
      nombre: draft.nombre,
      material: nullableText(draft.material),
      diametro: nullableNumber(draft.diametro),
      unidad: draft.unidad,
      stock_minimo: nullableNumber(draft.stock_minimo) ?? 0,
      referencia_externa: nullableText(draft.referencia_externa),
    };
    const onSuccess = (article: Article) => {
      notifications.show({
        color: 'teal',
        message: t(target.mode === 'create' ? 'articles.form.created' : 'articles.form.updated', {
          codigo: article.codigo,
        }),
      });
      props.onClose();
    };
    if (target.mode === 'create') create.mutate(fields, { onSuccess });
    else update.mutate({ id: target.article.id, ...fields }, { onSuccess });
  };

  return (
    <Modal
      opened
      onClose={props.onClose}
      size="lg"
      title={
        target.mode === 'create'
          ? t('articles.form.createTitle')
          : t('articles.form.editTitle', { codigo: target.article.codigo })
      }
    >
      <form onSubmit={submit} noValidate>
        <Stack gap="md">
          {unplacedError && <ErrorAlert error={unplacedError} title={t('errors.saveFailed')} />}
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
            <TextInput
              label={t('articles.fields.codigo')}
              withAsterisk
              data-autofocus
              value={draft.codigo}
              onChange={(e) => set('codigo', e.currentTarget.value)}
              error={errors.codigo}
              maxLength={64}
            />
            <TextInput
              label={t('articles.fields.nombre')}
              withAsterisk
              value={draft.nombre}
              onChange={(e) => set('nombre', e.currentTarget.value)}
              error={errors.nombre}
            />
            <TextInput
              label={t('articles.fields.material')}
              value={draft.material}
              onChange={(e) => set('material', e.currentTarget.value)}
              error={errors.material}
            />
            <NumberInput
              label={t('articles.fields.diametro')}
              value={draft.diametro}
              onChange={(value) => set('diametro', value)}
              error={errors.diametro}
              min={0}
              decimalScale={3}
            />
            <TextInput
              label={t('articles.fields.unidad')}
              withAsterisk
              description={t('articles.form.unidadHelp')}
              value={draft.unidad}
              onChange={(e) => set('unidad', e.currentTarget.value)}
              error={errors.unidad}
              maxLength={20}
            />
            <NumberInput
              label={t('articles.fields.stock_minimo')}
              description={t('articles.form.stockMinimoHelp')}
              value={draft.stock_minimo}
              onChange={(value) => set('stock_minimo', value)}
              error={errors.stock_minimo}
              min={0}
              decimalScale={3}
            />
          </SimpleGrid>
          <TextInput
            label={t('articles.fields.referencia_externa')}
            description={t('articles.form.referenciaHelp')}
            value={draft.referencia_externa}
            onChange={(e) => set('referencia_externa', e.currentTarget.value)}
            error={errors.referencia_externa}
          />
          <Group justify="flex-end" mt="sm">
            <Button variant="default" onClick={props.onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={mutation.isPending}>
              {target.mode === 'create' ? t('articles.form.create') : t('common.saveChanges')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
