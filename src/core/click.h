// One recorded visit (rule 7, Reports of PRODUCT.md): a click sent on to
// WhatsApp, or a preview/bot request counted apart. Built on the redirect
// path, queued, and written in batches by clicks/click_pipeline.h. No raw IP
// address is ever part of it.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "core/model.h"

namespace sequencial {

enum class ClickKind : std::uint8_t { kClick = 0, kPreview = 1 };
enum class ClickSource : std::uint8_t { kLink = 0, kQr = 1 };

struct ClickRecord {
  Timestamp at{};
  ClickKind kind = ClickKind::kClick;
  CentralId central_id = 0;  // 0 when the slug is a plain link
  LinkId entry_link_id = 0;  // the link whose slug was opened (the anchor for a central)
  LinkId link_id = 0;        // the link served (the attendant); 0 for a closed page
  VisitorId visitor;
  bool new_visitor = true;  // no visitor cookie came with the request
  std::string outcome;      // routing outcome name: rotation, fixed, link, closed_anchor...
  std::string device;       // android, ios, windows, macos, linux, other
  std::string browser;      // chrome, safari, instagram, ...
  std::string referrer;     // referrer domain only, empty when none
  std::string utm_source, utm_medium, utm_campaign, utm_term, utm_content;
  bool gclid = false;
  bool fbclid = false;
  ClickSource source = ClickSource::kLink;
  std::string ref;  // short click code, also offered to messages as {ref}
};

}  // namespace sequencial
