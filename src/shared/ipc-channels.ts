/** The two IPC channels between the preload and the main process; the preload imports these constants too. */
export const CALL_CHANNEL = 'desk:call';
export const STREAM_CHANNEL = 'desk:stream';
