import { useState } from 'react';
import { Badge, Button, Paper, Tabs } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ArticleSummary } from '../../../../shared/domain';
import { useHandlerQuery } from '../../api/handlerQueries';
import { PageHeader } from '../../components/PageHeader';
import { ExchangeIcon, PlusIcon } from '../../components/icons';
import { ArticleFormModal, type ArticleFormTarget } from './ArticleFormModal';
import { ArticlesTab } from './ArticlesTab';
import { MovementFormModal } from './MovementFormModal';
import { MovementHistoryTab } from './MovementHistoryTab';
import { OpenAlertsTab } from './OpenAlertsTab';
import { PendingMovementsTab } from './PendingMovementsTab';
import { StockDrawer } from './StockDrawer';

type InventoryTab = 'articles' | 'pending' | 'history' | 'alerts';

/** What the movement modal starts with: nothing, or the article the user picked it from. */
type MovementTarget = { article: ArticleSummary | null } | null;

export function InventoryPage() {
  const { t } = useTranslation();
  const [tab, setTab] = useState<InventoryTab>('articles');
  const [articleForm, setArticleForm] = useState<ArticleFormTarget | null>(null);
  const [movementForm, setMovementForm] = useState<MovementTarget>(null);
  const [stockArticle, setStockArticle] = useState<ArticleSummary | null>(null);

  // Only the totals, for the tab badges.
  const pending = useHandlerQuery('inventory/listMovements', {
    estado: 'PENDIENTE',
    page: 1,
    page_size: 1,
  });
  const alerts = useHandlerQuery('inventory/listAlerts', {
    estado: 'ABIERTA',
    page: 1,
    page_size: 1,
  });

  return (
    <>
      <PageHeader
        title={t('inventory.title')}
        description={t('inventory.description')}
        actions={
          <>
            <Button
              variant="default"
              leftSection={<ExchangeIcon />}
              onClick={() => setMovementForm({ article: null })}
            >
              {t('movements.register')}
            </Button>
            <Button leftSection={<PlusIcon />} onClick={() => setArticleForm({ mode: 'create' })}>
              {t('articles.new')}
            </Button>
          </>
        }
      />

      <Paper withBorder radius="md" p="md">
        <Tabs value={tab} onChange={(value) => value && setTab(value as InventoryTab)}>
          <Tabs.List mb="md">
            <Tabs.Tab value="articles">{t('inventory.tabs.articles')}</Tabs.Tab>
            <Tabs.Tab value="pending" rightSection={countBadge(pending.data?.total, 'yellow')}>
              {t('inventory.tabs.pending')}
            </Tabs.Tab>
            <Tabs.Tab value="history">{t('inventory.tabs.history')}</Tabs.Tab>
            <Tabs.Tab value="alerts" rightSection={countBadge(alerts.data?.total, 'red')}>
              {t('inventory.tabs.alerts')}
            </Tabs.Tab>
          </Tabs.List>

          <Tabs.Panel value="articles">
            <ArticlesTab
              onCreate={() => setArticleForm({ mode: 'create' })}
              onEdit={(article) => setArticleForm({ mode: 'edit', article })}
              onRegisterMovement={(article) => setMovementForm({ article })}
              onShowStock={setStockArticle}
            />
          </Tabs.Panel>
          <Tabs.Panel value="pending">
            <PendingMovementsTab />
          </Tabs.Panel>
          <Tabs.Panel value="history">
            <MovementHistoryTab />
          </Tabs.Panel>
          <Tabs.Panel value="alerts">
            <OpenAlertsTab />
          </Tabs.Panel>
        </Tabs>
      </Paper>

      {articleForm && (
        <ArticleFormModal target={articleForm} onClose={() => setArticleForm(null)} />
      )}
      {movementForm && (
        <MovementFormModal
          initialArticle={movementForm.article}
          onClose={() => setMovementForm(null)}
        />
      )}
      <StockDrawer
        article={stockArticle}
        onClose={() => setStockArticle(null)}
        onRegisterMovement={(article) => {
          setStockArticle(null);
          setMovementForm({ article });
        }}
      />
    </>
  );
}

// Returns nothing (not an empty element) at zero so the tab keeps no gap for it.
function countBadge(count: number | undefined, color: string) {
  if (!count) return undefined;
  return (
    <Badge size="sm" circle={count < 10} color={color} variant="filled">
      {count}
    </Badge>
  );
}
