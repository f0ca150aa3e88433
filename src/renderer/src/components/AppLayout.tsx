import { useCallback, useEffect, useState, type ComponentType } from 'react';
import { AppShell, Burger, Group, NavLink, Text, ThemeIcon, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useTranslation } from 'react-i18next';
import { useHandlerQuery } from '../api/handlerQueries';
import { forgetBridgeToken } from '../api/transport';
import { useHealthCheck } from '../api/useHealthCheck';
import { useLiveUpdates } from '../api/useLiveUpdates';
import { applyLanguage } from '../i18n';
import { DashboardPage } from '../pages/dashboard/DashboardPage';
import { ErpPage } from '../pages/erp/ErpPage';
import { ImportPage } from '../pages/imports/ImportPage';
import { InventoryPage } from '../pages/inventory/InventoryPage';
import { ApiKeysPage } from '../pages/keys/ApiKeysPage';
import { LogsPage } from '../pages/logs/LogsPage';
import { NO_LOG_FILTERS, type LogFilterValues } from '../pages/logs/LogFilters';
import { MissingTokenPage } from '../pages/MissingTokenPage';
import { SettingsPage } from '../pages/settings/SettingsPage';
import { WebhooksPage } from '../pages/webhooks/WebhooksPage';
import { ConnectionStatus } from './ConnectionStatus';
import { DisabledWebhooksBanner } from './DisabledWebhooksBanner';
import {
  BoxIcon,
  GaugeIcon,
  KeyIcon,
  ListIcon,
  SettingsIcon,
  SyncIcon,
  UploadIcon,
  WebhookIcon,
} from './icons';
import { NavigationProvider, PAGES, type NavigationTarget, type PageId } from './Navigation';

const PAGE_ICONS: Record<PageId, ComponentType<{ size?: number }>> = {
  dashboard: GaugeIcon,
  erp: SyncIcon,
  inventory: BoxIcon,
  imports: UploadIcon,
  logs: ListIcon,
  keys: KeyIcon,
  webhooks: WebhookIcon,
  settings: SettingsIcon,
};

// The current page survives a reload of the browser tab (there is no router: eight pages). The
// Panel is the home page.
const PAGE_STORAGE_KEY = 'gsih.page';

function initialPage(): PageId {
  const stored = sessionStorage.getItem(PAGE_STORAGE_KEY);
  return (PAGES as readonly string[]).includes(stored ?? '') ? (stored as PageId) : 'dashboard';
}

// Below the fixed navigation bar (which is one screen tall), a long page shows Main's own
// background: this paints the bar's white column and its border down the whole page too.
const MAIN_BACKGROUND = `linear-gradient(to right,
  var(--mantine-color-body) 0 calc(var(--app-shell-navbar-offset, 0rem) - 1px),
  var(--app-shell-border-color) calc(var(--app-shell-navbar-offset, 0rem) - 1px) var(--app-shell-navbar-offset, 0rem),
  var(--mantine-color-gray-0) var(--app-shell-navbar-offset, 0rem))`;

export function AppLayout() {
  const { t } = useTranslation();
  const [page, setPage] = useState<PageId>(initialPage);
  // Filters a link opened Registros with; `visit` remounts the page so it takes them.
  const [logFilters, setLogFilters] = useState<LogFilterValues>(NO_LOG_FILTERS);
  const [visit, setVisit] = useState(0);
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
  const navigate = useCallback(
    (target: NavigationTarget) => {
      setLogFilters({ ...NO_LOG_FILTERS, ...target.logFilters });
      setVisit((n) => n + 1);
      setPage(target.page);
      sessionStorage.setItem(PAGE_STORAGE_KEY, target.page);
      navbar.close();
      window.scrollTo(0, 0);
    },
    [navbar],
  );

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
              onClick={() => {
                // The menu opens a page as it is, without filters a link left behind.
                setLogFilters(NO_LOG_FILTERS);
                open(id);
              }}
              style={{ borderRadius: 'var(--mantine-radius-md)' }}
              mb={4}
            />
          );
        })}
        <Text size="xs" c="dimmed" mt="auto" px="sm">
          {t('app.tagline')}
        </Text>
      </AppShell.Navbar>

      <AppShell.Main style={{ background: MAIN_BACKGROUND }}>
        <NavigationProvider value={navigate}>
          {/* On the Webhooks page itself the rows say the same, so no link back to it. */}
          <DisabledWebhooksBanner
            onOpen={page === 'webhooks' ? undefined : () => open('webhooks')}
          />
          {page === 'dashboard' && <DashboardPage />}
          {page === 'erp' && <ErpPage />}
          {page === 'inventory' && <InventoryPage />}
          {page === 'imports' && <ImportPage onOpenInventory={() => open('inventory')} />}
          {page === 'logs' && <LogsPage key={visit} initialFilters={logFilters} />}
          {page === 'keys' && <ApiKeysPage />}
          {page === 'webhooks' && <WebhooksPage />}
          {page === 'settings' && <SettingsPage />}
        </NavigationProvider>
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
