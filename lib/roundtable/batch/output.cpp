#include <cerrno>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <roundtable/batch/output.hpp>
#include <roundtable/util/file.hpp>
#include <unistd.h>

namespace roundtable::batch {

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
    while (std::getline(in, line)) {
        bool complete = !in.eof();
        std::streamoff next = pos + static_cast<std::streamoff>(line.size()) + (complete ? 1 : 0);
        auto j = nlohmann::json::parse(line, nullptr, false);
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
        }
        pos = next;
        good_end = next;
    }
    in.close();
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
