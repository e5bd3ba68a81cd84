// The click spool's frame codec and file handling (see click_spool.h).
#include "clicks/click_spool.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <utility>

namespace sequencial::clicks {
namespace {

constexpr std::array<std::uint32_t, 256> make_crc_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1U) : c >> 1U;
    table[i] = c;
  }
  return table;
}
constexpr std::array<std::uint32_t, 256> kCrcTable = make_crc_table();

// A record is a few hundred bytes; anything claiming more is corrupt.
constexpr std::uint32_t kMaxPayload = 1U << 20U;
// Spool files one path may stand for: <path>, <path>.1 ... (one per process).
constexpr int kSlots = 64;
// Bytes read from the file per replay step (a chunk never needs more).
constexpr std::size_t kReadBlock = 4U << 20U;

void put_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFFU);
}
std::uint32_t get_u32(std::string_view in) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8U) | static_cast<unsigned char>(in[i]);
  return v;
}
void put_u64(std::string& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out += static_cast<char>((v >> (8 * i)) & 0xFFU);
}
void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7FU) | 0x80U);
    v >>= 7U;
  }
  out += static_cast<char>(v);
}
void put_signed(std::string& out, std::int64_t v) {
  // Zigzag: small negative numbers stay short too.
  put_varint(out, (static_cast<std::uint64_t>(v) << 1U) ^ static_cast<std::uint64_t>(v >> 63));
}
void put_text(std::string& out, const std::string& s) {
  put_varint(out, s.size());
  out += s;
}

// Reads the payload fields in order; any overrun marks the reader bad.
class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  [[nodiscard]] bool ok() const { return ok_ && in_.empty(); }
  [[nodiscard]] bool good() const { return ok_; }
  [[nodiscard]] bool at_end() const { return in_.empty(); }
  std::uint8_t byte() {
    if (in_.empty()) return bad();
    const auto b = static_cast<std::uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return b;
  }
  std::uint64_t u64() {
    if (in_.size() < 8) return bad();
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8U) | static_cast<unsigned char>(in_[i]);
    in_.remove_prefix(8);
    return v;
  }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      const std::uint8_t b = byte();
      if (!ok_) return 0;
      v |= static_cast<std::uint64_t>(b & 0x7FU) << shift;
      if ((b & 0x80U) == 0) return v;
    }
    return bad();
  }
  std::int64_t signed_varint() {
    const std::uint64_t z = varint();
    return static_cast<std::int64_t>((z >> 1U) ^ (~(z & 1U) + 1U));
  }
  std::string text() {
    const std::uint64_t n = varint();
    if (!ok_ || n > in_.size()) return static_cast<void>(bad()), std::string();
    std::string s(in_.substr(0, n));
    in_.remove_prefix(n);
    return s;
  }

 private:
  std::uint8_t bad() {
    ok_ = false;
    in_ = {};
    return 0;
  }
  std::string_view in_;
  bool ok_ = true;
};

void encode_payload(const ClickRecord& c, std::string& out) {
  put_signed(out, c.at.time_since_epoch().count());
  const unsigned flags = (c.kind == ClickKind::kPreview ? 1U : 0U) | (c.new_visitor ? 2U : 0U) |
                         (c.gclid ? 4U : 0U) | (c.fbclid ? 8U : 0U) |
                         (c.source == ClickSource::kQr ? 16U : 0U);
  out += static_cast<char>(flags);
  put_signed(out, c.central_id);
  put_signed(out, c.entry_link_id);
  put_signed(out, c.link_id);
  put_u64(out, c.visitor.hi);
  put_u64(out, c.visitor.lo);
  for (const std::string* s :
       {&c.outcome, &c.device, &c.browser, &c.referrer, &c.utm_source, &c.utm_medium,
        &c.utm_campaign, &c.utm_term, &c.utm_content, &c.ref}) {
    put_text(out, *s);
  }
  // Added with the modes of a central; a frame written before ends above
  // and decodes with these empty.
  out += static_cast<char>(c.kind == ClickKind::kView ? 1U : 0U);
  put_signed(out, c.via_central_id);
  for (const std::string* s : {&c.country, &c.region, &c.city}) put_text(out, *s);
}

Error io_error(const std::filesystem::path& path, const char* what, int err) {
  return Error::internal("click spool " + path.string() + ": " + what + ": " +
                         std::generic_category().message(err));
}

// pread of up to `n` bytes at `offset` (fewer at the end of the file).
Result<std::string> read_at(const std::filesystem::path& path, std::uint64_t offset,
                            std::size_t n) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(io_error(path, "open", errno));
  std::string buf(n, '\0');
  std::size_t got = 0;
  while (got < n) {
    const ssize_t r = ::pread(fd, buf.data() + got, n - got, static_cast<off_t>(offset + got));
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int err = errno;
      ::close(fd);
      return fail(io_error(path, "read", err));
    }
    if (r == 0) break;
    got += static_cast<std::size_t>(r);
  }
  ::close(fd);
  buf.resize(got);
  return buf;
}

}  // namespace

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t c = 0xFFFFFFFFU;
  for (const char ch : bytes)
    c = kCrcTable[(c ^ static_cast<unsigned char>(ch)) & 0xFFU] ^ (c >> 8U);
  return c ^ 0xFFFFFFFFU;
}

