// Typed values in and out of a detail::Statement: bind_all() binds a statement's parameters in
// order, RowReader reads a row's columns in order, both knowing how our types are stored
// (Timestamp as integer seconds, Date as 'YYYY-MM-DD', enums by name, std::optional as NULL).
// Engine-neutral; knows the record enums but no table.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "db/detail/engine.hpp"
#include "db/records.hpp"

namespace db::detail {

// How each enum is stored: its name in the records' words, and the noun a corrupt value is
// reported under ("dossiers row 12: unknown state 'bogus'").
template <class E>
struct EnumColumn;

template <>
struct EnumColumn<DossierState> {
  static constexpr std::string_view what = "state";
  static std::string_view name(DossierState v) { return dossier_state_name(v); }
  static std::optional<DossierState> parse(std::string_view s) { return parse_dossier_state(s); }
};
template <>
struct EnumColumn<EventKind> {
  static constexpr std::string_view what = "event kind";
  static std::string_view name(EventKind v) { return event_kind_name(v); }
  static std::optional<EventKind> parse(std::string_view s) { return parse_event_kind(s); }
};
template <>
struct EnumColumn<ScanOutcome> {
  static constexpr std::string_view what = "outcome";
  static std::string_view name(ScanOutcome v) { return scan_outcome_name(v); }
  static std::optional<ScanOutcome> parse(std::string_view s) { return parse_scan_outcome(s); }
};
template <>
struct EnumColumn<ManualStatus> {
  static constexpr std::string_view what = "status";
  static std::string_view name(ManualStatus v) { return manual_status_name(v); }
  static std::optional<ManualStatus> parse(std::string_view s) { return parse_manual_status(s); }
};
template <>
struct EnumColumn<ReturnOrderState> {
  static constexpr std::string_view what = "state";
  static std::string_view name(ReturnOrderState v) { return return_order_state_name(v); }
  static std::optional<ReturnOrderState> parse(std::string_view s) {
    return parse_return_order_state(s);
  }
};
template <>
struct EnumColumn<TimeUnit> {
  static constexpr std::string_view what = "time_unit";
  static std::string_view name(TimeUnit v) { return time_unit_name(v); }
  static std::optional<TimeUnit> parse(std::string_view s) { return parse_time_unit(s); }
};
template <>
struct EnumColumn<EventSource> {
  static constexpr std::string_view what = "source";
  static std::string_view name(EventSource v) { return event_source_name(v); }
  static std::optional<EventSource> parse(std::string_view s) { return parse_event_source(s); }
};
template <>
struct EnumColumn<Direction> {
  static constexpr std::string_view what = "direction";
  static std::string_view name(Direction v) { return direction_name(v); }
  static std::optional<Direction> parse(std::string_view s) {
    for (Direction d : {Direction::inbound, Direction::outbound}) {
      if (direction_name(d) == s) return d;
    }
    return std::nullopt;
  }
};
template <>
struct EnumColumn<ShipmentPurpose> {
  static constexpr std::string_view what = "purpose";
  static std::string_view name(ShipmentPurpose v) { return shipment_purpose_name(v); }
  static std::optional<ShipmentPurpose> parse(std::string_view s) {
    return parse_shipment_purpose(s);
  }
};
template <>
struct EnumColumn<ResultDelivery> {
  static constexpr std::string_view what = "result_delivery";
  static std::string_view name(ResultDelivery v) { return result_delivery_name(v); }
  static std::optional<ResultDelivery> parse(std::string_view s) {
    return parse_result_delivery(s);
  }
};
template <>
struct EnumColumn<PaymentMethod> {
  static constexpr std::string_view what = "method";
  static std::string_view name(PaymentMethod v) { return payment_method_name(v); }
  static std::optional<PaymentMethod> parse(std::string_view s) { return parse_payment_method(s); }
};
template <>
struct EnumColumn<RecipientKind> {
  static constexpr std::string_view what = "recipient_kind";
  static std::string_view name(RecipientKind v) { return recipient_kind_name(v); }
  static std::optional<RecipientKind> parse(std::string_view s) { return parse_recipient_kind(s); }
};
template <>
struct EnumColumn<DayKind> {
  static constexpr std::string_view what = "kind";
  static std::string_view name(DayKind v) { return v == DayKind::off ? "off" : "work"; }
  static std::optional<DayKind> parse(std::string_view s) {
    if (s == "off") return DayKind::off;
    if (s == "work") return DayKind::work;
    return std::nullopt;
  }
};

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};

// Binds one value to parameter `index` (from 1).
template <class T>
void bind_value(Statement& s, int index, const T& value) {
  if constexpr (is_optional<T>::value) {
    if (value) {
      bind_value(s, index, *value);
    } else {
      s.bind_null(index);
    }
  } else if constexpr (std::is_same_v<T, std::nullopt_t>) {
    s.bind_null(index);
  } else if constexpr (std::is_same_v<T, bool>) {
    s.bind_int(index, value ? 1 : 0);
  } else if constexpr (std::is_integral_v<T>) {
    s.bind_int(index, static_cast<std::int64_t>(value));
  } else if constexpr (std::is_enum_v<T>) {
    s.bind_text(index, EnumColumn<T>::name(value));
  } else if constexpr (std::is_same_v<T, Timestamp>) {
    s.bind_int(index, value.time_since_epoch().count());
  } else if constexpr (std::is_same_v<T, Date>) {
    s.bind_text(index, common::format_date(value));
  } else {
    static_assert(std::is_convertible_v<const T&, std::string_view>, "no way to bind this type");
    s.bind_text(index, std::string_view(value));
  }
}

