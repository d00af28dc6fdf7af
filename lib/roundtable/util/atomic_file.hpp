// Writing output files whole or not at all.
#pragma once

#include <string>
#include <string_view>

namespace roundtable::util {

// Writes `content` to `path` through a temporary file in the same folder and a
// rename, so readers never see a half-written file; throws Error(Exit::usage)
// naming the path and the reason if it cannot.
void write_file_atomic(const std::string& path, std::string_view content);

} // namespace roundtable::util
