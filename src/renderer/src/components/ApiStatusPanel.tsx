import { useId } from 'react';
import { Alert, Anchor, Badge, Code, Group, Loader, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ApiServerStatus } from '../../../shared/domain';
import { useHandlerQuery } from '../api/handlerQueries';
import { CopyButton } from './CopyButton';
import { ErrorAlert } from './ErrorAlert';
import { AlertIcon, ExternalLinkIcon, InfoIcon } from './icons';

interface Configured {
  host: string;
  port: number;
}

/** Saved settings apply at the next start, and `gsih serve --api-host/--api-port` wins over them. */
function differsFromConfigured(status: ApiServerStatus, configured: Configured): boolean {
  const portDiffers = configured.port !== 0 && status.port !== configured.port;
  return status.host !== configured.host || portDiffers;
}

function isWildcard(host: string | undefined): boolean {
  return host === '0.0.0.0' || host === '::';
}

/** An address only this PC can use: 127.0.0.0/8, ::1, localhost. */
function isLoopback(address: string): boolean {
  const host = new URL(address).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

/** The integrators' documentation, served by the API itself next to its endpoints. */
export function docsUrl(address: string): string {
  return new URL('/api/external/docs', address).href;
}

/**
 * Whether the external API is listening and the addresses other machines reach it at, each with
 * a copy button; when it is not listening, why. Used by Claves API (`withDocs`) and by Ajustes
 * (`withState`, above the address and port fields).
 */
export function ApiStatusPanel(props: { withDocs?: boolean; withState?: boolean }) {
  const { t } = useTranslation();
  const status = useHandlerQuery('api/status', {});
  // Already in the cache: the layout reads the settings for the language.
  const settings = useHandlerQuery('settings/get', {});
  const configured = settings.data
    ? { host: settings.data.apiHost, port: settings.data.apiPort }
    : undefined;

  if (status.isError) return <ErrorAlert error={status.error} onRetry={() => status.refetch()} />;
  if (status.isPending) return <Loader size="sm" aria-label={t('common.loading')} />;
  return <ApiStatusView status={status.data} configured={configured} {...props} />;
}

function ApiStatusView(props: {
  status: ApiServerStatus;
  withDocs?: boolean | undefined;
  withState?: boolean | undefined;
  configured?: Configured | undefined;
}) {
  const { t } = useTranslation();
  const { status } = props;
  const labelId = useId();

  if (!status.escuchando) {
    return (
      <Alert
        color="yellow"
        variant="light"
        icon={<AlertIcon />}
        title={t('apiStatus.notListeningTitle')}
        role="alert"
      >
        <Stack gap={6}>
          <Text size="sm">{t('apiStatus.notListening')}</Text>
          {status.error && (
            <Text size="sm" fw={500}>
              {t('apiStatus.reason', { error: status.error })}
            </Text>
          )}
          <Text size="sm">
            {props.withState ? t('apiStatus.fixBelow') : t('apiStatus.checkSettings')}
          </Text>
        </Stack>
      </Alert>
    );
  }

  const first = status.direcciones[0];
  const onlyThisPc = status.direcciones.length > 0 && status.direcciones.every(isLoopback);
  return (
    <Stack gap="xs">
      {props.withState && (
        <Group gap="xs">
          <Text size="sm" fw={500}>
            {t('apiStatus.state')}
          </Text>
          <Badge variant="light" color="teal" style={{ textTransform: 'none' }}>
            {t('apiStatus.listening', { host: status.host, port: status.port ?? '—' })}
          </Badge>
        </Group>
      )}
      <Text size="sm" fw={500} id={labelId}>
        {t('apiStatus.addresses', { count: status.direcciones.length })}
      </Text>
      {status.direcciones.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('apiStatus.noAddresses')}
        </Text>
      ) : (
        <Stack gap={6} component="ul" aria-labelledby={labelId} m={0} p={0}>
          {status.direcciones.map((address) => (
            <Group
              key={address}
              component="li"
              gap="sm"
              wrap="nowrap"
              style={{ listStyle: 'none' }}
            >
              <Code fz="sm" style={{ wordBreak: 'break-all' }}>
                {address}
              </Code>
              <CopyButton
                value={address}
                label={t('apiStatus.copyAddress', { address })}
                size="compact-sm"
              />
              {isLoopback(address) && !onlyThisPc && (
                <Text size="xs" c="dimmed">
                  {t('apiStatus.thisPcOnly')}
                </Text>
              )}
            </Group>
          ))}
        </Stack>
      )}
      {onlyThisPc && (
        <Alert color="yellow" variant="light" icon={<InfoIcon />} p="xs">
          <Text size="sm">
            {t('apiStatus.loopback')}{' '}
            {/* Nothing to change in the settings when they already say "all interfaces". */}
            {!isWildcard(props.configured?.host) &&
              (props.withState ? t('apiStatus.loopbackFixBelow') : t('apiStatus.loopbackFix'))}
          </Text>
        </Alert>
      )}
      {props.withDocs && first && (
        <Stack gap={2} mt="xs">
          <Text size="sm" fw={500}>
            {t('apiStatus.docs')}
          </Text>
          <Text size="sm">
            <Anchor href={docsUrl(first)} target="_blank" rel="noreferrer">
              {docsUrl(first)}
              <ExternalLinkIcon size={14} style={{ marginLeft: 4, verticalAlign: '-2px' }} />
            </Anchor>
          </Text>
          <Text size="xs" c="dimmed">
            {t('apiStatus.docsHelp')}
          </Text>
        </Stack>
      )}
      {props.withState && props.configured && differsFromConfigured(status, props.configured) && (
        <Text size="xs" c="dimmed">
          {t('apiStatus.notConfigured', {
            actual: `${status.host}:${status.port ?? '—'}`,
            configured: `${props.configured.host}:${props.configured.port}`,
          })}
        </Text>
      )}
    </Stack>
  );
}
