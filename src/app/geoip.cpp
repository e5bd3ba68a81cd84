// MaxMind DB lookups through libmaxminddb.
#include "app/geoip.h"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string_view>

namespace sequencial::app {

struct GeoIpFile::Handle {
  MMDB_s db{};
};

namespace {

// The UTF-8 string at `path` (NULL-terminated list of keys), or empty.
std::string_view string_at(MMDB_entry_s& entry, const char* const* path) {
  MMDB_entry_data_s data{};
  if (MMDB_aget_value(&entry, &data, path) != MMDB_SUCCESS || !data.has_data ||
      data.type != MMDB_DATA_TYPE_UTF8_STRING) {
    return {};
  }
  return {data.utf8_string, data.data_size};
}

constexpr const char* kCountryPath[] = {"country", "iso_code", nullptr};
constexpr const char* kSubdivisionPath[] = {"subdivisions", "0", "iso_code", nullptr};
constexpr const char* kCityPath[] = {"city", "names", "en", nullptr};

}  // namespace

GeoIpFile::GeoIpFile(std::unique_ptr<Handle> handle) : handle_(std::move(handle)) {}

GeoIpFile::~GeoIpFile() { MMDB_close(&handle_->db); }

Result<std::shared_ptr<const GeoIpFile>> GeoIpFile::open(const std::string& path) {
  auto handle = std::make_unique<Handle>();
  const int status = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &handle->db);
  if (status != MMDB_SUCCESS) {
    std::string reason = MMDB_strerror(status);
    if (status == MMDB_IO_ERROR || status == MMDB_FILE_OPEN_ERROR)
      reason += std::string(": ") + std::strerror(errno);
    return fail(Error{ErrorCode::kInvalid, "cannot open the GeoIP file " + path + ": " + reason,
                      "geoip-db"});
  }
  return std::shared_ptr<const GeoIpFile>(new GeoIpFile(std::move(handle)));
}

bool GeoIpFile::lookup(const http::IpAddress& address, routing::GeoLocation& where) const {
  sockaddr_storage storage{};
  if (address.is_v4()) {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    v4->sin_family = AF_INET;
    std::memcpy(&v4->sin_addr, address.bytes.data() + 12, 4);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    v6->sin6_family = AF_INET6;
    std::memcpy(&v6->sin6_addr, address.bytes.data(), 16);
  }
  int mmdb_error = MMDB_SUCCESS;
  MMDB_lookup_result_s found =
      MMDB_lookup_sockaddr(&handle_->db, reinterpret_cast<const sockaddr*>(&storage), &mmdb_error);
  if (mmdb_error != MMDB_SUCCESS || !found.found_entry) return false;
  const std::string_view country = string_at(found.entry, kCountryPath);
  if (country.size() != 2) return false;
  where.set_country(country);
  where.set_subdivision(string_at(found.entry, kSubdivisionPath));
  where.set_city(string_at(found.entry, kCityPath));
  return true;
}

std::string GeoIpFile::describe() const {
  const char* type = handle_->db.metadata.database_type;
  return std::string(type == nullptr ? "unknown" : type) +
         " nodes=" + std::to_string(handle_->db.metadata.node_count);
}

GeoIp::GeoIp(std::string path, http::TrustedProxies proxies, std::size_t loops)
    : path_(std::move(path)), proxies_(std::move(proxies)), slots_(loops) {}

Result<void> GeoIp::load() {
  if (path_.empty()) return {};
  auto file = GeoIpFile::open(path_);
  if (!file) return fail(file.error());
  std::lock_guard lock(mutex_);
  file_ = std::move(*file);
  version_.fetch_add(1, std::memory_order_release);
  return {};
}

bool GeoIp::locate(const http::HttpRequest& request, std::size_t loop,
                   routing::GeoLocation& where) {
  if (path_.empty()) return false;
  LoopSlot& slot = slots_[loop];
  const std::uint64_t version = version_.load(std::memory_order_acquire);
  if (slot.version != version) {
    std::lock_guard lock(mutex_);
    slot.file = file_;
    slot.version = version_.load(std::memory_order_relaxed);
  }
  if (!slot.file) return false;
  // Without trusted proxies the socket's address is the client's: parsed
  // in place, no allocation.
  const auto address = proxies_.empty()
                           ? http::IpAddress::parse(request.remote_address)
                           : http::IpAddress::parse(http::client_address_of(request, proxies_));
  return address && slot.file->lookup(*address, where);
}

bool GeoIp::locate_address(std::string_view text, routing::GeoLocation& where) const {
  std::shared_ptr<const GeoIpFile> file;
  {
    std::lock_guard lock(mutex_);
    file = file_;
  }
  const auto address = http::IpAddress::parse(text);
  return file && address && file->lookup(*address, where);
}

}  // namespace sequencial::app
