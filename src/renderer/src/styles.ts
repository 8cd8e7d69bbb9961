/**
 * Every Mantine stylesheet of the window, in this one file (§16 first render). Per component instead of Mantine's
 * global sheet (251 KB, most of it for components the app never shows). Imported statically — the boot CSS — the
 * globals, then what the shell and the Queue page show (the components others build on first, in the order of
 * Mantine's "CSS files list"); the rest — the other pages, the drawer, the charts — comes later with
 * `loadPageStyles()` / `loadChartStyles()`, which the lazy pages and the drawer await before they show.
 * `test/mantine-styles.test.ts` fails, naming the lines to add, when a Mantine component used in src/renderer has no
 * stylesheet here, or when one the window shows at first render is only loaded later.
 */
import '@mantine/core/styles/baseline.css';
import '@mantine/core/styles/default-css-variables.css';
import '@mantine/core/styles/global.css';
import '@mantine/core/styles/ScrollArea.css';
import '@mantine/core/styles/UnstyledButton.css';
import '@mantine/core/styles/VisuallyHidden.css';
import '@mantine/core/styles/Paper.css';
import '@mantine/core/styles/CloseButton.css';
import '@mantine/core/styles/Group.css';
import '@mantine/core/styles/Loader.css';
import '@mantine/core/styles/Overlay.css';
import '@mantine/core/styles/ModalBase.css';
import '@mantine/core/styles/Input.css';
import '@mantine/core/styles/InlineInput.css';
import '@mantine/core/styles/AppShell.css';
import '@mantine/core/styles/Badge.css';
import '@mantine/core/styles/Button.css';
import '@mantine/core/styles/Checkbox.css';
import '@mantine/core/styles/CheckboxCard.css';
import '@mantine/core/styles/CheckboxIndicator.css';
import '@mantine/core/styles/Modal.css';
import '@mantine/core/styles/NavLink.css';
import '@mantine/core/styles/Notification.css';
import '@mantine/core/styles/Stack.css';
import '@mantine/core/styles/Table.css';
import '@mantine/core/styles/Text.css';
import '@mantine/core/styles/Title.css';
import '@mantine/core/styles/Tooltip.css';
// other Mantine packages after @mantine/core, then the app's own
import '@mantine/notifications/styles.css';
import './styles.css';

let pageStyles: Promise<unknown> | null = null;

/**
 * The stylesheets of components only the other pages and the event drawer show, loaded once (boot.tsx starts it
 * after the first render). Each `import()` adds its sheet in this order, after the boot CSS.
 */
export function loadPageStyles(): Promise<unknown> {
  pageStyles ??= Promise.all([
    import('@mantine/core/styles/Popover.css'),
    import('@mantine/core/styles/FloatingIndicator.css'),
    import('@mantine/core/styles/ActionIcon.css'),
    import('@mantine/core/styles/Alert.css'),
    import('@mantine/core/styles/Card.css'),
    import('@mantine/core/styles/ColorSwatch.css'),
    import('@mantine/core/styles/NumberInput.css'),
    import('@mantine/core/styles/Skeleton.css'),
    import('@mantine/core/styles/Code.css'),
    import('@mantine/core/styles/Combobox.css'),
    import('@mantine/core/styles/Drawer.css'),
    import('@mantine/core/styles/List.css'),
    import('@mantine/core/styles/PasswordInput.css'),
    import('@mantine/core/styles/Pill.css'),
    import('@mantine/core/styles/PillsInput.css'),
    import('@mantine/core/styles/SegmentedControl.css'),
    import('@mantine/core/styles/SimpleGrid.css'),
    import('@mantine/core/styles/Switch.css'),
  ]).catch((error: unknown) => {
    pageStyles = null; // a failed load (e.g. the core restarted mid-request) is tried again by the next page
    throw error;
  });
  return pageStyles;
}

/**
 * A lazy page or drawer module, resolved once its stylesheets are in: `lazy(() => withPageStyles(import(…)))`. A sheet
 * that failed to load does not keep the page away (it shows, less styled; the next page asks for the sheets again).
 */
export function withPageStyles<T>(module: Promise<T>): Promise<T> {
  return Promise.all([loadPageStyles().catch(() => undefined), module]).then(([, m]) => m);
}

/** The charts' stylesheet (@mantine/charts, §25), loaded by the first chart — never with the window. */
export function loadChartStyles(): Promise<unknown> {
  return import('@mantine/charts/styles.css');
}
