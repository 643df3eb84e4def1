// Reading captures as sshtrace replay does: files and directories as one stream (capture-set.ts), rotated
// segments joined (segments.ts). The pipeline that reduces them into records: pipeline.ts.
export { openCaptures, readEvents, type CaptureSet, type FileSummary, type ReadEventsOptions } from './capture-set';
