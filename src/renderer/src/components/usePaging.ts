import { useState } from 'react';

/** Page and page size of a server-side paged list, as `TablePager` drives them. */
export function usePaging(initialPageSize = 25) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(initialPageSize);
  return {
    page,
    pageSize,
    setPage,
    onPageSizeChange: (size: number) => {
      setPageSize(size);
      // The current page may not exist at the new size.
      setPage(1);
    },
  };
}

export type Paging = ReturnType<typeof usePaging>;
