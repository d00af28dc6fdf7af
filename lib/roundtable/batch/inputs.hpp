// The inputs of corpus mode (DESIGN §7): files, folders (recursive: *.txt,
// *.md, *.html, *.htm), glob patterns (glob(3)) and .jsonl files of one
// article per line ({"id", "title"?, one of "text" | "path" | "url"}), turned
// into a stream of InputItems with a stable id each.
//
// Ids: a JSONL line's "id" when given; else a file's path -- relative to the
// folder it was found in for folder inputs, as given for file and glob inputs,
// as written for a JSONL "path" -- the URL for a JSONL "url", or "sha256:" and
// the first 16 hex digits of the SHA-256 of a JSONL "text".
//
// InputReader streams: folders are listed one at a time (paths only), JSONL
// files are read a line at a time, article bodies are never read here (except
// a JSONL line's own "text"). A problem with one input (a malformed JSONL
// line, a missing file, a line over k_max_jsonl_line_bytes or nesting JSON
// deeper than util::k_max_json_depth) is an item carrying an error, and reading
// goes on; an over-long line is never held in memory whole.
// Not thread-safe: one reader belongs to one thread.
#pragma once

#include <cstddef>
#include <deque>
#include <expected>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace roundtable::batch {

// The longest JSONL line read (README, "Bounds"): room for a 1 MiB article escaped as JSON.
inline constexpr std::size_t k_max_jsonl_line_bytes = 8 * 1024 * 1024;

struct InputItem {
    enum class Kind { file, text, url, error };

    Kind kind = Kind::file;
    std::string id;
    std::string title;  // from JSONL, else "" (the article's own title is used)
    std::string value;  // file path, text, URL, or the error message
    std::string origin; // where it came from: "corpus.jsonl:3", a path, ...
};

// Returns whether `path` has one of the extensions read in folders (.txt, .md,
// .html, .htm, any case); never fails.
bool is_article_file(std::string_view path);

// Returns "sha256:" and the first 16 hex digits of the SHA-256 of `text`; never fails.
std::string text_id(std::string_view text);

// Parses one JSONL line (`file` and 1-based `line` name it in errors) into an
// item; returns an item of Kind::error with a message "FILE:LINE: <problem>" if
// the line is not a JSON object, its fields have the wrong types, or it does
// not hold exactly one of text, path and url. A relative "path" is resolved
// against `base_dir` (the JSONL file's folder) but its id stays as written.
InputItem parse_jsonl_line(std::string_view text, const std::string& file, std::size_t line,
                           const std::string& base_dir);

class InputReader {
public:
    // Makes a reader over `inputs` (files, folders, globs, .jsonl files) in order; never fails.
    explicit InputReader(std::vector<std::string> inputs);

    // Returns the next item, or nullopt at the end; never throws (problems are error items).
    std::optional<InputItem> next();

private:
    void expand(const std::string& input);

    std::vector<std::string> m_inputs;
    std::size_t m_next_input = 0;
    std::deque<InputItem> m_pending; // file items of the folder or glob being read
    std::unique_ptr<std::ifstream> m_jsonl;
    std::string m_jsonl_path;
    std::string m_jsonl_dir;
    std::size_t m_jsonl_line = 0;
};

} // namespace roundtable::batch
