import { Button, Text } from '@mantine/core';
import { ArrowDown } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import type { LogLine } from '../../../../shared/dto';
import { EmptyState } from '../../components/EmptyState';
import { formatClock, formatExact } from '../../lib/format';
import { useVirtualRows } from '../../lib/use-virtual-rows';

const LINE_HEIGHT = 20;
const LEVEL_COLORS: Partial<Record<LogLine['level'], string>> = {
  warn: 'var(--mantine-color-yellow-text)',
  error: 'red',
  fatal: 'red',
  debug: 'dimmed',
  trace: 'dimmed',
};

/** Shown after the message: where the line comes from. */
function contextOf(line: LogLine): string {
  const parts: string[] = [];
  if (line.accountId) parts.push(line.accountId);
  if (line.eventId) parts.push(`event ${line.eventId}`);
  return parts.length > 0 ? `  [${parts.join(' · ')}]` : '';
}

/** Live log lines, newest at the bottom; follows new lines unless the trader scrolled up. */
export function LogView({ lines, height = 320, emptyText }: { lines: LogLine[]; height?: number; emptyText: string }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [following, setFollowing] = useState(true);
  const virtualizer = useVirtualRows({
    count: lines.length,
    scrollRef,
    rowHeight: LINE_HEIGHT,
    viewportHeight: height,
    overscan: 20,
  });

  useEffect(() => {
    if (following && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [following, lines.length, virtualizer]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < LINE_HEIGHT * 1.5;
    setFollowing(atBottom);
  };

  if (lines.length === 0) return <EmptyState>{emptyText}</EmptyState>;
  return (
    <div style={{ position: 'relative' }}>
      <div
        ref={scrollRef}
        onScroll={onScroll}
        style={{ height, overflow: 'auto', position: 'relative' }}
        role="log"
        aria-label="Log lines"
        tabIndex={0}
      >
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const line = lines[item.index];
            if (!line) return null;
            return (
              <div
                key={item.key}
                className="log-line"
                title={`${formatExact(line.time)}\n${line.msg}${contextOf(line)}`}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  height: LINE_HEIGHT,
                  transform: `translateY(${item.start}px)`,
                }}
              >
                <Text span inherit c="dimmed">
                  {formatClock(line.time)}
                </Text>{' '}
                <Text
                  span
                  inherit
                  c={LEVEL_COLORS[line.level]}
                  fw={line.level === 'error' || line.level === 'fatal' ? 700 : undefined}
                >
                  {line.level.toUpperCase().padEnd(5)}
                </Text>{' '}
                {line.tag && (
                  <Text span inherit c="dimmed">
                    {line.tag}{' '}
                  </Text>
                )}
                {line.msg}
                <Text span inherit c="dimmed">
                  {contextOf(line)}
                </Text>
              </div>
            );
          })}
        </div>
      </div>
      {!following && (
        <Button
          size="compact-xs"
          leftSection={<ArrowDown size={12} />}
          style={{ position: 'absolute', right: 16, bottom: 8 }}
          onClick={() => {
            setFollowing(true);
            virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
          }}
        >
          Jump to latest
        </Button>
      )}
    </div>
  );
}