void encode_frame(const ClickRecord& record, std::string& out) {
  const std::size_t start = out.size();
  out.append(kSpoolHeaderBytes, '\0');
  encode_payload(record, out);
  const std::string_view payload = std::string_view(out).substr(start + kSpoolHeaderBytes);
  std::string header;
  header += static_cast<char>(kSpoolMagic);
  header += static_cast<char>(kSpoolVersion);
  put_u32(header, static_cast<std::uint32_t>(payload.size()));
  put_u32(header, crc32(payload));
  out.replace(start, kSpoolHeaderBytes, header);
}

DecodedFrame decode_frame(std::string_view bytes) {
  DecodedFrame frame;
  if (bytes.size() < kSpoolHeaderBytes) return frame;
  if (static_cast<std::uint8_t>(bytes[0]) != kSpoolMagic ||
      static_cast<std::uint8_t>(bytes[1]) != kSpoolVersion) {
    return frame;
  }
  const std::uint32_t length = get_u32(bytes.substr(2));
  if (length > kMaxPayload || bytes.size() - kSpoolHeaderBytes < length) return frame;
  const std::string_view payload = bytes.substr(kSpoolHeaderBytes, length);
  if (crc32(payload) != get_u32(bytes.substr(6))) return frame;

  Reader in(payload);
  ClickRecord& c = frame.record;
  c.at = Timestamp(std::chrono::seconds(in.signed_varint()));
  const std::uint8_t flags = in.byte();
  c.kind = (flags & 1U) != 0 ? ClickKind::kPreview : ClickKind::kClick;
  c.new_visitor = (flags & 2U) != 0;
  c.gclid = (flags & 4U) != 0;
  c.fbclid = (flags & 8U) != 0;
  c.source = (flags & 16U) != 0 ? ClickSource::kQr : ClickSource::kLink;
  c.central_id = in.signed_varint();
  c.entry_link_id = in.signed_varint();
  c.link_id = in.signed_varint();
  c.visitor.hi = in.u64();
  c.visitor.lo = in.u64();
  for (std::string* s : {&c.outcome, &c.device, &c.browser, &c.referrer, &c.utm_source,
                         &c.utm_medium, &c.utm_campaign, &c.utm_term, &c.utm_content, &c.ref}) {
    *s = in.text();
  }
  if (in.good() && !in.at_end()) {
    if ((in.byte() & 1U) != 0) c.kind = ClickKind::kView;
    c.via_central_id = in.signed_varint();
    for (std::string* s : {&c.country, &c.region, &c.city}) *s = in.text();
  }
  if (!in.ok()) return frame;
  frame.size = kSpoolHeaderBytes + length;
  return frame;
}

std::string default_spool_path(std::string_view db) {
  if (db.starts_with("postgres://") || db.starts_with("postgresql://")) {
    return "sequencial-clicks.spool";
  }
  std::string_view path = db;
  if (path.starts_with("sqlite://")) {
    path.remove_prefix(std::string_view("sqlite://").size());
  } else if (path.starts_with("sqlite:")) {
    path.remove_prefix(std::string_view("sqlite:").size());
  }
  if (path.empty() || path == ":memory:" || path.starts_with("file:")) {
    return "sequencial-clicks.spool";
  }
  return std::string(path) + ".spool";
}

// ---- the file ----

Result<ClickSpool> ClickSpool::open(const std::filesystem::path& path) {
  std::optional<ClickSpool> taken;
  for (int slot = 0; slot < kSlots && !taken; ++slot) {
    std::filesystem::path candidate = path;
    if (slot > 0) candidate += "." + std::to_string(slot);
    const std::string lock_path = candidate.string() + ".lock";
    const int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return fail(io_error(lock_path, "open", errno));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) continue;  // another process's spool
      return fail(io_error(lock_path, "lock", err));
    }
    taken.emplace(ClickSpool(std::move(candidate)));
    taken->lock_fd_ = fd;
  }
  if (!taken) {
    return fail(Error::internal("click spool " + path.string() + ": every slot up to ." +
                                std::to_string(kSlots - 1) + " is locked by another process"));
  }
  ClickSpool spool = std::move(*taken);
  std::error_code ec;
  const auto size = std::filesystem::file_size(spool.path_, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return spool;
    return fail(io_error(spool.path_, "stat", ec.value()));
  }
  std::ifstream offset_file(spool.offset_path_);
  std::uint64_t offset = 0;
  if (offset_file >> offset && offset <= size) spool.offset_ = offset;
  // Find the readable end: frames from the offset on, up to a torn tail.
  std::uint64_t at = spool.offset_;
  while (at < size) {
    auto block = read_at(spool.path_, at, kReadBlock);
    if (!block) return fail(std::move(block.error()));
    std::string_view rest = *block;
    std::size_t used = 0;
    while (true) {
      const DecodedFrame frame = decode_frame(rest.substr(used));
      if (frame.size == 0) break;
      used += frame.size;
    }
    if (used == 0) break;  // torn or corrupt from here on
    at += used;
  }
  spool.size_ = at;
  if (at < size) {
    spool.skipped_ = size - at;
    if (::truncate(spool.path_.c_str(), static_cast<off_t>(at)) != 0) {
      return fail(io_error(spool.path_, "truncate", errno));
    }
  }
  if (spool.empty()) {
    if (auto removed = spool.remove_files(); !removed) return fail(std::move(removed.error()));
  }
  return spool;
}

