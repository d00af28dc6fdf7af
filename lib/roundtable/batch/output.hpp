// The JSONL output of corpus mode: one JSON line per finished article, written
// whole or not at all, and the reading of an earlier output for --resume.
//
// LineWriter is thread-safe: each line is one write under a mutex, flushed at
// once; a file is opened with O_APPEND so a line never interleaves with
// another writer's.
#pragma once

#include <cstddef>
#include <expected>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace roundtable::batch {

class LineWriter {
public:
    // Writes to `out` (stdout); never fails.
    explicit LineWriter(std::ostream& out);
    // Writes to the file at `path`, appended to (`append`) or truncated; returns the
    // reason if it cannot be opened.
    static std::expected<std::unique_ptr<LineWriter>, std::string>
    open_file(const std::string& path, bool append);
    LineWriter(const LineWriter&) = delete;
    LineWriter& operator=(const LineWriter&) = delete;
    // Closes the file, if any; never fails.
    ~LineWriter();

    // Writes `line` and a newline as one write; returns the reason if the write failed.
    std::expected<void, std::string> write_line(const std::string& line);

private:
    LineWriter() = default;

    std::mutex m_mutex;
    std::ostream* m_out = nullptr;
    int m_fd = -1;
    std::string m_path;
};

struct ResumeState {
    std::set<std::string> done;       // ids with a card line
    std::size_t lines = 0;            // complete lines read
    bool truncated = false;           // an incomplete last line was cut off the file
    std::size_t failures_removed = 0; // error lines taken out of the file
};

// Reads the ids of articles that already have a complete card line in `path`,
// takes the error lines out of the file (those articles run again, so each
// article keeps exactly one line) and cuts an incomplete last line (no newline,
// or not JSON) off it; a missing file is an empty state. A file with error lines
// is rewritten through a temporary file and a rename (its mode kept), so it is
// never left half-rewritten. Returns the reason if the file cannot be read, cut
// or rewritten.
std::expected<ResumeState, std::string> read_resume_state(const std::string& path);

} // namespace roundtable::batch