// Binds `values` to parameters 1, 2, ... in order: bind_all(s, a, b, c).
template <class... Values>
void bind_all([[maybe_unused]] Statement& s, const Values&... values) {
  [[maybe_unused]] int index = 0;
  (bind_value(s, ++index, values), ...);
}

// Text that is stored as NULL when empty (columns that are UNIQUE only when set).
inline std::optional<std::string_view> null_if_empty(const std::string& text) {
  if (text.empty()) return std::nullopt;
  return text;
}

// Whether every engine can hold `text` as TEXT: valid UTF-8 without a NUL byte (PostgreSQL
// refuses anything else; SQLite keeps any bytes).
inline bool storable_text(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b == 0) return false;
    if (b < 0x80) {
      ++i;
      continue;
    }
    int more = 0;
    std::uint32_t cp = 0;
    if ((b & 0xE0) == 0xC0) {
      more = 1;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      more = 2;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      more = 3;
      cp = b & 0x07;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(more) >= text.size()) return false;
    for (int k = 1; k <= more; ++k) {
      const auto c = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    constexpr std::uint32_t k_least[] = {0, 0x80, 0x800, 0x10000};
    if (cp < k_least[more] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += static_cast<std::size_t>(more) + 1;
  }
  return true;
}

// A key to look a stored text up by: NULL (which equals nothing) when it is empty or when no
// engine could have stored it, so a lookup by hostile bytes finds nothing on every engine.
inline std::optional<std::string_view> lookup_key(const std::string& text) {
  if (text.empty() || !storable_text(text)) return std::nullopt;
  return text;
}
inline std::optional<std::string_view> lookup_key(const std::optional<std::string>& text) {
  if (!text || !storable_text(*text)) return std::nullopt;
  return std::string_view(*text);
}

// Reads one row's columns in order. A stored value this program cannot have written (an unknown
// enum name, a malformed date) is not guessed at: it throws DatabaseError(internal) naming the
// table and the row, so a corrupt record fails loudly instead of reading as a default.
class RowReader {
 public:
  RowReader(Statement& s, std::string_view table) : s_(s), table_(table) {}

  // Reads the row's id: the next column, remembered to name the row in errors.
  Id id() {
    id_ = next<Id>();
    return *id_;
  }

  // Reads a key that is not a numeric id (a date, a hash), remembered like id().
  template <class T>
  T key() {
    T value = next<T>();
    if constexpr (std::is_same_v<T, Date>) {
      key_ = common::format_date(value);
    } else {
      key_ = std::string(value);
    }
    return value;
  }

  template <class T>
  T next() {
    if constexpr (is_optional<T>::value) {
      if (!s_.is_null(column_)) return next<typename T::value_type>();
      ++column_;
      return std::nullopt;
    } else {
      return column<T>(column_++);
    }
  }

 private:
  template <class T>
  T column(int index) {
    if constexpr (std::is_same_v<T, bool>) {
      return s_.column_int(index) != 0;
    } else if constexpr (std::is_integral_v<T>) {
      return static_cast<T>(s_.column_int(index));
    } else if constexpr (std::is_same_v<T, std::string>) {
      return s_.column_text(index);
    } else if constexpr (std::is_same_v<T, Timestamp>) {
      return Timestamp{std::chrono::seconds{s_.column_int(index)}};
    } else if constexpr (std::is_same_v<T, Date>) {
      const std::string text = s_.column_text(index);
      auto date = common::parse_date(text);
      if (!date) corrupt("malformed", "date", text);
      return *date;
    } else {
      static_assert(std::is_enum_v<T>, "no way to read this type");
      const std::string text = s_.column_text(index);
      auto value = EnumColumn<T>::parse(text);
      if (!value) corrupt("unknown", EnumColumn<T>::what, text);
      return *value;
    }
  }

  [[noreturn]] void corrupt(std::string_view problem, std::string_view what,
                            const std::string& text) const;

  Statement& s_;
  std::string_view table_;
  int column_ = 0;
  std::optional<Id> id_;
  std::string key_;
};

// The one row of `s`, read by `read(RowReader&)`, or nothing. `table` names the row in errors.
template <class Read>
auto read_one(Statement& s, std::string_view table, Read&& read)
    -> std::optional<decltype(read(std::declval<RowReader&>()))> {
  if (!s.step()) return std::nullopt;
  RowReader r(s, table);
  return read(r);
}

// Every row of `s`, each read by `read(RowReader&)`.
template <class Read>
auto read_all(Statement& s, std::string_view table, Read&& read)
    -> std::vector<decltype(read(std::declval<RowReader&>()))> {
  std::vector<decltype(read(std::declval<RowReader&>()))> out;
  while (s.step()) {
    RowReader r(s, table);
    out.push_back(read(r));
  }
  return out;
}

// Runs a statement that returns one integer column in one row (an upsert's RETURNING id, a
// count), and returns it.
std::int64_t returned_int(Statement& s);

// SQL text joined at compile time, so a query built from a record's column list is one constant
// (and its address the prepared-statement cache key): sql("SELECT ", k_columns, " FROM t").
template <std::size_t... N>
consteval auto sql(const char (&... parts)[N]) {
  std::array<char, (N + ... + 0) - sizeof...(N) + 1> out{};
  std::size_t at = 0;
  auto append = [&](const auto& part) {
    for (std::size_t i = 0; part[i] != '\0'; ++i) out[at++] = part[i];
  };
  (append(parts), ...);
  out[at] = '\0';
  return out;
}

}  // namespace db::detail
