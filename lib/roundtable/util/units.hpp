// Human-readable quantities for messages (sizes in bytes). Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <string>

namespace roundtable::util {

// Formats a byte count for people: "512 bytes", "1 byte", "4.0 KiB", "2.5 MiB",
// "1.2 GiB" (binary units, one decimal); never fails.
std::string format_size(std::uint64_t bytes);

} // namespace roundtable::util
