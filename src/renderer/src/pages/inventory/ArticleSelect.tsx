import { useMemo, useState } from 'react';
import { Loader, Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import type { ArticleSummary } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';

const OPTIONS_PAGE_SIZE = 30;

export function articleLabel(article: Pick<ArticleSummary, 'codigo' | 'nombre'>): string {
  return `${article.codigo} — ${article.nombre}`;
}

/**
 * A searchable article picker fed by the server's text search, so it works with any number of
 * articles. The chosen article stays among the options while the user searches for another.
 */
export function ArticleSelect(props: {
  value: ArticleSummary | null;
  onChange: (article: ArticleSummary | null) => void;
  error?: string | undefined;
}) {
  const { t } = useTranslation();
  const [search, setSearch] = useState(props.value ? articleLabel(props.value) : '');
  // While the box shows the chosen article's label, list everything rather than search for it.
  const typed = props.value && search === articleLabel(props.value) ? '' : search.trim();
  const [texto] = useDebouncedValue(typed, 250);

  const options = useHandlerQuery(
    'inventory/listArticles',
    { ...(texto ? { texto } : {}), page: 1, page_size: OPTIONS_PAGE_SIZE },
    { paged: true },
  );

  const byId = useMemo(() => {
    const map = new Map<string, ArticleSummary>();
    if (props.value) map.set(String(props.value.id), props.value);
    for (const article of options.data?.items ?? []) map.set(String(article.id), article);
    return map;
  }, [options.data, props.value]);

  return (
    <Select
      label={t('movements.fields.articulo')}
      withAsterisk
      searchable
      // Focus goes here only when there is an article to choose; a preset one would otherwise
      // open the list over the form the moment it appears.
      data-autofocus={props.value ? undefined : true}
      placeholder={t('movements.form.articlePlaceholder')}
      nothingFoundMessage={
        options.isFetching ? t('common.loading') : t('movements.form.noArticles')
      }
      // The server already filtered by the text; filtering again here would hide matches on
      // fields the label does not show (material, referencia externa).
      filter={({ options: all }) => all}
      data={[...byId.values()].map((article) => ({
        value: String(article.id),
        label: articleLabel(article),
      }))}
      value={props.value ? String(props.value.id) : null}
      onChange={(value) => props.onChange(value ? (byId.get(value) ?? null) : null)}
      searchValue={search}
      onSearchChange={setSearch}
      rightSection={options.isFetching ? <Loader size={14} /> : undefined}
      error={props.error}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
