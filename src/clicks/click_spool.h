// The local click spool: an append-only file where the click writer keeps
// the batches the database cannot take (it is down), so that the in-memory
// queues drain and memory stays bounded; the writer replays it, in order,
// when the database answers again.
//
// File format (all integers little-endian). The file is a sequence of frames:
//   u8  magic 0xC5            frame start, a cheap sanity check
//   u8  version (1)           format of the payload
//   u32 payload length        bytes that follow the header
//   u32 CRC-32 (IEEE)         of the payload
//   payload                   one ClickRecord (encode_click below)
// A frame whose header or payload is cut short, or whose checksum does not
// match, ends the readable part of the file: everything from it on is a torn
// tail (a crash in the middle of an append) and is skipped, never replayed.
//
// Replay offset: the bytes already replayed are remembered in memory and in
// a sidecar file `<spool>.offset` (written with write + rename after every
// replayed chunk), so a chunk is not replayed twice while the process runs
// nor, barring a crash between the database commit and the sidecar write,
// after a restart. When everything is replayed both files are removed.
//
// One process per spool: open() takes an exclusive flock on `<spool>.lock`.
// When another process holds it (two nodes started in one directory with the
// default path), it takes the next free slot, `<spool>.1`, `<spool>.2`...,
// so each process appends to and replays its own file, and a restarted node
// replays whatever an earlier one left in the slot it takes.
//
// Thread-safety: none; the click writer owns its ClickSpool (the pipeline's
// flush mutex serialises every use).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/click.h"
#include "core/error.h"

namespace sequencial::clicks {

inline constexpr std::uint8_t kSpoolMagic = 0xC5;
inline constexpr std::uint8_t kSpoolVersion = 1;
inline constexpr std::size_t kSpoolHeaderBytes = 10;

// CRC-32 (IEEE 802.3, as zlib's crc32) of `bytes`.
[[nodiscard]] std::uint32_t crc32(std::string_view bytes);

// One record as a frame (header + payload), appended to `out`.
void encode_frame(const ClickRecord& record, std::string& out);

// The frame at the start of `bytes`: how many bytes it takes (0 when the
// frame is cut short or corrupt) and the record it holds.
struct DecodedFrame {
  std::size_t size = 0;
  ClickRecord record;
};
[[nodiscard]] DecodedFrame decode_frame(std::string_view bytes);

// Where the spool lives when no --click-spool is given: next to the SQLite
// file ("<file>.spool"), or "sequencial-clicks.spool" in the working
// directory for a PostgreSQL URL or an in-memory database.
[[nodiscard]] std::string default_spool_path(std::string_view db);

class ClickSpool {
 public:
  // Records read back by one replay step, with the file offset just past
  // each of them (to commit a prefix).
  struct Chunk {
    std::vector<ClickRecord> records;
    std::vector<std::uint64_t> ends;
  };

  // The spool at `path`. A spool left by an earlier run (a crash, or a stop
  // while the database was down) is found here and replayed like any other;
  // its torn tail, if any, is cut off. Creates no file: the first append does.
  [[nodiscard]] static Result<ClickSpool> open(const std::filesystem::path& path);
  // A spool that could not be opened: every append fails with `error`
  // (what was on disk is left alone for a later run).
  [[nodiscard]] static ClickSpool unusable(std::filesystem::path path, Error error);

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  // Bytes appended and not yet replayed.
  [[nodiscard]] std::uint64_t pending_bytes() const { return size_ - offset_; }
  [[nodiscard]] bool empty() const { return size_ == offset_; }
  // Bytes of torn or corrupt tail skipped so far.
  [[nodiscard]] std::uint64_t skipped_bytes() const { return skipped_; }

  // Appends every record and syncs the file (fdatasync): on failure nothing
  // of this call is counted as spooled (a partial write is cut off again).
  [[nodiscard]] Result<void> append(std::span<const ClickRecord> records);

  // Up to `max_records` records from the replay offset on (an empty chunk
  // when the rest of the file is a torn tail, which is then skipped).
  [[nodiscard]] Result<Chunk> read(std::size_t max_records);
  // Marks the bytes up to `end` (one of the chunk's ends) as replayed;
  // removes the files when everything is.
  [[nodiscard]] Result<void> commit(std::uint64_t end);

  ClickSpool(ClickSpool&& other) noexcept;
  ClickSpool& operator=(ClickSpool&& other) noexcept;
  ClickSpool(const ClickSpool&) = delete;
  ClickSpool& operator=(const ClickSpool&) = delete;
  ~ClickSpool();

 private:
  explicit ClickSpool(std::filesystem::path path);
  [[nodiscard]] Result<void> save_offset();
  [[nodiscard]] Result<void> remove_files();

  std::filesystem::path path_;
  std::filesystem::path offset_path_;
  std::uint64_t size_ = 0;    // readable bytes in the file
  std::uint64_t offset_ = 0;  // bytes already replayed
  std::uint64_t skipped_ = 0;
  std::optional<Error> broken_;  // set by unusable()
  int lock_fd_ = -1;             // holds the flock on <path>.lock
};

}  // namespace sequencial::clicks
