// JSON <-> domain for the admin API.
#include "api/json_codec.h"

#include <fmt/format.h>
#include <array>

#include "routing/business_hours.h"

namespace sequencial::api {
namespace {

using nlohmann::json;

constexpr std::array<std::string_view, 7> kDays = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

Result<std::optional<std::string>> optional_string(const json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<std::string>();
  if (!it->is_string())
    return fail(Error::invalid(field, std::string(field) + " must be a string"));
  return std::optional<std::string>(it->get<std::string>());
}

Result<std::optional<bool>> optional_bool(const json& body, const char* field) {
  const auto it = body.find(field);
  if (it == body.end() || it->is_null()) return std::optional<bool>();
  if (!it->is_boolean()) {
    return fail(Error::invalid(field, std::string(field) + " must be true or false"));
  }
  return std::optional<bool>(it->get<bool>());
}

Result<std::vector<TimeRange>> parse_ranges(const json& value, const std::string& field) {
  if (!value.is_array()) {
    return fail(Error::invalid(field, "must be a list of [\"HH:MM\", \"HH:MM\"] pairs"));
  }
  std::vector<TimeRange> ranges;
  for (std::size_t i = 0; i < value.size(); ++i) {
    const std::string at = field + "[" + std::to_string(i) + "]";
    const json& pair = value[i];
    if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string()) {
      return fail(Error::invalid(at, "a range must be [\"HH:MM\", \"HH:MM\"]"));
    }
    auto start = routing::parse_clock(pair[0].get<std::string>(), at, false);
    if (!start) return fail(start.error());
    auto end = routing::parse_clock(pair[1].get<std::string>(), at, true);
    if (!end) return fail(end.error());
    ranges.push_back({*start, *end});
  }
  return ranges;
}

json ranges_json(const std::vector<TimeRange>& ranges) {
  json out = json::array();
  for (const auto& r : ranges) {
    out.push_back({routing::format_clock(r.start_minute), routing::format_clock(r.end_minute)});
  }
  return out;
}

}  // namespace

