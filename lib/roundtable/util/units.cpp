#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <optional>
#include <roundtable/util/units.hpp>
#include <utility>

namespace roundtable::util {

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// Splits "1.5GiB" into 1.5 and "gib" (lower case); nullopt when it does not start with a
// finite, non-negative number.
std::optional<std::pair<double, std::string>> number_and_unit(std::string_view text) {
    const char* begin = text.data();
    const char* end = text.data() + text.size();
    double value = 0;
    const auto [stop, error] = std::from_chars(begin, end, value, std::chars_format::fixed);
    if (error != std::errc() || stop == begin || !std::isfinite(value) || value < 0) {
        return std::nullopt;
    }
    std::string_view unit(stop, static_cast<std::size_t>(end - stop));
    while (!unit.empty() && unit.front() == ' ') {
        unit.remove_prefix(1);
    }
    return std::pair{value, lower(unit)};
}

} // namespace

std::string format_size(std::uint64_t bytes) {
    constexpr std::uint64_t k_kib = 1024;
    constexpr std::uint64_t k_mib = k_kib * 1024;
    constexpr std::uint64_t k_gib = k_mib * 1024;
    if (bytes == 1) {
        return "1 byte";
    }
    if (bytes < k_kib) {
        return fmt::format("{} bytes", bytes);
    }
    if (bytes < k_mib) {
        return fmt::format("{:.1f} KiB", static_cast<double>(bytes) / static_cast<double>(k_kib));
    }
    if (bytes < k_gib) {
        return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(k_mib));
    }
    return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / static_cast<double>(k_gib));
}

std::expected<std::uint64_t, std::string> parse_size(std::string_view text) {
    const std::string expected = fmt::format(
        "expected a size such as 200M, 1G or 512K (binary units; plain digits are bytes), got "
        "'{}'",
        text);
    const auto parsed = number_and_unit(text);
    if (!parsed) {
        return std::unexpected(expected);
    }
    const auto& [value, unit] = *parsed;
    double scale = 0;
    if (unit.empty() || unit == "b") {
        scale = 1;
    } else {
        const std::string_view prefixes = "kmgt";
        const auto at = prefixes.find(unit.front());
        const std::string_view rest = std::string_view(unit).substr(1);
        if (at == std::string_view::npos || (!rest.empty() && rest != "b" && rest != "ib")) {
            return std::unexpected(expected);
        }
        scale = std::pow(1024.0, static_cast<double>(at + 1));
    }
    const double bytes = std::floor(value * scale);
    if (bytes >= std::ldexp(1.0, 62)) {
        return std::unexpected(fmt::format("size '{}' is too large", text));
    }
    return static_cast<std::uint64_t>(bytes);
}

std::expected<std::int64_t, std::string> parse_duration(std::string_view text) {
    const std::string expected =
        fmt::format("expected a duration such as 7d, 12h, 30m, 90s or 2w, got '{}'", text);
    const auto parsed = number_and_unit(text);
    if (!parsed) {
        return std::unexpected(expected);
    }
    const auto& [value, unit] = *parsed;
    double scale = 0;
    if (unit == "s") {
        scale = 1;
    } else if (unit == "m") {
        scale = 60;
    } else if (unit == "h") {
        scale = 3600;
    } else if (unit == "d") {
        scale = 86400;
    } else if (unit == "w") {
        scale = 7 * 86400;
    } else {
        return std::unexpected(expected);
    }
    const double seconds = std::round(value * scale);
    if (seconds > 100.0 * 366 * 86400) {
        return std::unexpected(fmt::format("duration '{}' is longer than 100 years", text));
    }
    return static_cast<std::int64_t>(seconds);
}

} // namespace roundtable::util
