// The article a panel reads: reading a file, stdin or fetched bytes, turning
// HTML into text, validating and repairing its encoding.
//
// An Article is plain data, immutable once built and safe to share between
// threads. Reading functions throw roundtable::Error(Exit::usage) with a
// one-line message naming the problem; they never crash on bad bytes.
//
// Message format: every error and warning names its source first, as
// "<source>: <problem>" -- "examples/x.txt: input is empty", "stdin: input looks
// binary (NUL bytes), not text", "https://example.com/a: input has no text". When
// `source` is empty the prefix is left out. The problems are:
//   input is 2.0 MiB, over the 1.0 MiB limit (raise it with --max-bytes)
//   input is over the 1.0 MiB limit (raise it with --max-bytes)   (pipes: size unknown)
//   input is empty                      (nothing, or only whitespace)
//   input looks binary (<why>), not text   (NUL bytes / N% control bytes)
//   input is UTF-16 text; convert it to UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)
//   input has no text                   (nothing readable left after HTML extraction)
//   input has no article text: <why>    (a login wall, an empty shell loaded by
//                                        scripts, only navigation and links)
//   input HTML nests too deeply (over 1000 levels)
//   no such file / is a directory / permission denied / <other errno reason>
// and the warning "replaced N invalid UTF-8 sequence(s) with U+FFFD".
//
// Reading: a UTF-8 byte order mark is dropped; HTML that is not valid UTF-8 is
// converted from the encoding it declares (windows-1252 when it declares none);
// HTML is detected by content (see article/html.hpp) and its article extracted,
// metadata apart; plain text keeps its characters and only
// has its whitespace normalized (article/normalize.hpp).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::article {

struct Article {
    std::string title;      // HTML's headline (site name stripped), or a short first line, or ""
    std::string byline;     // HTML's author(s), or ""
    std::string published;  // HTML's publication date as stated, or ""
    std::string site;       // HTML's site name, or ""
    std::string source;     // the path, the URL, or "stdin"
    std::string text;       // normalized UTF-8 text the panel reads
    std::string sha256;     // hex SHA-256 of `text`
    std::size_t chars = 0;  // Unicode code points in `text`
    std::size_t bytes = 0;  // size of the input as read
    bool from_html = false; // true when the input was detected as HTML
    std::vector<std::string> warnings; // non-fatal problems (e.g. invalid UTF-8 replaced)
};

struct ReadOptions {
    std::size_t max_bytes = 1024 * 1024;   // inputs larger than this are refused
    std::string size_flag = "--max-bytes"; // the flag named in the size error
};

// Builds an Article from raw input bytes; throws Error(Exit::usage) if the input is
// empty, whitespace-only, binary, or over `options.max_bytes`.
Article from_bytes(std::string bytes, std::string source, const ReadOptions& options = {});

// Reads `path`; throws Error(Exit::usage) if it is missing, unreadable, a directory,
// or fails the checks of from_bytes.
Article read_file(const std::string& path, const ReadOptions& options = {});

// Reads all of standard input (binary, at most max_bytes + 1 bytes); throws as
// from_bytes, or with the errno reason if stdin cannot be read. Source is "stdin".
Article read_stdin(const ReadOptions& options = {});

// Returns the text claims are grounded in: the title, a blank line and the body (the
// body alone when there is no title) -- what `roundtable extract` prints as the text
// the panel reads. Never fails.
std::string grounding_text(const Article& article);

// Returns `problem` prefixed with "<source>: ", or `problem` alone when `source` is
// empty -- the format of every message above; never fails.
std::string source_message(std::string_view source, std::string_view problem);

} // namespace roundtable::article
