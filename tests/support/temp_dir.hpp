// An RAII temporary directory for tests: created empty and unique under the
// system temp folder, removed with everything in it when the object dies.
//
// Not thread-safe: one TempDir belongs to one test.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace roundtable::testing {

class TempDir {
public:
    // Creates a fresh directory "roundtable-test-XXXXXX"; throws std::runtime_error if it cannot.
    TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    // Removes the directory and its content; errors are ignored.
    ~TempDir();

    // Returns the directory's path.
    const std::filesystem::path& path() const noexcept { return m_path; }

    // Writes `bytes` to `name` (relative, parent folders created) and returns its full path;
    // throws std::runtime_error if the file cannot be written.
    std::filesystem::path write(std::string_view name, std::string_view bytes) const;

private:
    std::filesystem::path m_path;
};

} // namespace roundtable::testing
