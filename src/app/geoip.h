// GeoIP: where a client is, from a MaxMind DB file the operator provides
// (--geoip-db: GeoLite2-City or -Country, DB-IP Lite, or any file in that
// format), read with libmaxminddb. Never a network call: the file is mapped
// into memory at start and again on SIGHUP (GeoIp::load), and a lookup is a
// walk of the file's search tree (O(log n)) plus three field reads, with no
// allocation when the client address is the socket's.
//
// The client address is the one http/client_address.h gives: the socket's,
// or X-Forwarded-For/Forwarded from --trusted-proxies only.
//
// Thread-safety: load() may run on any thread (the main thread on SIGHUP)
// while event loops call locate(); each loop keeps its own reference to the
// current file and only takes the lock when a reload published a new one.
// A file stays mapped while any loop still uses it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/error.h"
#include "http/client_address.h"
#include "http/message.h"
#include "routing/mode_rules.h"

namespace sequencial::app {

// One opened MaxMind DB file.
class GeoIpFile {
 public:
  [[nodiscard]] static Result<std::shared_ptr<const GeoIpFile>> open(const std::string& path);
  ~GeoIpFile();
  GeoIpFile(const GeoIpFile&) = delete;
  GeoIpFile& operator=(const GeoIpFile&) = delete;

  // Fills `where` for `address`; false (and `where` untouched) when the file
  // has no entry for it.
  bool lookup(const http::IpAddress& address, routing::GeoLocation& where) const;
  // "GeoLite2-City", "DBIP-City-Lite"... and the number of search tree nodes.
  [[nodiscard]] std::string describe() const;

 private:
  struct Handle;
  explicit GeoIpFile(std::unique_ptr<Handle> handle);
  std::unique_ptr<Handle> handle_;
};

class GeoIp {
 public:
  // `path` empty: no GeoIP file (every location unknown).
  GeoIp(std::string path, http::TrustedProxies proxies, std::size_t loops);

  // (Re)opens the file. On failure the file loaded before stays in use.
  [[nodiscard]] Result<void> load();
  [[nodiscard]] bool configured() const { return !path_.empty(); }

  // The location of the request's client, on event loop `loop`. False when
  // no file is loaded, the address is not one, or the file does not know it.
  bool locate(const http::HttpRequest& request, std::size_t loop, routing::GeoLocation& where);
  // The same from any thread, for an address given as text.
  bool locate_address(std::string_view address, routing::GeoLocation& where) const;

 private:
  struct alignas(64) LoopSlot {
    std::uint64_t version = 0;
    std::shared_ptr<const GeoIpFile> file;
  };
  const std::string path_;
  const http::TrustedProxies proxies_;
  mutable std::mutex mutex_;
  std::shared_ptr<const GeoIpFile> file_;  // guarded by mutex_
  std::atomic<std::uint64_t> version_{0};
  std::vector<LoopSlot> slots_;
};

}  // namespace sequencial::app
