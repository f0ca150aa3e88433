import { useTranslation } from 'react-i18next';
import { PageHeader } from '../../components/PageHeader';
import { ImportHistory } from './ImportHistory';
import { ImportWizard } from './ImportWizard';

/** Importar CSV: the step-by-step import and, below, the history of every import. */
export function ImportPage({ onOpenInventory }: { onOpenInventory: () => void }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t('imports.title')} description={t('imports.description')} />
      <ImportWizard onOpenInventory={onOpenInventory} />
      <ImportHistory />
    </>
  );
}
