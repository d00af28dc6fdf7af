// `roundtable extract FILE|URL|-`: what the panel would read from an input -- the
// title, the page's metadata (byline, publication date, site name) and the article
// body, as text or as one JSON object {title, byline, published, site, text, chars,
// source}. Reading and extraction are article/'s; this only prints.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <string>

namespace roundtable::commands {

struct ExtractOptions {
    std::string input;           // path, "-" or "" for stdin, an http(s) URL
    std::string format = "text"; // text | json
    std::size_t max_bytes = 1024 * 1024;
};

// Reads and extracts the input and writes it to `out`, warnings to `err`; returns 0.
// Throws Error(Exit::usage) for an unknown format and for input errors (unreadable,
// empty, binary, oversized, a page with no article text, naming why).
int run_extract(const ExtractOptions& options, std::ostream& out, std::ostream& err);

} // namespace roundtable::commands
