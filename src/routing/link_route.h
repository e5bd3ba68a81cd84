// A link as the redirect path needs it: the stored Link packed into one
// allocation (its texts side by side in one buffer, read through views) plus
// its WhatsApp destination, percent-encoded once when the route is made
// rather than on every click.
//
// One allocation per link, shared by reference counting (boost::intrusive_ptr,
// so a reference is one pointer), keeps a million links within a few hundred
// bytes each: the routing table, the catalog and every router share it.
//
// Thread-safety: a LinkRoute is immutable once made; references may be
// copied and dropped from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include <boost/smart_ptr/intrusive_ptr.hpp>

#include "core/model.h"

namespace sequencial::routing {

class LinkRoute;
using LinkRouteRef = boost::intrusive_ptr<const LinkRoute>;

class LinkRoute {
 public:
  LinkRoute(const LinkRoute&) = delete;
  LinkRoute& operator=(const LinkRoute&) = delete;

  [[nodiscard]] LinkId id() const { return id_; }
  [[nodiscard]] bool active() const { return active_; }
  [[nodiscard]] Timestamp created_at() const { return created_at_; }
  [[nodiscard]] std::string_view slug() const { return text(kSlug); }
  [[nodiscard]] std::string_view phone() const { return text(kPhone); }
  [[nodiscard]] std::string_view message() const { return text(kMessage); }
  [[nodiscard]] std::string_view label() const { return text(kLabel); }
  [[nodiscard]] std::string_view preview_title() const { return text(kPreviewTitle); }
  [[nodiscard]] std::string_view preview_description() const { return text(kPreviewDescription); }
  [[nodiscard]] std::string_view preview_image() const { return text(kPreviewImage); }
  // "https://wa.me/<digits>?text=<percent-encoded message>"
  [[nodiscard]] std::string_view location() const { return text(kLocation); }
  // The message holds {utm_source}-style placeholders: the location must be
  // built per click with fill_placeholders() instead of using location().
  [[nodiscard]] bool has_placeholders() const { return has_placeholders_; }

  // The stored link, copied out (for the admin API and pages).
  [[nodiscard]] Link link() const;

 private:
  enum Field : std::uint8_t {
    kSlug,
    kPhone,
    kMessage,
    kLabel,
    kPreviewTitle,
    kPreviewDescription,
    kPreviewImage,
    kLocation,
    kFieldCount
  };
  LinkRoute() = default;
  [[nodiscard]] std::string_view text(Field field) const;
  [[nodiscard]] const char* chars() const { return reinterpret_cast<const char*>(this + 1); }

  friend LinkRouteRef make_link_route(const Link& link);
  friend void intrusive_ptr_add_ref(const LinkRoute* route);
  friend void intrusive_ptr_release(const LinkRoute* route);

  mutable std::atomic<std::uint32_t> references_{0};
  bool active_ = true;
  bool has_placeholders_ = false;
  LinkId id_ = 0;
  Timestamp created_at_{};
  std::uint32_t ends_[kFieldCount] = {};  // end offset of each field in the buffer after *this
};

// Packs `link` and its destination into one allocation.
[[nodiscard]] LinkRouteRef make_link_route(const Link& link);

// Values of the message placeholders for one click (rule 7).
struct PlaceholderValues {
  std::string_view utm_source, utm_medium, utm_campaign, utm_term, utm_content, ref;
};

// Replaces {utm_source} {utm_medium} {utm_campaign} {utm_term} {utm_content}
// and {ref} in `message`; an absent value becomes empty, unknown
// placeholders are left as written.
[[nodiscard]] std::string fill_placeholders(std::string_view message,
                                            const PlaceholderValues& values);
[[nodiscard]] bool has_placeholders(std::string_view message);

// "https://wa.me/<digits>" plus "?text=<encoded>" when the message is not empty.
[[nodiscard]] std::string whatsapp_url(std::string_view phone_digits, std::string_view message);

}  // namespace sequencial::routing
