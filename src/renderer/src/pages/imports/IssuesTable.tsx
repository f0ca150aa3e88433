import { Badge, Table, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { useHandlerQuery } from '../../api/handlerQueries';
import { QueryStates } from '../../components/QueryStates';
import { TablePager } from '../../components/TablePager';
import { CheckIcon } from '../../components/icons';
import { usePaging } from '../../components/usePaging';
import { useImportFormat } from './importFormat';

/** The problems of one import's rows, in file order, a page at a time. */
export function IssuesTable({ id, stored }: { id: number; stored: number }) {
  const { t } = useTranslation();
  const format = useImportFormat();
  const paging = usePaging(25);
  const issues = useHandlerQuery(
    'imports/issues',
    { id, page: paging.page, page_size: paging.pageSize },
    { paged: true },
  );
  return (
    <QueryStates
      query={issues}
      compact
      empty={{
        icon: <CheckIcon size={24} />,
        variant: 'light',
        title: t('imports.issues.none'),
      }}
    >
      {(data) => (
        <>
          <Table.ScrollContainer minWidth={640} type="native">
            <Table striped aria-label={t('imports.issues.tableLabel')} verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th w={80}>{t('imports.issues.line')}</Table.Th>
                  <Table.Th w={200}>{t('imports.issues.column')}</Table.Th>
                  <Table.Th>{t('imports.issues.message')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {data.items.map((issue, index) => (
                  <Table.Tr key={`${issue.linea}-${index}`}>
                    <Table.Td ff="monospace">{format.count(issue.linea)}</Table.Td>
                    <Table.Td>
                      {issue.columna ?? (
                        <Text span size="sm" c="dimmed" fs="italic">
                          {t('imports.issues.wholeRow')}
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {issue.severidad === 'advertencia' && (
                        <Badge size="sm" color="yellow" variant="light" mr="xs">
                          {t('imports.issues.warning')}
                        </Badge>
                      )}
                      <Text span size="sm">
                        {issue.mensaje}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
          <TablePager paging={paging} total={data.total} />
          {stored > data.total && (
            <Text size="xs" c="dimmed" mt="xs">
              {t('imports.issues.truncated')}
            </Text>
          )}
        </>
      )}
    </QueryStates>
  );
}
