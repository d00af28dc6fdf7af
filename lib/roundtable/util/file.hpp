// Reading whole files and descriptors with a size cap, so that a huge file or an
// endless pipe is refused after at most `cap + 1` bytes instead of filling memory.
//
// Failures are values: a short lowercase reason such as "no such file" that the
// caller prefixes with the path. All functions are thread-safe (they share no
// state); two threads reading the same descriptor get interleaved bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <expected>
#include <optional>
#include <string>

namespace roundtable::util {

struct CappedRead {
    std::string bytes;                 // the content; empty when over_cap was decided from the size
    bool over_cap = false;             // the source holds more than the cap
    std::optional<std::uint64_t> size; // the exact size when known (regular files), else nullopt
};

// Returns the reason for an errno value in the words of our messages ("no such
// file", "permission denied", "is a directory", ...), or strerror's text for others.
std::string describe_errno(int error);

// Reads `fd` to its end, keeping at most `cap` bytes; a regular file larger than `cap`
// is refused from its size without reading it. Returns the reason if a read fails.
std::expected<CappedRead, std::string> read_fd_capped(int fd, std::size_t cap);

// Opens and reads `path` as read_fd_capped does; returns the reason ("no such file",
// "is a directory", "permission denied", ...) if it cannot be opened or read.
std::expected<CappedRead, std::string> read_file_capped(const std::string& path, std::size_t cap);

} // namespace roundtable::util