std::string format_time(Timestamp t) {
  const auto days = std::chrono::floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd{days};
  const std::chrono::hh_mm_ss hms{t - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string error_body(const Error& error) {
  json inner = {{"code", error_code_name(error.code)}, {"message", error.message}};
  if (!error.field.empty()) inner["field"] = error.field;
  return dump_json(json{{"error", inner}});
}

std::string dump_json(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

json link_json(const Link& link, std::string_view public_url) {
  return {{"id", link.id},
          {"slug", link.slug},
          {"phone", link.phone},
          {"message", link.message},
          {"label", link.label},
          {"active", link.active},
          {"preview_title", link.preview_title},
          {"preview_description", link.preview_description},
          {"preview_image", link.preview_image},
          {"created_at", format_time(link.created_at)},
          {"url", std::string(public_url) + "/" + link.slug}};
}

Result<app::LinkInput> parse_link_input(const json& body) {
  if (!body.is_object()) return fail(Error::invalid("", "body must be a JSON object"));
  app::LinkInput in;
  struct StringField {
    const char* name;
    std::optional<std::string> app::LinkInput::*member;
  };
  static constexpr StringField kFields[] = {
      {"slug", &app::LinkInput::slug},
      {"phone", &app::LinkInput::phone},
      {"message", &app::LinkInput::message},
      {"label", &app::LinkInput::label},
      {"preview_title", &app::LinkInput::preview_title},
      {"preview_description", &app::LinkInput::preview_description},
      {"preview_image", &app::LinkInput::preview_image},
  };
  for (const auto& f : kFields) {
    auto value = optional_string(body, f.name);
    if (!value) return fail(value.error());
    in.*f.member = std::move(*value);
  }
  auto active = optional_bool(body, "active");
  if (!active) return fail(active.error());
  in.active = *active;
  return in;
}

json central_json(const Central& central, const std::function<std::string(LinkId)>& slug_of,
                  const std::vector<routing::MemberState>& states, std::string_view public_url) {
  json members = json::array();
  for (std::size_t i = 0; i < central.members.size(); ++i) {
    const Member& m = central.members[i];
    json member = {{"link", slug_of(m.link_id)},
                   {"weight", m.weight},
                   {"hours", m.hours ? schedule_json(*m.hours) : json(nullptr)},
                   {"title", m.title},
                   {"description", m.description},
                   {"photo_url", m.photo_url},
                   {"regions", m.regions}};
    if (i < states.size()) {
      member["open_now"] = states[i].open;
      member["next_change"] = states[i].next_change == Timestamp::max()
                                  ? json(nullptr)
                                  : json(format_time(states[i].next_change));
    }
    members.push_back(std::move(member));
  }
  const std::string anchor = slug_of(central.anchor_id);
  return {{"id", central.id},
          {"anchor", anchor},
          {"mode", central_mode_name(central.mode)},
          {"title", central.title},
          {"shuffle", central.shuffle},
          {"fixed", central.fixed},
          {"when_closed", when_closed_name(central.when_closed)},
          {"members", std::move(members)},
          {"created_at", format_time(central.created_at)},
          {"url", std::string(public_url) + "/" + anchor}};
}

Result<app::CentralInput> parse_central_input(const json& body) {
  if (!body.is_object()) return fail(Error::invalid("", "body must be a JSON object"));
  app::CentralInput in;
  if (const auto it = body.find("anchor"); it != body.end() && !it->is_null()) {
    if (it->is_string()) {
      in.anchor = it->get<std::string>();
    } else if (it->is_number_integer()) {
      in.anchor = std::to_string(it->get<std::int64_t>());
    } else {
      return fail(Error::invalid("anchor", "anchor must be a link slug or id"));
    }
  }
  if (const auto it = body.find("members"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) return fail(Error::invalid("members", "members must be a list"));
    std::vector<app::MemberInput> members;
    for (std::size_t i = 0; i < it->size(); ++i) {
      const json& m = (*it)[i];
      const std::string field = "members[" + std::to_string(i) + "]";
      app::MemberInput member;
      const json* ref = &m;
      if (m.is_object()) {
        const auto link = m.find("link");
        if (link == m.end()) return fail(Error::invalid(field + ".link", "link is required"));
        ref = &*link;
        if (const auto w = m.find("weight"); w != m.end() && !w->is_null()) {
          if (!w->is_number_integer()) {
            return fail(
                Error::invalid(field + ".weight", "weight must be an integer from 1 to 100"));
          }
          const auto weight = w->get<std::int64_t>();
          member.weight = weight < 0 || weight > 1000 ? 0 : static_cast<int>(weight);
        }
        struct TextField {
          const char* name;
          std::string app::MemberInput::*target;
        };
        static constexpr TextField kTexts[] = {{"title", &app::MemberInput::title},
                                               {"description", &app::MemberInput::description},
                                               {"photo_url", &app::MemberInput::photo_url}};
        for (const auto& f : kTexts) {
          const auto t = m.find(f.name);
          if (t == m.end() || t->is_null()) continue;
          if (!t->is_string()) {
            return fail(
                Error::invalid(field + "." + f.name, std::string(f.name) + " must be a string"));
          }
          member.*f.target = t->get<std::string>();
        }
        if (const auto r = m.find("regions"); r != m.end() && !r->is_null()) {
          if (!r->is_array()) {
            return fail(Error::invalid(field + ".regions", "regions must be a list of strings"));
          }
          for (std::size_t j = 0; j < r->size(); ++j) {
            if (!(*r)[j].is_string()) {
              return fail(Error::invalid(field + ".regions[" + std::to_string(j) + "]",
                                         "a region is a string such as \"BR-SP\""));
            }
            member.regions.push_back((*r)[j].get<std::string>());
          }
        }
      }
      if (ref->is_string()) {
        member.link = ref->get<std::string>();
      } else if (ref->is_number_integer()) {
        member.link = std::to_string(ref->get<std::int64_t>());
      } else {
        return fail(Error::invalid(
            field, "a member is a link slug, id, or {\"link\":..., \"weight\":...}"));
      }
      members.push_back(std::move(member));
    }
    in.members = std::move(members);
  }
  auto fixed = optional_bool(body, "fixed");
  if (!fixed) return fail(fixed.error());
  in.fixed = *fixed;
  auto when = optional_string(body, "when_closed");
  if (!when) return fail(when.error());
  if (*when) {
    const auto parsed = when_closed_from_name(**when);
    if (!parsed) {
      return fail(
          Error::invalid("when_closed", "when_closed must be anchor, page or ignore_hours"));
    }
    in.when_closed = *parsed;
  }
  auto mode = optional_string(body, "mode");
  if (!mode) return fail(mode.error());
  if (*mode) {
    const auto parsed = central_mode_from_name(**mode);
    if (!parsed) return fail(Error::invalid("mode", "mode must be sequencial, seletivo or geo"));
    in.mode = *parsed;
  }
  auto title = optional_string(body, "title");
  if (!title) return fail(title.error());
  in.title = std::move(*title);
  auto shuffle = optional_bool(body, "shuffle");
  if (!shuffle) return fail(shuffle.error());
  in.shuffle = *shuffle;
  return in;
}

json schedule_json(const Schedule& schedule) {
  json week = json::object();
  for (std::size_t d = 0; d < 7; ++d) week[std::string(kDays[d])] = ranges_json(schedule.week[d]);
  json exceptions = json::array();
  for (const auto& e : schedule.exceptions) {
    exceptions.push_back({{"date", format_date(e.date)}, {"ranges", ranges_json(e.ranges)}});
  }
  return {{"tz", schedule.tz}, {"week", std::move(week)}, {"exceptions", std::move(exceptions)}};
}

Result<Schedule> parse_schedule(const json& body, std::string_view default_tz) {
  if (!body.is_object()) return fail(Error::invalid("", "body must be a JSON object"));
  Schedule schedule;
  auto tz = optional_string(body, "tz");
  if (!tz) return fail(tz.error());
  schedule.tz = tz->value_or(std::string(default_tz));
  if (const auto week = body.find("week"); week != body.end() && !week->is_null()) {
    if (!week->is_object()) {
      return fail(Error::invalid("week", "week must be an object of weekday -> ranges"));
    }
    for (const auto& [day, ranges] : week->items()) {
      std::size_t index = 7;
      for (std::size_t d = 0; d < 7; ++d) {
        if (day == kDays[d]) index = d;
      }
      if (index == 7) {
        return fail(Error::invalid("week." + day, "weekdays are sun mon tue wed thu fri sat"));
      }
      auto parsed = parse_ranges(ranges, "week." + day);
      if (!parsed) return fail(parsed.error());
      schedule.week[index] = std::move(*parsed);
    }
  }
  if (const auto list = body.find("exceptions"); list != body.end() && !list->is_null()) {
    if (!list->is_array()) return fail(Error::invalid("exceptions", "exceptions must be a list"));
    for (std::size_t i = 0; i < list->size(); ++i) {
      const json& e = (*list)[i];
      const std::string field = "exceptions[" + std::to_string(i) + "]";
      if (!e.is_object() || !e.contains("date") || !e["date"].is_string()) {
        return fail(
            Error::invalid(field + ".date", "an exception needs a \"date\": \"YYYY-MM-DD\""));
      }
      auto date = parse_date(e["date"].get<std::string>(), field + ".date");
      if (!date) return fail(date.error());
      DateException exception{*date, {}};
      if (const auto ranges = e.find("ranges"); ranges != e.end() && !ranges->is_null()) {
        auto parsed = parse_ranges(*ranges, field + ".ranges");
        if (!parsed) return fail(parsed.error());
        exception.ranges = std::move(*parsed);
      }
      schedule.exceptions.push_back(std::move(exception));
    }
    std::stable_sort(
        schedule.exceptions.begin(), schedule.exceptions.end(),
        [](const DateException& a, const DateException& b) { return a.date < b.date; });
  }
  return schedule;
}

Result<std::chrono::year_month_day> parse_date(std::string_view text, std::string_view field) {
  const auto bad = [&] {
    return fail(Error::invalid(std::string(field), "date must be a real date as YYYY-MM-DD"));
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  int parts[3] = {0, 0, 0};
  const std::size_t starts[3] = {0, 5, 8};
  const std::size_t lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (std::size_t i = starts[p]; i < starts[p] + lengths[p]; ++i) {
      if (text[i] < '0' || text[i] > '9') return bad();
      parts[p] = parts[p] * 10 + (text[i] - '0');
    }
  }
  const std::chrono::year_month_day date{std::chrono::year(parts[0]),
                                         std::chrono::month(static_cast<unsigned>(parts[1])),
                                         std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!date.ok()) return bad();
  return date;
}

std::string format_date(std::chrono::year_month_day date) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(date.year()),
                     static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
}

}  // namespace sequencial::api
