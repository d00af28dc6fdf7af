#include <fmt/format.h>
#include <roundtable/util/units.hpp>

namespace roundtable::util {

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

} // namespace roundtable::util
