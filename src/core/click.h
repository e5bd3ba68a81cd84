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

// kView: a Seletivo chooser page was shown. Views are counted in the
// rollups only (no raw row): a view is not a click.
enum class ClickKind : std::uint8_t { kClick = 0, kPreview = 1, kView = 2 };
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
  // The Seletivo or Geolocalizado central that sent the customer to
  // entry_link_id (a chooser's entry, a region's team); 0 when none. That
  // central's report counts the click, keyed by entry_link_id.
  CentralId via_central_id = 0;
  // Where the client is (GeoIP), as report keys "BR", "BR-SP",
  // "BR-SP/Campinas"; empty when unknown. Rollups only, never stored raw.
  std::string country, region, city;
};

}  // namespace sequencial
