/**
 * Reading paths out of a git index file (`.git/index`), pure: bytes in, paths out. Format:
 * https://git-scm.com/docs/index-format. Only what `git ls-files` prints is read (the paths); anything
 * this reader is not sure to read as git does gives `undefined`, and the caller asks git instead.
 */

/** Bytes of the object ids in the index: 20 for SHA-1 repositories, 32 for SHA-256 ones. */
export type HashSize = 20 | 32;

const SIGNATURE = 0x44495243; // "DIRC"
/** ctime, mtime (8 bytes each), dev, ino, mode, uid, gid, size (4 bytes each), before the object id. */
const STAT_BYTES = 40;
const MODE_OFFSET = 24;
const EXTENDED_FLAG = 0x4000;
/** The extended flags git knows (skip-worktree, intent-to-add); git refuses an entry with any other. */
const KNOWN_EXTENDED_FLAGS = 0x6000;
/** A name length of 0xFFF or more is stored as 0xFFF: the name then ends at its NUL. */
const NAME_MASK = 0xfff;
const FILE_TYPE_MASK = 0o170000;
/** A sparse index stores a whole directory outside the sparse cone as one entry of this mode. */
const DIRECTORY_MODE = 0o040000;
const SLASH = 0x2f;

/**
 * The paths of the index entries at `folder` or under `folder/` (paths relative to the work tree's
 * root, `/`-separated, as git stores them), in index order with one line per stage of an unmerged
 * path: what `git ls-files -- <folder>` lists from the root. Undefined when the bytes are not an index
 * this reader is sure about: not version 2, 3 or 4, a split index (`link` extension: most entries live
 * in another file), a sparse index (directory entries), any other extension git requires to be
 * understood, unknown entry flags, or lengths that do not add up.
 *
 * The trailing checksum is not verified: git does not verify it either when it reads the index for a
 * command (only `git fsck` does), so a checksum check could only make this reader refuse an index git
 * itself reads.
 */
export function indexPathsUnder(index: Uint8Array, folder: string, hashSize: HashSize): string[] | undefined {
  const bytes = Buffer.from(index.buffer, index.byteOffset, index.byteLength);
  const end = bytes.length - hashSize; // the checksum follows the entries and extensions
  if (end < 12 || bytes.readUInt32BE(0) !== SIGNATURE) return undefined;
  const version = bytes.readUInt32BE(4);
  if (version !== 2 && version !== 3 && version !== 4) return undefined;
  const count = bytes.readUInt32BE(8);
  const wanted = Buffer.from(folder, 'utf8');

  const paths: string[] = [];
  // Version 4 stores each name as "drop n bytes from the previous name, append this": rebuilt here.
  let name: Buffer = Buffer.alloc(version === 4 ? 256 : 0);
  let nameLength = 0;
  let offset = 12;
  for (let entry = 0; entry < count; entry++) {
    const flagsAt = offset + STAT_BYTES + hashSize;
    if (flagsAt + 4 > end) return undefined;
    if ((bytes.readUInt32BE(offset + MODE_OFFSET) & FILE_TYPE_MASK) === DIRECTORY_MODE) return undefined;
    const flags = bytes.readUInt16BE(flagsAt);
    let nameAt = flagsAt + 2;
    if (flags & EXTENDED_FLAG) {
      if (version === 2 || bytes.readUInt16BE(flagsAt + 2) & ~KNOWN_EXTENDED_FLAGS) return undefined;
      nameAt += 2;
    }
    const storedLength = flags & NAME_MASK;
    if (version === 4) {
      const prefix = readVarint(bytes, nameAt, end);
      if (prefix === undefined || prefix.value > nameLength) return undefined;
      const nul = bytes.indexOf(0, prefix.next);
      if (nul < 0 || nul >= end) return undefined;
      const kept = nameLength - prefix.value;
      nameLength = kept + (nul - prefix.next);
      if (storedLength < NAME_MASK && storedLength !== nameLength) return undefined;
      if (nameLength > name.length) name = growTo(name, kept, nameLength);
      bytes.copy(name, kept, prefix.next, nul);
      if (isAtOrUnder(name, 0, nameLength, wanted)) paths.push(name.toString('utf8', 0, nameLength));
      offset = nul + 1;
    } else {
      const nul = storedLength < NAME_MASK ? nameAt + storedLength : bytes.indexOf(0, nameAt);
      if (nul < 0 || nul >= end || bytes[nul] !== 0) return undefined;
      if (isAtOrUnder(bytes, nameAt, nul - nameAt, wanted)) paths.push(bytes.toString('utf8', nameAt, nul));
      // 1 to 8 NULs end the name and pad the entry to a multiple of 8 bytes.
      offset += (nul - offset + 8) & ~7;
    }
  }

  // Extensions: a 4-byte signature and a 4-byte size each. One whose signature starts with a capital
  // letter is optional (a cache); git refuses an index with any other it does not understand.
  while (offset + 8 <= end) {
    const first = bytes[offset]!;
    if (first < 0x41 || first > 0x5a) return undefined;
    offset += 8 + bytes.readUInt32BE(offset + 4);
  }
  return offset === end ? paths : undefined;
}

/** Whether the name of `length` bytes at `start` of `bytes` is `folder` itself or a path under `folder/`. */
function isAtOrUnder(bytes: Uint8Array, start: number, length: number, folder: Uint8Array): boolean {
  if (length < folder.length || (length > folder.length && bytes[start + folder.length] !== SLASH)) return false;
  for (let i = 0; i < folder.length; i++) if (bytes[start + i] !== folder[i]) return false;
  return true;
}

/**
 * Git's variable-length integer (varint.c): 7 bits a byte, most significant first, each continued
 * byte adding one so that every value has exactly one encoding.
 */
function readVarint(bytes: Buffer, at: number, end: number): { value: number; next: number } | undefined {
  let byte = bytes[at++]!;
  let value = byte & 0x7f;
  while (byte & 0x80) {
    if (at >= end || value >= 2 ** 40) return undefined;
    byte = bytes[at++]!;
    value = (value + 1) * 128 + (byte & 0x7f);
  }
  return at <= end ? { value, next: at } : undefined;
}

function growTo(name: Buffer, kept: number, length: number): Buffer {
  const grown = Buffer.alloc(Math.max(length, name.length * 2));
  name.copy(grown, 0, 0, kept);
  return grown;
}
