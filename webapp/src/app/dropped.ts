/** The files of a drop, folders included (walked recursively), with their paths. */

export interface Named {
  file: File;
  /** Path inside the dropped folder ("trip/IMG_1.jpg"), or the file name. */
  name: string;
}

function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  // readEntries returns a batch at a time (100 in Chromium) until an empty one.
  return new Promise((resolve, reject) => {
    const all: FileSystemEntry[] = [];
    const more = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          more();
        }
      }, reject);
    more();
  });
}

async function walk(entry: FileSystemEntry, out: Named[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ file, name: entry.fullPath.replace(/^\//, '') });
  } else if (entry.isDirectory) {
    for (const child of await readAll((entry as FileSystemDirectoryEntry).createReader())) await walk(child, out);
  }
}

export async function droppedFiles(transfer: DataTransfer): Promise<Named[]> {
  const entries = Array.from(transfer.items)
    .map((item) => item.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => Boolean(e));
  if (entries.length === 0) return Array.from(transfer.files).map((file) => ({ file, name: file.name }));
  const out: Named[] = [];
  for (const entry of entries) await walk(entry, out);
  return out;
}

/** Files from an <input multiple> or <input webkitdirectory>: folder paths kept. */
export const chosenFiles = (files: FileList | null): Named[] =>
  Array.from(files ?? []).map((file) => ({ file, name: file.webkitRelativePath || file.name }));
