import { notifications } from '@mantine/notifications';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { createFakeApi } from './test/fake-api.test-support';
import { renderWithApi } from './test/render.test-support';

describe('Providers', () => {
  it('shows a notification asked for before the notification area has mounted', async () => {
    renderWithApi(<p>page</p>, createFakeApi({}));
    notifications.show({ message: 'asked for at once' });
    expect(await screen.findByText('asked for at once')).toBeInTheDocument();
  });
});
