import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual';
import type { RefObject } from 'react';

/**
 * Fixed-height virtualized rows inside a scroll container (TanStack Virtual). The only caller of `useVirtualizer`, so
 * the one place that knows the React Compiler skips memoizing it (the renderer is not compiled with it anyway).
 */
export function useVirtualRows(options: {
  count: number;
  scrollRef: RefObject<HTMLDivElement | null>;
  rowHeight: number;
  viewportHeight: number;
  getItemKey?: (index: number) => string | number;
  overscan?: number;
}): Virtualizer<HTMLDivElement, Element> {
  const { count, scrollRef, rowHeight, viewportHeight, getItemKey, overscan } = options;
  // eslint-disable-next-line react-hooks/incompatible-library -- rows are plain data, nothing memoized depends on it
  return useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey,
    overscan: overscan ?? 12,
    initialRect: { width: 1000, height: viewportHeight },
  });
}
