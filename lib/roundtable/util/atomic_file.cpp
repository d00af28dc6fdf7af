#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <fmt/format.h>
#include <roundtable/util/atomic_file.hpp>
#include <roundtable/util/error.hpp>
#include <roundtable/util/file.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace roundtable::util {

AtomicFile::AtomicFile(std::string path, std::string tmp, int fd)
    : m_path(std::move(path)), m_tmp(std::move(tmp)), m_fd(fd) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_path(std::move(other.m_path)), m_tmp(std::move(other.m_tmp)), m_fd(other.m_fd) {
    other.m_fd = -1;
    other.m_tmp.clear();
}

AtomicFile::~AtomicFile() {
    if (m_fd >= 0) {
        ::close(m_fd);
    }
    if (!m_tmp.empty()) {
        ::unlink(m_tmp.c_str());
    }
}

std::expected<AtomicFile, std::string> AtomicFile::open(const std::string& path,
                                                        std::optional<mode_t> exact_mode) {
    std::string tmp = fmt::format("{}.tmp.{}", path, ::getpid());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        return std::unexpected(fmt::format("{}: cannot write: {}", path, describe_errno(errno)));
    }
    AtomicFile file(path, std::move(tmp), fd);
    if (exact_mode && ::fchmod(fd, *exact_mode & 07777) != 0) {
        return std::unexpected(file.fail(errno));
    }
    return file;
}

std::string AtomicFile::fail(int error) {
    if (m_fd >= 0) {
        ::close(m_fd);
        m_fd = -1;
    }
    ::unlink(m_tmp.c_str());
    m_tmp.clear();
    return fmt::format("{}: cannot write: {}", m_path, describe_errno(error));
}

std::expected<void, std::string> AtomicFile::write(std::string_view data) {
    if (m_fd < 0) {
        return std::unexpected(fmt::format("{}: cannot write: already closed", m_path));
    }
    while (!data.empty()) {
        const ssize_t n = ::write(m_fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return std::unexpected(fail(errno));
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

std::expected<void, std::string> AtomicFile::commit() {
    if (m_fd < 0) {
        return std::unexpected(fmt::format("{}: cannot write: already closed", m_path));
    }
    if (::fsync(m_fd) != 0) {
        return std::unexpected(fail(errno));
    }
    const int closed = ::close(m_fd);
    m_fd = -1;
    if (closed != 0) {
        return std::unexpected(fail(errno));
    }
    if (std::rename(m_tmp.c_str(), m_path.c_str()) != 0) {
        return std::unexpected(fail(errno));
    }
    m_tmp.clear(); // renamed: nothing to remove
    return {};
}

void write_file_atomic(const std::string& path, std::string_view content) {
    auto file = AtomicFile::open(path);
    std::expected<void, std::string> done =
        file ? file->write(content) : std::unexpected(file.error());
    if (done) {
        done = file->commit();
    }
    if (!done) {
        throw Error(Exit::usage, done.error());
    }
}

} // namespace roundtable::util
