// Creating the output capture: mode 0600, never over an existing file unless forced, never through
// a symlink, with one clear line for each way it can fail.
import { constants } from 'node:fs';
import { access, type FileHandle, open, stat, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { describeSystemError, EXIT, OutputError } from '../capture/errors';

const CAPTURE_MODE = 0o600;

/** Fails early (before the tracer starts) when the output cannot be created. */
export async function checkOutputPath(path: string, force: boolean): Promise<void> {
  const dir = dirname(path);
  const dirInfo = await stat(dir).catch(() => null);
  if (!dirInfo)
    throw new OutputError(
      `cannot record to ${path}: directory ${dir} does not exist (create it first)`,
      EXIT.outputDirMissing,
    );
  if (!dirInfo.isDirectory()) {
    throw new OutputError(
      `cannot record to ${path}: ${dir} is not a directory; name a file in an existing directory`,
      EXIT.outputDirMissing,
    );
  }
  await access(dir, constants.W_OK).catch(() => {
    throw new OutputError(
      `cannot record to ${path}: directory ${dir} is not writable (read-only or no permission): choose another --output directory`,
      EXIT.outputNotWritable,
    );
  });
  const existing = await stat(path).catch(() => null);
  if (existing?.isDirectory())
    throw new OutputError(`cannot record to ${path}: it is a directory; --output names a file`);
  if (existing && !force)
    throw new OutputError(`${path} already exists: choose another --output or pass --force to overwrite it`);
}

/**
 * Opens the capture for writing: O_EXCL unless `force`, O_NOFOLLOW always, mode 0600. A forced file is not
 * truncated here: its old content stays until the capture really starts (FileWriter.onFile empties it).
 */
export async function createOutputFile(path: string, force: boolean): Promise<FileHandle> {
  const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | (force ? 0 : constants.O_EXCL);
  try {
    const file = await open(path, flags, CAPTURE_MODE);
    // An overwritten file keeps its old mode otherwise; devices (/dev/full in tests) keep theirs.
    if (force && (await file.stat()).isFile()) await file.chmod(CAPTURE_MODE);
    return file;
  } catch (error) {
    throw outputError(path, 'create', error);
  }
}

/** Empties a regular file before its first frame (a no-op on a new one; devices such as /dev/full stay as they are). */
export async function emptyRegularFile(file: FileHandle): Promise<void> {
  if ((await file.stat()).isFile()) await file.truncate(0);
}

/**
 * The --output of record and watch: opened before the tracer starts, so a bad path fails before any BPF is
 * loaded, and removed after a failed start only when this run created it (a --force'd old capture stays).
 */
export function outputLifecycle(
  path: string,
  force: boolean,
): { openOutput: () => Promise<FileHandle>; removeOutput: () => Promise<void> } {
  let created = false;
  return {
    openOutput: async () => {
      created = !(await stat(path).then(
        () => true,
        () => false,
      ));
      return createOutputFile(path, force);
    },
    removeOutput: async () => {
      if (created) await unlink(path);
    },
  };
}

export function outputError(path: string, action: 'create' | 'write', error: unknown): OutputError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EEXIST')
    return new OutputError(`${path} already exists: choose another --output or pass --force to overwrite it`);
  if (code === 'ELOOP') return new OutputError(`cannot ${action} ${path}: it is a symbolic link; name the real file`);
  if (action === 'create' && code === 'ENOENT') {
    return new OutputError(
      `cannot create ${path}: directory ${dirname(path)} does not exist (create it first)`,
      EXIT.outputDirMissing,
    );
  }
  if (action === 'create' && (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')) {
    return new OutputError(
      `cannot create ${path}: ${describeSystemError(error)}: choose another --output directory`,
      EXIT.outputNotWritable,
    );
  }
  if (action === 'create') {
    const full = code === 'ENOSPC' || code === 'EDQUOT';
    return new OutputError(
      `cannot create ${path}: ${describeSystemError(error)}: ${full ? 'free some space or ' : ''}choose another --output`,
    );
  }
  // Writing (disk full, I/O error): the path was fine, so this keeps the general output code.
  return new OutputError(
    `cannot write ${path}: ${describeSystemError(error)}; the frames written before this stay readable`,
  );
}
