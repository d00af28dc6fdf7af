// Writing output files whole or not at all: the bytes go to a temporary file in the
// same folder, fsync'ed, then renamed over the path, so readers never see a
// half-written file. AtomicFile streams (a JSONL rewritten line by line);
// write_file_atomic() writes one string.
#pragma once

#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace roundtable::util {

class AtomicFile {
public:
    // Opens the temporary file for `path`; with `exact_mode` the file gets that mode (the
    // umask aside), else 0666 less the umask. Returns "PATH: cannot write: REASON" if it
    // cannot.
    static std::expected<AtomicFile, std::string>
    open(const std::string& path, std::optional<mode_t> exact_mode = std::nullopt);

    AtomicFile(AtomicFile&& other) noexcept;
    AtomicFile& operator=(AtomicFile&&) = delete;
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    // Removes the temporary file unless committed; never fails.
    ~AtomicFile();

    // Appends `data`; returns the reason if it cannot (the file is then left as it was).
    std::expected<void, std::string> write(std::string_view data);

    // Syncs, closes and renames the temporary file over the path; returns the reason if it
    // cannot (the path is then untouched).
    std::expected<void, std::string> commit();

private:
    AtomicFile(std::string path, std::string tmp, int fd);
    std::string fail(int error);

    std::string m_path;
    std::string m_tmp;
    int m_fd = -1;
};

// Writes `content` to `path` as AtomicFile does; throws Error(Exit::usage) naming the path and
// the reason if it cannot.
void write_file_atomic(const std::string& path, std::string_view content);

} // namespace roundtable::util
