// The article a panel reads: reading a file, stdin or fetched bytes, turning
// HTML into text, validating and repairing its encoding.
//
// An Article is plain data, immutable once built and safe to share between
// threads. Reading functions throw roundtable::Error(Exit::usage) with a
// one-line message naming the problem; they never crash on bad bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::article {

struct Article {
    std::string title;                 // <title> of HTML, or a short first line, or ""
    std::string source;                // the path, the URL, or "stdin"
    std::string text;                  // normalized UTF-8 text the panel reads
    std::string sha256;                // hex SHA-256 of `text`
    std::size_t chars = 0;             // Unicode code points in `text`
    std::size_t bytes = 0;             // size of the input as read
    bool from_html = false;            // true when the input was detected as HTML
    std::vector<std::string> warnings; // non-fatal problems (e.g. invalid UTF-8 replaced)
};

struct ReadOptions {
    std::size_t max_bytes = 1024 * 1024; // inputs larger than this are refused
    std::string size_flag = "--max-bytes"; // the flag named in the size error
};

// Builds an Article from raw input bytes; throws Error(Exit::usage) if the input is
// empty, whitespace-only, binary, or over `options.max_bytes`.
Article from_bytes(std::string bytes, std::string source, const ReadOptions& options = {});

// Reads `path`; throws Error(Exit::usage) if it is missing, unreadable, a directory,
// or fails the checks of from_bytes.
Article read_file(const std::string& path, const ReadOptions& options = {});

// Reads all of standard input; throws as from_bytes.
Article read_stdin(const ReadOptions& options = {});

} // namespace roundtable::article
