import { useState } from 'react';
import { notifications } from '@mantine/notifications';
import { useTranslation } from 'react-i18next';
import { rejectedReportName, type ImportSummary } from '../../../../shared/imports';
import { useBridgeFiles, useClient } from '../../api/ClientContext';
import { useErrorMessage } from '../../api/errorMessage';

/**
 * Gets an import's rejected-rows report to the user: in the browser a download (fetched with
 * the bridge's token, which a plain link could not carry), in the desktop app the save dialog.
 */
export function useRejectedReport() {
  const { t } = useTranslation();
  const client = useClient();
  const bridge = useBridgeFiles();
  const describe = useErrorMessage();
  const [pendingId, setPendingId] = useState<number | null>(null);

  const fetchReport = async (summary: ImportSummary) => {
    setPendingId(summary.id);
    try {
      if (bridge) {
        const blob = await bridge.downloadRejectedReport(summary.id);
        const url = URL.createObjectURL(blob);
        const link = document.createElement('a');
        link.href = url;
        link.download = rejectedReportName(summary.archivo);
        document.body.append(link);
        link.click();
        link.remove();
        // The download has its own copy by the time the click has been handled.
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      } else {
        const { guardado } = await client.invoke('imports/saveRejected', { id: summary.id });
        if (guardado) {
          notifications.show({
            color: 'teal',
            message: t('imports.actions.saved', { path: guardado }),
          });
        }
      }
    } catch (error) {
      notifications.show({
        color: 'red',
        title: t('imports.actions.downloadFailed'),
        message: describe(error),
      });
    } finally {
      setPendingId(null);
    }
  };

  return {
    /** The button's text: a download in the browser, "Save…" in the desktop app. */
    label: bridge ? t('imports.actions.download') : t('imports.actions.save'),
    pendingId,
    fetch: fetchReport,
  };
}
