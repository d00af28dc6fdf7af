#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <roundtable/batch/output.hpp>
#include <roundtable/util/atomic_file.hpp>
#include <roundtable/util/file.hpp>
#include <roundtable/util/json_depth.hpp>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace roundtable::batch {

namespace {

// Rewrites `path` as its first `end` bytes less the lines numbered in `dropped` (0-based,
// ascending), whole or not at all (util::AtomicFile), keeping the file's mode; returns the
// reason if it cannot (the file is then unchanged).
std::expected<void, std::string> rewrite_without(const std::string& path, std::streamoff end,
                                                 const std::vector<std::size_t>& dropped) {
    constexpr std::size_t k_flush_bytes = 1 << 20;
    std::ifstream in(path, std::ios::binary);
    struct stat info {};
    if (!in || ::stat(path.c_str(), &info) != 0) {
        return std::unexpected(fmt::format("{}: cannot be read", path));
    }
    auto out = util::AtomicFile::open(path, info.st_mode);
    if (!out) {
        return std::unexpected(out.error());
    }
    std::string buffer;
    std::string line;
    std::streamoff pos = 0;
    std::size_t index = 0;
    auto next_drop = dropped.begin();
    while (pos < end && std::getline(in, line)) {
        pos += static_cast<std::streamoff>(line.size()) + 1;
        if (next_drop != dropped.end() && *next_drop == index) {
            ++next_drop;
        } else {
            buffer += line;
            buffer += '\n';
        }
        ++index;
        if (buffer.size() >= k_flush_bytes) {
            if (auto written = out->write(buffer); !written) {
                return written;
            }
            buffer.clear();
        }
    }
    if (auto written = out->write(buffer); !written) {
        return written;
    }
    return out->commit();
}

} // namespace

LineWriter::LineWriter(std::ostream& out) : m_out(&out) {}

std::expected<std::unique_ptr<LineWriter>, std::string>
LineWriter::open_file(const std::string& path, bool append) {
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (append ? 0 : O_TRUNC);
    int fd = ::open(path.c_str(), flags, 0666); // the umask decides, as for any output
    if (fd < 0) {
        return std::unexpected(fmt::format("{}: {}", path, util::describe_errno(errno)));
    }
    std::unique_ptr<LineWriter> writer(new LineWriter());
    writer->m_fd = fd;
    writer->m_path = path;
    return writer;
}

LineWriter::~LineWriter() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
}

std::expected<void, std::string> LineWriter::write_line(const std::string& line) {
    std::string whole = line + '\n';
    const std::lock_guard lock(m_mutex);
    if (m_out) {
        m_out->write(whole.data(), static_cast<std::streamsize>(whole.size()));
        m_out->flush();
        if (!*m_out) {
            return std::unexpected(std::string("stdout: write failed"));
        }
        return {};
    }
    std::size_t done = 0;
    while (done < whole.size()) {
        ssize_t n = ::write(m_fd, whole.data() + done, whole.size() - done);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return std::unexpected(fmt::format("{}: {}", m_path, util::describe_errno(errno)));
        }
        done += static_cast<std::size_t>(n);
    }
    return {};
}

std::expected<ResumeState, std::string> read_resume_state(const std::string& path) {
    ResumeState state;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (::access(path.c_str(), F_OK) != 0) {
            return state;
        }
        return std::unexpected(fmt::format("{}: cannot be read", path));
    }
    std::string line;
    std::streamoff good_end = 0;
    std::streamoff pos = 0;
    bool cut = false;
    std::size_t index = 0;             // of the line read, from 0
    std::vector<std::size_t> failures; // the error lines: their articles run again
    for (; std::getline(in, line); ++index) {
        bool complete = !in.eof();
        std::streamoff next = pos + static_cast<std::streamoff>(line.size()) + (complete ? 1 : 0);
        auto j = util::json_depth_ok(line) ? nlohmann::json::parse(line, nullptr, false)
                                           : nlohmann::json(nlohmann::json::value_t::discarded);
        bool valid = !j.is_discarded() && j.is_object() && j.contains("id") && j["id"].is_string();
        if (!complete || !valid) {
            if (!complete) {
                cut = true;
                break;
            }
            // A complete but broken line in the middle is left alone (and ignored).
            pos = next;
            good_end = next;
            continue;
        }
        ++state.lines;
        if (j.contains("card")) {
            state.done.insert(j["id"].get<std::string>());
        } else {
            failures.push_back(index);
        }
        pos = next;
        good_end = next;
    }
    in.close();
    if (!failures.empty()) { // one rewrite also leaves out an incomplete last line
        if (auto rewritten = rewrite_without(path, good_end, failures); !rewritten) {
            return std::unexpected(rewritten.error());
        }
        state.failures_removed = failures.size();
        state.truncated = cut;
        return state;
    }
    if (cut) {
        if (::truncate(path.c_str(), static_cast<off_t>(good_end)) != 0) {
            return std::unexpected(fmt::format("{}: cannot cut the incomplete last line ({})", path,
                                               util::describe_errno(errno)));
        }
        state.truncated = true;
    }
    return state;
}

} // namespace roundtable::batch