ClickSpool::ClickSpool(std::filesystem::path path)
    : path_(std::move(path)), offset_path_(path_.string() + ".offset") {}

ClickSpool::ClickSpool(ClickSpool&& other) noexcept
    : path_(std::move(other.path_)),
      offset_path_(std::move(other.offset_path_)),
      size_(other.size_),
      offset_(other.offset_),
      skipped_(other.skipped_),
      broken_(std::move(other.broken_)),
      lock_fd_(std::exchange(other.lock_fd_, -1)) {}

ClickSpool& ClickSpool::operator=(ClickSpool&& other) noexcept {
  if (this != &other) {
    if (lock_fd_ >= 0) ::close(lock_fd_);
    path_ = std::move(other.path_);
    offset_path_ = std::move(other.offset_path_);
    size_ = other.size_;
    offset_ = other.offset_;
    skipped_ = other.skipped_;
    broken_ = std::move(other.broken_);
    lock_fd_ = std::exchange(other.lock_fd_, -1);
  }
  return *this;
}

ClickSpool::~ClickSpool() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

ClickSpool ClickSpool::unusable(std::filesystem::path path, Error error) {
  ClickSpool spool(std::move(path));
  spool.broken_ = std::move(error);
  return spool;
}

Result<void> ClickSpool::append(std::span<const ClickRecord> records) {
  if (records.empty()) return {};
  if (broken_) return fail(*broken_);
  std::string bytes;
  bytes.reserve(records.size() * 128);
  for (const ClickRecord& r : records) encode_frame(r, bytes);
  const int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return fail(io_error(path_, "open", errno));
  std::size_t done = 0;
  int err = 0;
  while (done < bytes.size()) {
    const ssize_t w =
        ::pwrite(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(size_ + done));
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      err = w < 0 ? errno : EIO;
      break;
    }
    done += static_cast<std::size_t>(w);
  }
  if (err == 0 && ::fdatasync(fd) != 0) err = errno;
  if (err != 0) {
    // Cut off what this call wrote, so the next append does not follow a
    // half-written frame.
    (void)::ftruncate(fd, static_cast<off_t>(size_));
    ::close(fd);
    return fail(io_error(path_, "write", err));
  }
  ::close(fd);
  size_ += bytes.size();
  return {};
}

Result<ClickSpool::Chunk> ClickSpool::read(std::size_t max_records) {
  Chunk chunk;
  if (empty()) return chunk;
  auto block =
      read_at(path_, offset_,
              static_cast<std::size_t>(std::min<std::uint64_t>(size_ - offset_, kReadBlock)));
  if (!block) return fail(std::move(block.error()));
  std::string_view rest = *block;
  std::uint64_t at = offset_;
  while (chunk.records.size() < max_records && !rest.empty()) {
    DecodedFrame frame = decode_frame(rest);
    if (frame.size == 0) break;
    rest.remove_prefix(frame.size);
    at += frame.size;
    chunk.records.push_back(std::move(frame.record));
    chunk.ends.push_back(at);
  }
  if (chunk.records.empty()) {
    // The file changed under us (it was checked when opened and every
    // append is ours): skip what cannot be read rather than stall.
    skipped_ += size_ - offset_;
    if (auto ok = commit(size_); !ok) return fail(std::move(ok.error()));
  }
  return chunk;
}

Result<void> ClickSpool::commit(std::uint64_t end) {
  offset_ = std::min(end, size_);
  if (empty()) return remove_files();
  return save_offset();
}

Result<void> ClickSpool::save_offset() {
  const std::string tmp = offset_path_.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << offset_ << '\n';
    if (!out.flush()) return fail(io_error(offset_path_, "write", errno));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, offset_path_, ec);
  if (ec) return fail(io_error(offset_path_, "rename", ec.value()));
  return {};
}

Result<void> ClickSpool::remove_files() {
  std::error_code ec;
  std::filesystem::remove(offset_path_, ec);
  if (ec) return fail(io_error(offset_path_, "remove", ec.value()));
  std::filesystem::remove(path_, ec);
  if (ec) return fail(io_error(path_, "remove", ec.value()));
  size_ = 0;
  offset_ = 0;
  return {};
}

}  // namespace sequencial::clicks
