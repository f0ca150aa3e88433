import { useEffect, useState, type ComponentType } from 'react';
import { AppShell, Burger, Group, NavLink, Text, ThemeIcon, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useHandlerQuery } from '../api/handlerQueries';
import { forgetBridgeToken } from '../api/transport';
import { useHealthCheck } from '../api/useHealthCheck';
import { useLiveUpdates } from '../api/useLiveUpdates';
import { applyLanguage } from '../i18n';
import { ImportPage } from '../pages/imports/ImportPage';
import { InventoryPage } from '../pages/inventory/InventoryPage';
import { ApiKeysPage } from '../pages/keys/ApiKeysPage';
import { LogsPage } from '../pages/logs/LogsPage';
import { MissingTokenPage } from '../pages/MissingTokenPage';
import { SettingsPage } from '../pages/settings/SettingsPage';
import { WebhooksPage } from '../pages/webhooks/WebhooksPage';
import { ConnectionStatus } from './ConnectionStatus';
import { DisabledWebhooksBanner } from './DisabledWebhooksBanner';
import { BoxIcon, KeyIcon, ListIcon, SettingsIcon, UploadIcon, WebhookIcon } from './icons';

const PAGES = ['inventory', 'imports', 'logs', 'keys', 'webhooks', 'settings'] as const;
type PageId = (typeof PAGES)[number];

const PAGE_ICONS: Record<PageId, ComponentType<{ size?: number }>> = {
  inventory: BoxIcon,
  imports: UploadIcon,
  logs: ListIcon,
  keys: KeyIcon,
  webhooks: WebhookIcon,
  settings: SettingsIcon,
};

// The current page survives a reload of the browser tab (there is no router: six pages).
const PAGE_STORAGE_KEY = 'gsih.page';

function initialPage(): PageId {
  const stored = sessionStorage.getItem(PAGE_STORAGE_KEY);
  return (PAGES as readonly string[]).includes(stored ?? '') ? (stored as PageId) : 'inventory';
}

export function AppLayout() {
  const { t } = useTranslation();
  const [page, setPage] = useState<PageId>(initialPage);
  const [navbarOpened, navbar] = useDisclosure(false);
  useLiveUpdates();
  useSavedLanguage();
  const health = useHealthCheck();
  const refused = health.error?.code === 'UNAUTHORIZED';
  useEffect(() => {
    if (refused) forgetBridgeToken();
  }, [refused]);

  const open = (next: PageId) => {
    setPage(next);
    sessionStorage.setItem(PAGE_STORAGE_KEY, next);
    navbar.close();
  };

  // Nothing works with a refused token, so the whole page explains how to get the right one.
  if (refused) return <MissingTokenPage reason="invalid" />;

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !navbarOpened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="lg" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={navbarOpened}
              onClick={navbar.toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label={t('nav.toggle')}
            />
            <ThemeIcon size={34} radius="md" variant="filled">
              <BoxIcon size={20} />
            </ThemeIcon>
            <Title order={1} size="h4">
              {t('app.name')}
            </Title>
          </Group>
          <ConnectionStatus />
        </Group>
      </AppShell.Header>

      <AppShell.Navbar p="sm" component="nav" aria-label={t('nav.label')}>
        {PAGES.map((id) => {
          const Icon = PAGE_ICONS[id];
          return (
            <NavLink
              key={id}
              component="button"
              label={t(`nav.${id}`)}
              leftSection={<Icon size={18} />}
              active={page === id}
              aria-current={page === id ? 'page' : undefined}
              onClick={() => open(id)}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
              mb={4}
            />
          );
        })}
        <Text size="xs" c="dimmed" mt="auto" px="sm">
          {t('app.tagline')}
        </Text>
      </AppShell.Navbar>

      <AppShell.Main bg="gray.0">
        {/* On the Webhooks page itself the rows say the same, so no link back to it. */}
        <DisabledWebhooksBanner onOpen={page === 'webhooks' ? undefined : () => open('webhooks')} />
        {page === 'inventory' && <InventoryPage />}
        {page === 'imports' && <ImportPage onOpenInventory={() => open('inventory')} />}
        {page === 'logs' && <LogsPage />}
        {page === 'keys' && <ApiKeysPage />}
        {page === 'webhooks' && <WebhooksPage />}
        {page === 'settings' && <SettingsPage />}
      </AppShell.Main>
    </AppShell>
  );
}

/** The saved language wins over the local hint once the settings arrive. */
function useSavedLanguage(): void {
  const settings = useHandlerQuery('settings/get', {});
  const language = settings.data?.language;
  useEffect(() => {
    if (language) applyLanguage(language);
  }, [language]);
}
